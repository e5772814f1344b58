/**
 * A TCP connection for a checker, as keepalived's tcp_bind_connect() makes it: from `bindto` /
 * `bind_port` when given, to connect_ip:connect_port, within connect_timeout.
 */
import { connect, type Socket } from 'node:net';
import type { Timers } from '../../core/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { targetHost, timeoutMs } from './context.js';

export type ConnectResult =
  | { readonly ok: true; readonly socket: Socket }
  /** timeout: no answer in time; error: refused, reset, unreachable; bind: the local address could not be used. */
  | { readonly ok: false; readonly why: 'timeout' | 'error' | 'bind'; readonly message: string };

export function tcpConnect(c: Connection, timers: Timers): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({
      host: targetHost(c),
      port: c.connectPort,
      ...(c.bindto ? { localAddress: c.bindto } : {}),
      ...(c.bindPort ? { localPort: c.bindPort } : {}),
    });
    let done = false;
    const finish = (r: ConnectResult): void => {
      if (done) return;
      done = true;
      timers.clear(timer);
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const timer = timers.set(timeoutMs(c), () => finish({ ok: false, why: 'timeout', message: 'connection timed out' }));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      finish({ ok: true, socket });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => finish({ ok: false, why: e.syscall === 'bind' ? 'bind' : 'error', message: e.message }));
  });
}

/**
 * Keep a socket's errors from crashing the process once its user stopped listening (late RSTs
 * after the result is known are of no interest).
 */
export function quiet(socket: Socket): Socket {
  socket.on('error', () => undefined);
  return socket;
}
