/**
 * One UDP request/answer with a real server, as DNS_CHECK and UDP_CHECK do it: a socket of the
 * target's family (bound to bindto/bind_port when given), connected, one datagram sent, then the
 * first decisive answer, error or the connect_timeout settles the check; the socket is always closed.
 */
import { createSocket } from 'node:dgram';
import type { CheckResult } from '../../core/health/spec.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { targetHost, timeoutMs, type CheckerContext } from './context.js';

export interface UdpExchange {
  readonly payload: Buffer;
  /** Nothing decisive arrived within connect_timeout. */
  onTimeout(): CheckResult;
  onError(e: NodeJS.ErrnoException): CheckResult;
  /** A datagram arrived: the result, or null to keep waiting. */
  onMessage(msg: Buffer): CheckResult | null;
}

export function udpExchange(ctx: CheckerContext, c: Connection, x: UdpExchange): Promise<CheckResult> {
  return new Promise((resolve) => {
    const sock = createSocket({ type: c.connectIp.includes(':') ? 'udp6' : 'udp4' });
    let done = false;
    const finish = (r: CheckResult): void => {
      if (done) return;
      done = true;
      ctx.timers.clear(timer);
      sock.removeAllListeners('message');
      sock.on('error', () => undefined);
      try {
        sock.close();
      } catch {
        // Already closed.
      }
      resolve(r);
    };
    const timer = ctx.timers.set(timeoutMs(c), () => finish(x.onTimeout()));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(x.onError(e)));
    sock.on('message', (msg) => {
      const r = x.onMessage(msg);
      if (r) finish(r);
    });
    const connect = (): void => sock.connect(c.connectPort, targetHost(c), () => sock.send(x.payload));
    if (c.bindto || c.bindPort) sock.bind({ ...(c.bindto ? { address: c.bindto } : {}), port: c.bindPort }, connect);
    else connect();
  });
}
