/**
 * The checker adapters behind the engine's ProbeFactory port: one probe per configured checker.
 */
import type { HealthProbe, ProbeFactory, ProbeTarget } from '../../engine/health/ports.js';
import { unsupportedOptions, type CheckerContext } from './context.js';
import { DnsCheck } from './dns.js';
import { HttpGetCheck } from './http-get.js';
import { MiscCheck } from './misc.js';
import { PingCheck, findPing } from './ping.js';
import { ScriptUsers } from './script-user.js';
import { SmtpCheck } from './smtp.js';
import { sslGetCheck } from './ssl-get.js';
import { TcpCheck } from './tcp.js';
import { UdpCheck } from './udp.js';

export { NotifyCommands } from './command-runner.js';
export { InterfaceAddresses } from './address-watch.js';
export { TrackFileWatcher } from './track-file.js';
export { ScriptUsers } from './script-user.js';

/** A probe that never runs: for checker types without an adapter (FILE_CHECK is event-driven). */
const idle = (reason: string): HealthProbe => ({ run: async () => ({ kind: 'skipped', reason }), close() {} });

export function createProbeFactory(ctx: CheckerContext, users: ScriptUsers = new ScriptUsers(ctx.logger)): ProbeFactory {
  const ping = findPing();
  return (t: ProbeTarget): HealthProbe => {
    const c = t.checker;
    if ('connection' in c) unsupportedOptions(c.connection, `${c.type} for service ${t.rsName}`, ctx.logger);
    switch (c.type) {
      case 'TCP_CHECK':
        return new TcpCheck(c.connection, ctx);
      case 'HTTP_GET':
        return new HttpGetCheck(t, ctx);
      case 'SSL_GET':
        return sslGetCheck(t, ctx);
      case 'MISC_CHECK':
        return new MiscCheck(t, ctx, users);
      case 'SMTP_CHECK':
        return new SmtpCheck(t, ctx);
      case 'DNS_CHECK':
        return new DnsCheck(t, ctx);
      case 'UDP_CHECK':
        return new UdpCheck(t, ctx);
      case 'PING_CHECK':
        return new PingCheck(t, ctx, ping);
      default:
        return idle(`${c.type} for service ${t.rsName} has no probe`);
    }
  };
}
