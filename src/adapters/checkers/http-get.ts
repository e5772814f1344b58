/**
 * HTTP_GET (check_http.c): connect, send keepalived's GET for one URL, read the answer to the
 * end and judge it (status code set, MD5 digest of the body, regex). SSL_GET (ssl-get.ts) is the
 * same exchange over TLS.
 */
import type { Duplex } from 'node:stream';
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker, Connection, HttpUrl } from '../../lang/keepalived/model.js';
import { tcpConnect } from './connect.js';
import { timeoutMs, type CheckerContext } from './context.js';
import { exchange, hostHeader, httpRequest } from './http-exchange.js';

export type HttpChecker = Extract<Checker, { type: 'HTTP_GET' | 'SSL_GET' }>;

/** Opens the stream the request goes over (plain TCP here, TLS for SSL_GET). */
export type StreamOpener = (c: Connection, vhost: string | null) => Promise<{ ok: true; stream: Duplex } | { ok: false; result: CheckResult }>;

export class HttpGetCheck implements HealthProbe {
  private readonly checker: HttpChecker;

  constructor(
    private readonly target: ProbeTarget,
    private readonly ctx: CheckerContext,
    private readonly open: StreamOpener = (c) => openPlain(c, ctx),
  ) {
    this.checker = target.checker as HttpChecker;
  }

  /** virtualhost precedence: url > checker > real_server > virtual_server. */
  private vhost(url: HttpUrl): string | null {
    return url.virtualhost ?? this.checker.virtualhost ?? this.target.rs.virtualhost ?? this.target.vs.virtualhost;
  }

  async run(urlIndex: number): Promise<CheckResult> {
    const url = this.checker.urls[urlIndex] ?? this.checker.urls[0]!;
    const c = this.checker.connection;
    const vhost = this.vhost(url);
    const opened = await this.open(c, vhost);
    if (!opened.ok) return opened.result;
    const request = httpRequest({ path: url.path, protocol: this.checker.httpProtocol, host: hostHeader(vhost, c.connectIp, c.connectPort) });
    return exchange(opened.stream, request, url, timeoutMs(c), this.ctx.timers);
  }

  close(): void {}
}

async function openPlain(c: Connection, ctx: CheckerContext): ReturnType<StreamOpener> {
  const r = await tcpConnect(c, ctx.timers);
  if (r.ok) return { ok: true, stream: r.socket };
  if (r.why === 'bind') return { ok: false, result: { kind: 'skipped', reason: 'WEB socket bind failed. Rescheduling' } };
  return { ok: false, result: { kind: 'fail', reason: r.why === 'timeout' ? 'Timeout connecting' : 'Error connecting' } };
}
