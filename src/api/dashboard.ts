/**
 * The routes that are not JSON-in/JSON-out, served before the ordinary routes:
 *   GET /, /dashboard        the dashboard page (web/index.html) and its two files
 *   GET /metrics             Prometheus text format
 *   GET /v1/events           server-sent events (events-stream.ts)
 *   GET /v1/status           the status report (JSON)
 * The page and its files hold no data and need no token, so a browser can load them; everything
 * with data needs the bearer token on TCP like the rest of the API (the page sends it from the
 * URL fragment: http://127.0.0.1:PORT/#token=...; a fragment never reaches a server log).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlPlane } from '../engine/control-plane.js';
import { errorBody } from './errors.js';
import { buildStatus } from './events-status.js';
import { serveEventStream, streamFigures } from './events-stream.js';
import { renderMetricsBytes } from './metrics.js';
import { EXPOSITION_CONTENT_TYPE } from './metrics-format.js';
import { readProcessFigures } from './metrics-process.js';

/** The dashboard's files: web/ beside src/ (and beside dist/ once built). */
const WEB_DIR = new URL('../../web/', import.meta.url);

const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

const assetCache = new Map<string, Buffer>();

function asset(file: string): Buffer {
  let b = assetCache.get(file);
  if (!b) assetCache.set(file, (b = readFileSync(new URL(file, WEB_DIR))));
  return b;
}

/** The metrics as the bytes GET /metrics sends, read now from the control plane. */
export function metricsBody(c: ControlPlane): Buffer {
  const obs = c.observability;
  obs?.pollStatus();
  return renderMetricsBytes({
    info: c.health(),
    snapshot: c.snapshot(),
    dataplane: c.dataplane(),
    health: obs?.healthReport() ?? [],
    vrrp: c.vrrpStatus(),
    events: obs?.events.counts() ?? {},
    process: readProcessFigures(),
    stream: streamFigures(c),
  });
}

function sendText(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const DATA_PATHS = new Set(['/metrics', '/v1/events', '/v1/status']);

/**
 * Serve the request if it is one of these routes; false leaves it to the JSON routes.
 * `authorized` is false only on TCP without a good bearer token.
 */
export function serveObservability(c: ControlPlane, req: IncomingMessage, res: ServerResponse, authorized: boolean): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const page = ASSETS[path];
  if (!page && !DATA_PATHS.has(path)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'application/json', `${JSON.stringify(errorBody('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`))}\n`, { allow: 'GET, HEAD' });
    return true;
  }
  if (page) {
    sendText(res, 200, page.type, asset(page.file), { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    return true;
  }
  if (!authorized) {
    sendText(res, 401, 'application/json', `${JSON.stringify(errorBody('UNAUTHORIZED', 'missing or wrong bearer token'))}\n`, { 'www-authenticate': 'Bearer' });
    return true;
  }
  if (path === '/metrics') sendText(res, 200, EXPOSITION_CONTENT_TYPE, metricsBody(c));
  else if (path === '/v1/status') sendText(res, 200, 'application/json', `${JSON.stringify(buildStatus(c))}\n`);
  else serveEventStream(c, req, res, url);
  return true;
}
