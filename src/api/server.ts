/**
 * The control API server: HTTP/JSON on a unix socket (mode 0600: only its owner, normally root,
 * may talk to it) and optionally on TCP, where every request needs `Authorization: Bearer TOKEN`.
 * Bodies are limited in size; malformed input gets a JSON error, never a crash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { silentLogger, type Logger } from '../core/ports.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { errorBody } from './errors.js';
import { apiError, route, type ApiResponse, type BodyReader } from './routes.js';
import { serveObservability } from './dashboard.js';

/** Large enough for an `ipvsadm -R` of tens of thousands of rules in one request. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface TcpListen {
  readonly host: string;
  readonly port: number;
  readonly token: string;
}

export interface ApiServerOptions {
  readonly control: ControlPlane;
  readonly socketPath: string;
  readonly tcp?: TcpListen;
  readonly logger?: Logger;
  readonly maxBodyBytes?: number;
}

export class ApiServer {
  private constructor(
    private readonly servers: Server[],
    readonly socketPath: string,
    private readonly log: Logger,
  ) {}

  /** Listen on the unix socket (and TCP when asked). Fails if another daemon answers on the socket. */
  static async start(opts: ApiServerOptions): Promise<ApiServer> {
    const log = opts.logger ?? silentLogger;
    const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    await claimSocketPath(opts.socketPath);
    const unix = createServer((req, res) => void serve(opts.control, req, res, limit, log, null));
    await listenUnix(unix, opts.socketPath);
    const servers = [unix];
    if (opts.tcp) {
      const digest = tokenDigest(opts.tcp.token);
      const tcp = createServer((req, res) => void serve(opts.control, req, res, limit, log, digest));
      try {
        await listen(tcp, () => tcp.listen(opts.tcp!.port, opts.tcp!.host));
      } catch (e) {
        await closeServer(unix);
        removeSocket(opts.socketPath);
        throw e;
      }
      servers.push(tcp);
    }
    return new ApiServer(servers, opts.socketPath, log);
  }

  /** The TCP listener's bound port (useful with port 0), or null. */
  get tcpPort(): number | null {
    const a = this.servers[1]?.address();
    return a && typeof a === 'object' ? a.port : null;
  }

  /** Stop listening, drop open connections and remove the socket file. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map(closeServer));
    removeSocket(this.socketPath);
    this.log.debug('control API closed', { socket: this.socketPath });
  }
}

function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time check of `Authorization: Bearer TOKEN` (digests make the lengths equal). */
function authorized(req: IncomingMessage, digest: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(tokenDigest(m[1]!), digest);
}

async function serve(control: ControlPlane, req: IncomingMessage, res: ServerResponse, limit: number, log: Logger, token: Buffer | null): Promise<void> {
  let response: ApiResponse;
  try {
    // The dashboard, /metrics, /v1/status and the event stream (not JSON-in/JSON-out).
    if (serveObservability(control, req, res, token === null || authorized(req, token))) return;
    if (token && !authorized(req, token)) response = apiError('UNAUTHORIZED', 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
    else response = await route(control, req.method ?? 'GET', req.url ?? '/', bodyReader(req, limit));
  } catch (e) {
    log.error('control API request failed', { method: req.method, url: req.url, error: e instanceof Error ? e.message : String(e) });
    response = { status: 500, body: errorBody('INTERNAL', 'internal error') };
  }
  send(res, response);
}

function send(res: ServerResponse, r: ApiResponse): void {
  const text = `${JSON.stringify(r.body)}\n`;
  res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...r.headers });
  res.end(text);
}

/**
 * Read the whole body as JSON. Past `limit` bytes the rest is drained unread (memory stays
 * bounded) and the answer is 413; an empty body reads as `undefined`.
 */
function bodyReader(req: IncomingMessage, limit: number): BodyReader {
  return () =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= limit) chunks.push(c);
      });
      req.on('error', () => resolve({ ok: false, response: apiError('INVALID_REQUEST', 'request body could not be read') }));
      req.on('end', () => {
        if (size > limit) return resolve({ ok: false, response: apiError('BODY_TOO_LARGE', `request body exceeds ${limit} bytes`) });
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return resolve({ ok: true, value: undefined });
        try {
          resolve({ ok: true, value: JSON.parse(text) as unknown });
        } catch {
          resolve({ ok: false, response: apiError('MALFORMED_JSON', 'request body is not valid JSON') });
        }
      });
    });
}

function listen(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    start();
  });
}

/** Bind with a umask that makes the socket 0600 from its first moment (no chmod race). */
async function listenUnix(server: Server, path: string): Promise<void> {
  const old = process.umask(0o177);
  try {
    await listen(server, () => server.listen(path));
  } finally {
    process.umask(old);
  }
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!s.listening) return resolve();
    s.close(() => resolve());
    s.closeAllConnections();
  });
}

/**
 * Make the socket path usable: create its directory, and remove a stale socket left by a daemon
 * that died. A live daemon answering there, or a non-socket file, is an error.
 */
async function claimSocketPath(path: string): Promise<void> {
  // Directories created here (e.g. /run/tsvs, /tmp/tsvs-UID) are private to the daemon's user.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  if (await answers(path)) throw new Error(`another tsvs daemon is already serving ${path}`);
  unlinkSync(path);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function removeSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already gone
  }
}
