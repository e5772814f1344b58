/**
 * DNS_CHECK (check_dns.c): one UDP query to the real server; it passes on an answer with the
 * query's id, QR set and RCODE 0 within connect_timeout.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker } from '../../lang/keepalived/model.js';
import { pair, targetHost, timeoutMs, type CheckerContext } from './context.js';
import { dnsQuery, judgeAnswer } from './dns-query.js';

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
    return new Promise((resolve) => {
      const sock = createSocket({ type: c.connectIp.includes(':') ? 'udp6' : 'udp4' });
      let done = false;
      const finish = (r: CheckResult): void => {
        if (done) return;
        done = true;
        this.ctx.timers.clear(timer);
        sock.removeAllListeners('message');
        sock.on('error', () => undefined);
        try {
          sock.close();
        } catch {
          // Already closed.
        }
        resolve(r);
      };
      const timer = this.ctx.timers.set(timeoutMs(c), () => finish({ kind: 'fail', reason: 'read timeout from socket' }));
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (e.syscall === 'bind') return finish({ kind: 'skipped', reason: `DNS_CHECK (${this.target.rsName}) UDP socket bind failed. Rescheduling.` });
        if (e.syscall === 'connect') return finish({ kind: 'fail', reason: `network unreachable for ${pair(c)}` });
        const errno = typeof e.errno === 'number' ? -e.errno : 0;
        finish({ kind: 'fail', reason: e.syscall === 'send' ? 'failed to write socket.' : `failed to read socket; errno ${errno} (${e.code ?? e.message})` });
      });
      sock.on('message', (msg) => {
        const v = judgeAnswer(id, msg);
        if (v === 'ignore') return;
        finish(v === 'ok' ? { kind: 'pass' } : { kind: 'fail', reason: `read error occurred. (rcode = ${v.rcode})` });
      });
      const connect = (): void => sock.connect(c.connectPort, targetHost(c), () => sock.send(query));
      if (c.bindto || c.bindPort) sock.bind({ ...(c.bindto ? { address: c.bindto } : {}), port: c.bindPort }, connect);
      else connect();
    });
  }

  close(): void {}
}
