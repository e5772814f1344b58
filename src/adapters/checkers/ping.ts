/**
 * PING_CHECK (check_ping.c): one ICMP echo request, passing on the reply within connect_timeout.
 * Node.js has no raw or ICMP datagram socket, so tsvs asks the `ping` program (iputils) to send
 * it: `ping -n -c 1 -W <timeout> [-I <bindto>] <address>`; exit 0 is a reply, 1 no reply, other
 * statuses an error. Where no `ping` exists the check cannot run: it is reported once with the
 * reason, the checker keeps its state (as keepalived does when it cannot open its socket) and is
 * tried again every delay_loop.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { targetHost, type CheckerContext } from './context.js';
import { startCommand } from './spawn-command.js';

/** The first executable `ping` on PATH (and the usual sbin directories), or null. */
export function findPing(path = process.env['PATH'] ?? ''): string | null {
  for (const dir of [...path.split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const p = join(dir, 'ping');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** The argument vector for one echo request. */
export function pingArgs(program: string, c: Connection): string[] {
  const seconds = Math.max(1, Math.ceil(c.connectTimeout));
  return [program, ...(c.connectIp.includes(':') ? ['-6'] : []), '-n', '-q', '-c', '1', '-W', String(seconds), ...(c.bindto ? ['-I', c.bindto] : []), targetHost(c)];
}

export const PING_UNAVAILABLE =
  'ICMP echo needs a raw socket, which Node.js does not provide, and no `ping` program (iputils) was found';

export class PingCheck implements HealthProbe {
  private said = false;

  constructor(
    private readonly target: ProbeTarget,
    private readonly ctx: CheckerContext,
    private readonly program: string | null = findPing(),
  ) {}

  async run(): Promise<CheckResult> {
    const checker = this.target.checker;
    if (!('connection' in checker)) return { kind: 'skipped', reason: `${checker.type} is not a PING_CHECK` };
    const c = checker.connection;
    if (!this.program) {
      const first = !this.said;
      this.said = true;
      return {
        kind: 'skipped',
        reason: first
          ? `PING_CHECK for service ${this.target.rsName} of VS ${this.target.vsName} unavailable: ${PING_UNAVAILABLE} - the checker keeps its state`
          : 'ICMP connect fail to create socket. Rescheduling.',
      };
    }
    // ping enforces -W itself; the extra second only guards against a stuck program.
    const end = await startCommand(pingArgs(this.program, c), c.connectTimeout * 1000 + 1000, this.ctx.timers).done;
    if (end.kind === 'exit' && end.status === 0) return { kind: 'pass' };
    if (end.kind === 'exec-error') return { kind: 'skipped', reason: `PING_CHECK: cannot run ${this.program}: ${end.message}` };
    return { kind: 'fail', reason: end.kind === 'exit' && end.status === 1 ? 'timeout' : 'failed' };
  }

  close(): void {}
}
