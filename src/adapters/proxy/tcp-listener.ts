/**
 * A listening socket on a TCP virtual service (VIP:port). Accepted connections start paused
 * (`pauseOnConnect`): the client's bytes stay in the kernel until the real server has accepted,
 * so a refused real server can be replaced before the client sees anything.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { textToWords } from '../../core/conn/addr-words.js';
import type { Family } from '../../core/addr.js';
import type { ProxyContext } from './context.js';
import { acceptFlow, type VirtualEndpoint } from './tcp-flow.js';

export class TcpListener implements VirtualEndpoint {
  readonly vip = new Uint32Array(4);
  readonly family: Family;
  private readonly server: Server;

  private constructor(
    private readonly ctx: ProxyContext,
    readonly addr: string,
    readonly vport: number,
  ) {
    this.family = textToWords(addr, this.vip);
    const o = ctx.opts;
    this.server = createServer(
      {
        allowHalfOpen: true,
        pauseOnConnect: true,
        noDelay: true,
        highWaterMark: o.highWaterMark,
        keepAlive: o.keepAliveMs > 0,
        keepAliveInitialDelay: o.keepAliveMs,
      },
      (sock: Socket) => acceptFlow(this.ctx, this, sock),
    );
  }

  /** Listen on addr:port; rejects with the listen error (EADDRNOTAVAIL, EADDRINUSE...). */
  static open(ctx: ProxyContext, addr: string, port: number): Promise<TcpListener> {
    const l = new TcpListener(ctx, addr, port);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        l.server.removeListener('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        l.server.removeListener('error', onError);
        l.server.on('error', (err) => ctx.log.error(`listener ${addr}:${port} failed: ${err.message}`, { error: err }));
        resolve(l);
      };
      l.server.once('error', onError);
      l.server.once('listening', onListening);
      l.server.listen({ host: addr, port, backlog: ctx.opts.backlog, ipv6Only: l.family === 6 });
    });
  }

  /** Stop accepting; connections already accepted carry on under their entries. */
  close(): void {
    this.server.close();
  }
}
