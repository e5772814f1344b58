/**
 * A health check that probes another port than the real server serves checks a different service
 * than the one traffic is forwarded to: seed 002 forwards to Tomcat on 8080 but its TCP_CHECK
 * has `connect_port 80`, so the check reflects whatever listens on 80 (or nothing). keepalived
 * accepts this silently; lint warns.
 *
 * Only checks that connect to the real server itself are compared (a `connect_ip` elsewhere is a
 * deliberate probe of another host), and only the connection checkers whose target is the
 * forwarded service: TCP_CHECK, HTTP_GET, SSL_GET.
 */
import type { Checker, KeepalivedConfig, RealServer, VirtualServer } from '../keepalived/index.js';
import type { LintDiagnostic } from './types.js';

const PROBES_SERVICE: ReadonlySet<Checker['type']> = new Set(['TCP_CHECK', 'HTTP_GET', 'SSL_GET']);

function mismatch(vs: VirtualServer, rs: RealServer, c: Checker): LintDiagnostic | undefined {
  if (!PROBES_SERVICE.has(c.type) || !('connection' in c)) return undefined;
  const { connectIp, connectPort } = c.connection;
  // fwmark services forward every port: there is no single port to compare with.
  if (vs.kind === 'fwmark' || rs.port === 0 || connectIp !== rs.address || connectPort === rs.port) return undefined;
  return {
    severity: 'warning',
    code: 'checker-port-mismatch',
    message: `${c.type} probes port ${connectPort} but real server ${rs.address} serves port ${rs.port}`,
    file: c.loc.file,
    line: c.loc.line,
    col: c.loc.col,
    hint: `the check then says nothing about the forwarded service; remove connect_port (it defaults to the real server's port) or set connect_port ${rs.port}`,
  };
}

export function checkHealthPorts(model: KeepalivedConfig): LintDiagnostic[] {
  const out: LintDiagnostic[] = [];
  for (const vs of model.virtualServers) {
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) {
        const d = mismatch(vs, rs, c);
        if (d) out.push(d);
      }
    }
  }
  return out;
}
