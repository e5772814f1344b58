/**
 * SSL_GET (check_http.c over check_ssl.c): HTTP_GET over TLS. As keepalived, the server's
 * certificate is not verified by default; SNI is sent only with `enable_sni` (the virtualhost).
 */
import { connect as tlsConnect } from 'node:tls';
import type { ProbeTarget } from '../../engine/health/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';
import { quiet, tcpConnect } from './connect.js';
import { timeoutMs, type CheckerContext } from './context.js';
import { HttpGetCheck, type HttpChecker, type StreamOpener } from './http-get.js';

function openTls(ctx: CheckerContext, sni: boolean): StreamOpener {
  return async (c: Connection, vhost: string | null) => {
    const r = await tcpConnect(c, ctx.timers);
    if (!r.ok) {
      if (r.why === 'bind') return { ok: false, result: { kind: 'skipped', reason: 'WEB socket bind failed. Rescheduling' } };
      return { ok: false, result: { kind: 'fail', reason: r.why === 'timeout' ? 'Timeout connecting' : 'Error connecting' } };
    }
    const servername = sni && vhost && !/^[\d.]+$|:/.test(vhost) ? vhost : undefined;
    return new Promise((resolve) => {
      const tls = tlsConnect({ socket: r.socket, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
      let done = false;
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        ctx.timers.clear(timer);
        if (ok) return resolve({ ok: true, stream: tls });
        quiet(tls).destroy();
        resolve({ ok: false, result: { kind: 'fail', reason: 'SSL handshake/communication error connecting to' } });
      };
      // The handshake is one more step bounded by connect_timeout ("Timeout connecting").
      const timer = ctx.timers.set(timeoutMs(c), () => {
        if (done) return;
        done = true;
        quiet(tls).destroy();
        resolve({ ok: false, result: { kind: 'fail', reason: 'Timeout connecting' } });
      });
      tls.once('secureConnect', () => {
        tls.removeAllListeners('error');
        finish(true);
      });
      tls.once('error', () => finish(false));
    });
  };
}

export function sslGetCheck(target: ProbeTarget, ctx: CheckerContext): HttpGetCheck {
  return new HttpGetCheck(target, ctx, openTls(ctx, (target.checker as HttpChecker).enableSni));
}
