/**
 * DNS_CHECK (check_dns.c): one UDP query to the real server; it passes on an answer with the
 * query's id, QR set and RCODE 0 within connect_timeout.
 */
import { randomInt } from 'node:crypto';
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker } from '../../lang/keepalived/model.js';
import { pair, type CheckerContext } from './context.js';
import { dnsQuery, judgeAnswer } from './dns-query.js';
import { udpExchange } from './udp-exchange.js';

type DnsChecker = Extract<Checker, { type: 'DNS_CHECK' }>;

export class DnsCheck implements HealthProbe {
  private readonly checker: DnsChecker;

  constructor(
    private readonly target: ProbeTarget,
    private readonly ctx: CheckerContext,
  ) {
    this.checker = target.checker as DnsChecker;
  }

  run(): Promise<CheckResult> {
    const c = this.checker.connection;
    const id = randomInt(0x10000);
    const query = dnsQuery(id, this.checker.queryType, this.checker.name);
    return udpExchange(this.ctx, c, {
      payload: query,
      onTimeout: () => ({ kind: 'fail', reason: 'read timeout from socket' }),
      onError: (e) => {
        if (e.syscall === 'bind') return { kind: 'skipped', reason: `DNS_CHECK (${this.target.rsName}) UDP socket bind failed. Rescheduling.` };
        if (e.syscall === 'connect') return { kind: 'fail', reason: `network unreachable for ${pair(c)}` };
        const errno = typeof e.errno === 'number' ? -e.errno : 0;
        return { kind: 'fail', reason: e.syscall === 'send' ? 'failed to write socket.' : `failed to read socket; errno ${errno} (${e.code ?? e.message})` };
      },
      onMessage: (msg) => {
        const v = judgeAnswer(id, msg);
        if (v === 'ignore') return null;
        return v === 'ok' ? { kind: 'pass' } : { kind: 'fail', reason: `read error occurred. (rcode = ${v.rcode})` };
      },
    });
  }

  close(): void {}
}
