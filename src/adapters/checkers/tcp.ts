/**
 * TCP_CHECK (check_tcp.c): the real server passes when a TCP connection to it completes within
 * connect_timeout; the connection is closed at once, nothing is sent.
 */
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe } from '../../engine/health/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { tcpConnect, quiet } from './connect.js';
import type { CheckerContext } from './context.js';

export class TcpCheck implements HealthProbe {
  constructor(
    private readonly conn: Connection,
    private readonly ctx: CheckerContext,
  ) {}

  async run(): Promise<CheckResult> {
    const r = await tcpConnect(this.conn, this.ctx.timers);
    if (r.ok) {
      quiet(r.socket).destroy();
      return { kind: 'pass' };
    }
    if (r.why === 'bind') return { kind: 'skipped', reason: 'TCP socket bind failed. Rescheduling.' };
    return { kind: 'fail', reason: r.why === 'timeout' ? 'timeout' : 'failed' };
  }

  close(): void {}
}
