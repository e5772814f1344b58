/**
 * Loopback backends for checker tests (used only by *.test.ts): a TCP server whose behaviour a
 * test sets per connection, recording what each client sent; probe targets built from
 * keepalived.conf text.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/ports.js';
import type { ProbeTarget } from '../../engine/health/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { NodeClock } from '../node-clock.js';
import type { CheckerContext } from './context.js';

export type Handler = (request: string, socket: Socket) => void;

export interface Backend {
  readonly port: number;
  /** What each connection sent before the handler answered (one entry per connection). */
  readonly requests: string[];
  handler: Handler;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1; the handler runs once the request head (up to a blank line or first line) has arrived. */
export async function tcpBackend(handler: Handler, until: RegExp = /\r\n\r\n|\n/): Promise<Backend> {
  const sockets = new Set<Socket>();
  const b: { handler: Handler; requests: string[] } = { handler, requests: [] };
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let buf = '';
    let answered = false;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (!answered && until.test(buf)) {
        answered = true;
        b.requests.push(buf);
        b.handler(buf, s);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: b.requests,
    get handler() {
      return b.handler;
    },
    set handler(h: Handler) {
      b.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP answer with the given status line and body. */
export function httpAnswer(status: string, body: string, extraHeaders = ''): string {
  return `HTTP/1.0 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`;
}

export function memoryLogger(lines: string[]): Logger {
  return { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) };
}

export function context(lines: string[] = []): CheckerContext {
  const clock = new NodeClock({ ref: true });
  return { clock, timers: clock, logger: memoryLogger(lines) };
}

/** The probe target of the first checker of the first real server in a configuration. */
export function targetFrom(text: string): ProbeTarget {
  const { model } = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': text }), configId: 'x' });
  const vs = model.virtualServers[0]!;
  const rs = vs.realServers[0]!;
  return { checker: rs.checkers[0]!, rs, vs, rsName: `[${rs.address}]:tcp:${rs.port}`, vsName: `[${vs.address}]:tcp:${vs.port}`, scriptUser: model.globalDefs.scriptUser };
}

/** The connection options of a connection-based checker. */
export function connectionOf(t: ProbeTarget): Connection {
  if (!('connection' in t.checker)) throw new Error(`${t.checker.type} has no connection`);
  return t.checker.connection;
}

/** A virtual server block around one real server with one checker block. */
export function oneChecker(port: number, checker: string, rsExtra = '', vsExtra = ''): string {
  return `virtual_server 127.0.0.100 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${vsExtra}\n  real_server 127.0.0.1 ${port} {\n${rsExtra}\n    ${checker}\n  }\n}\n`;
}
