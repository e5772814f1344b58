/** Raw HTTP for the observability tests: text bodies (metrics) and headers, over the unix socket or TCP. */
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

export type Target = { readonly socketPath: string } | { readonly host: string; readonly port: number; readonly token?: string };

export function httpGet(target: Target, path: string): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if ('token' in target && target.token) headers['authorization'] = `Bearer ${target.token}`;
  const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port };
  return new Promise((resolve, reject) => {
    const req = request({ ...where, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Poll until `cond` holds (real sockets and timers: a deadline, not a timing assertion). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
