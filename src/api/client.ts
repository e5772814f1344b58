/**
 * A small client for the control API, over the unix socket or TCP with a bearer token.
 * Transport failures (no socket, nobody listening, permission denied) are {@link ApiUnreachable};
 * answers are returned with their status so callers decide what an error status means.
 */
import type { DataplaneInfo } from '../engine/director.js';
import { request as httpRequest, type RequestOptions } from 'node:http';
import type { Op } from '../core/ops.js';
import type { ApplyMode } from '../engine/director.js';
import { describeEndpoint, type ApiEndpoint } from './endpoint.js';
import type { ApiErrorBody } from './errors.js';
import type { ConnectionsResponse, DaemonsResponse, HealthInfo, IpvsSnapshot, OpsResponse, ReloadReport, TimeoutsResponse } from './types.js';

/** The daemon could not be reached at all. */
export class ApiUnreachable extends Error {
  constructor(
    readonly endpoint: string,
    /** errno code of the failure (ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT, ...). */
    readonly code: string,
  ) {
    super(`cannot reach the tsvs daemon at ${endpoint} (${code})`);
  }
}

/** The daemon answered with an error status that the caller did not expect. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface ApiClientOptions {
  /** Give up on a request after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export class ApiClient {
  readonly endpoint: ApiEndpoint;
  private readonly timeoutMs: number;

  constructor(endpoint: ApiEndpoint, opts: ApiClientOptions = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get where(): string {
    return describeEndpoint(this.endpoint);
  }

  /** One request; resolves with any HTTP status, rejects with ApiUnreachable on transport failure. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const ep = this.endpoint;
    const target: RequestOptions =
      ep.kind === 'unix' ? { socketPath: ep.path } : { host: ep.host, port: ep.port };
    if (ep.kind === 'tcp' && ep.token) headers['authorization'] = `Bearer ${ep.token}`;
    return new Promise((resolve, reject) => {
      // agent: false — one connection per request; a pooled keep-alive socket may be one the
      // daemon already closed (restart, shutdown), which would fail the next request.
      const req = httpRequest({ ...target, agent: false, method, path, headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => reject(new ApiUnreachable(this.where, 'ECONNRESET')));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: (text === '' ? null : JSON.parse(text)) as T });
          } catch {
            reject(new ApiError(res.statusCode ?? 0, 'MALFORMED_RESPONSE', `the daemon at ${this.where} sent a response that is not JSON`));
          }
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new ApiUnreachable(this.where, e.code ?? 'EIO')));
      req.end(payload);
    });
  }

  /** GET expecting 200; any other status becomes an ApiError with the body's code and message. */
  async get<T>(path: string): Promise<T> {
    return expectOk(await this.request<T>('GET', path));
  }

  health(): Promise<HealthInfo> {
    return this.get('/v1/health');
  }
  snapshot(): Promise<IpvsSnapshot> {
    return this.get('/v1/snapshot');
  }
  async connections(): Promise<ConnectionsResponse['connections']> {
    return (await this.get<ConnectionsResponse>('/v1/connections')).connections;
  }
  timeouts(): Promise<TimeoutsResponse> {
    return this.get('/v1/timeouts');
  }
  async daemons(): Promise<DaemonsResponse['daemons']> {
    return (await this.get<DaemonsResponse>('/v1/daemons')).daemons;
  }
  dataplane(): Promise<DataplaneInfo> {
    return this.get('/v1/dataplane');
  }

  /** POST /v1/ops. Refused operations are in the answer (not thrown); bad requests throw ApiError. */
  async ops(ops: readonly Op[], mode: ApplyMode = 'atomic'): Promise<OpsResponse> {
    const a = await this.request<OpsResponse | ApiErrorBody>('POST', '/v1/ops', { ops, mode });
    if (a.body && typeof a.body === 'object' && 'results' in a.body) return a.body;
    return expectOk(a) as never;
  }

  /** POST /v1/reload; a refused reload is a normal answer (ok false). */
  async reload(): Promise<ReloadReport> {
    const a = await this.request<ReloadReport | (ApiErrorBody & { report: ReloadReport })>('POST', '/v1/reload');
    if (a.body && typeof a.body === 'object' && 'report' in a.body) return a.body.report;
    return expectOk(a as ApiAnswer<ReloadReport>);
  }
}

function expectOk<T>(a: ApiAnswer<T>): T {
  if (a.status === 200) return a.body;
  const err = (a.body as Partial<ApiErrorBody> | null)?.error;
  throw new ApiError(a.status, err?.code ?? 'HTTP_ERROR', err?.message ?? `unexpected HTTP status ${a.status}`);
}
