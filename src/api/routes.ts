/**
 * The control API's routes, independent of the transport: a request (method, path, a way to read
 * the JSON body) becomes a status and a JSON body. server.ts adds sockets, limits and auth.
 *
 *   GET  /v1/health            daemon facts (version, pid, engine, config file, uptime)
 *   GET  /v1/snapshot          the whole IPVS state (services, destinations, counters, rates, ...)
 *   GET  /v1/services          { services }
 *   GET  /v1/services/{id}     one service; id = url-encoded "tcp|VIP|port" or "fwm|family|mark"
 *   GET  /v1/connections       { connections }
 *   GET  /v1/timeouts          { tcp, tcpfin, udp }
 *   GET  /v1/daemons           { daemons }
 *   POST /v1/ops               { ops, mode? } -> { ok, results, error? }
 *   POST /v1/reload            re-read the configuration (as SIGHUP)
 *   GET  /v1/dataplane         { name, problems, counters }
 *   GET  /v1/vrrp              VRRP instances (vrrp-routes.ts)
 */
import { serviceKeyString, type ServiceKey } from '../core/model.js';
import type { ServiceView } from '../core/snapshot.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { errorBody, ERRNO_STATUS, API_ERROR_STATUS, type ApiErrorCode } from './errors.js';
import type { OpsResponse } from './types.js';
import { validateOpsRequest } from './validate-op.js';
import { VRRP_ROUTES } from './vrrp-routes.js';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The request body, parsed; or the error response reading it produced (malformed, too large). */
export type BodyReader = () => Promise<{ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: ApiResponse }>;

export function apiError(code: ApiErrorCode, message: string, headers?: Record<string, string>): ApiResponse {
  return { status: API_ERROR_STATUS[code], body: errorBody(code, message), ...(headers ? { headers } : {}) };
}

const ok = (body: unknown): ApiResponse => ({ status: 200, body });

export function serviceKeyOfView(v: ServiceView): ServiceKey {
  return v.kind === 'fwmark'
    ? { kind: 'fwmark', family: v.family, fwmark: v.fwmark }
    : { kind: 'addr', family: v.family, protocol: v.protocol, addr: v.addr, port: v.port };
}

/** Path segment naming a service in /v1/services/{id}. */
export function serviceResourceId(key: ServiceKey): string {
  return encodeURIComponent(serviceKeyString(key));
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly run: (c: ControlPlane, params: readonly string[], body: BodyReader) => ApiResponse | Promise<ApiResponse>;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/v1\/health$/, run: (c) => ok(c.health()) },
  { method: 'GET', pattern: /^\/v1\/dataplane$/, run: (c) => ok(c.dataplane()) },
  { method: 'GET', pattern: /^\/v1\/snapshot$/, run: (c) => ok(c.snapshot()) },
  { method: 'GET', pattern: /^\/v1\/services$/, run: (c) => ok({ services: c.snapshot().services }) },
  { method: 'GET', pattern: /^\/v1\/services\/([^/]+)$/, run: (c, [id]) => oneService(c, id!) },
  { method: 'GET', pattern: /^\/v1\/connections$/, run: (c) => ok({ connections: c.connections() }) },
  { method: 'GET', pattern: /^\/v1\/timeouts$/, run: (c) => ok(c.timeouts()) },
  { method: 'GET', pattern: /^\/v1\/daemons$/, run: (c) => ok({ daemons: c.daemons() }) },
  { method: 'POST', pattern: /^\/v1\/ops$/, run: (c, _, body) => postOps(c, body) },
  { method: 'POST', pattern: /^\/v1\/reload$/, run: (c) => reload(c) },
  ...VRRP_ROUTES,
];

function oneService(c: ControlPlane, rawId: string): ApiResponse {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return apiError('NOT_FOUND', `malformed service id '${rawId}'`);
  }
  const found = c.snapshot().services.find((s) => serviceKeyString(serviceKeyOfView(s)) === id);
  if (!found) return { status: ERRNO_STATUS.ESRCH, body: errorBody('ESRCH', `no service ${id}`) };
  return ok(found);
}

async function postOps(c: ControlPlane, readBody: BodyReader): Promise<ApiResponse> {
  const body = await readBody();
  if (!body.ok) return body.response;
  const req = validateOpsRequest(body.value);
  if (!req.ok) return apiError('INVALID_OP', req.message);
  const report = await c.apply(req.value.ops, req.value.mode);
  const index = report.outcomes.findIndex((o) => o.status === 'failed');
  const first = report.outcomes[index];
  if (report.ok || !first || first.status !== 'failed') {
    const res: OpsResponse = { ok: report.ok, results: report.outcomes };
    return ok(res);
  }
  const res: OpsResponse = { ok: false, results: report.outcomes, error: errorBody(first.errno, first.detail, index).error };
  return { status: ERRNO_STATUS[first.errno], body: res };
}

async function reload(c: ControlPlane): Promise<ApiResponse> {
  const report = await c.reload();
  if (report.ok) return ok(report);
  const why = report.refused === 'config-errors' ? 'the configuration has errors' : `reload refused (${report.refused ?? 'unknown'})`;
  return { status: API_ERROR_STATUS.CONFIG_REFUSED, body: { ...errorBody('CONFIG_REFUSED', `${why}; the running configuration is kept`), report } };
}

/** Dispatch one request. Never throws for bad input; a thrown engine error is the caller's 500. */
export async function route(c: ControlPlane, method: string, url: string, body: BodyReader): Promise<ApiResponse> {
  const path = url.split('?', 1)[0]!;
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method === method) return r.run(c, m.slice(1), body);
    allowed.push(r.method);
  }
  if (allowed.length > 0) return apiError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, { allow: allowed.join(', ') });
  return apiError('NOT_FOUND', `no such route: ${method} ${path}`);
}
