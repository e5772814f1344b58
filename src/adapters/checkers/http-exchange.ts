/**
 * One HTTP_GET / SSL_GET exchange on an open stream (check_http.c, lib/html.c): keepalived's
 * request bytes, the response read until the server closes, each read step bounded by
 * connect_timeout, then the verdict: no data, status code outside the set, MD5 digest mismatch,
 * regex (mis)match, or pass.
 */
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { CheckResult } from '../../core/health/spec.js';
import type { Timers } from '../../core/ports.js';
import type { HttpUrl } from '../../lang/keepalived/model.js';

export interface HttpRequestInfo {
  readonly path: string;
  readonly protocol: '1.0' | '1.0C' | '1.1';
  /** The Host header value: the virtualhost, or `ip:port` (`[ip]:port` for IPv6). */
  readonly host: string;
}

/** The request keepalived sends (request_template). */
export function httpRequest(r: HttpRequestInfo): string {
  const close = r.protocol === '1.0' ? '' : 'Connection: close\r\n';
  return `GET ${r.path} HTTP/1.${r.protocol === '1.1' ? 1 : 0}\r\nUser-Agent: KeepAliveClient\r\n${close}Host: ${r.host}\r\n\r\n`;
}

/** Host header without a virtualhost: the connect address and port (RFC 2732 brackets for IPv6). */
export function hostHeader(vhost: string | null, ip: string, port: number): string {
  if (vhost) return vhost;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** extract_status_code(): the three digits after the first space of the status line, else 0. */
export function statusCode(head: string): number {
  const m = /^[^ \r]* (\d{3}) /.exec(head);
  return m ? Number(m[1]) : 0;
}

/** extract_content_length(): the Content-Length header (case as keepalived matches it), or null. */
export function contentLength(head: string): number | null {
  const i = head.indexOf('Content-Length:');
  if (i < 0) return null;
  const m = /^\s*(\d+)(?:\r|\n|$)/.exec(head.slice(i + 15));
  return m ? Number(m[1]) : null;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** Body kept for a regex (keepalived looks at a bounded window too). */
const REGEX_WINDOW = 1 << 20;

/** Reads a response, hashing the body as it arrives. */
class ResponseReader {
  private head: Buffer = Buffer.alloc(0);
  private headText: string | null = null;
  private readonly md5 = createHash('md5');
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private length: number | null = null;
  received = 0;

  constructor(private readonly keepBody: boolean) {}

  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.headText !== null) return this.addBody(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const end = this.head.indexOf(HEADER_END);
    if (end < 0) return;
    this.headText = this.head.subarray(0, end).toString('latin1');
    this.length = contentLength(this.headText);
    const rest = this.head.subarray(end + 4);
    this.head = Buffer.alloc(0);
    this.addBody(rest);
  }

  private addBody(chunk: Buffer): void {
    // Only Content-Length bytes count for the digest when the server says how many there are.
    const room = this.length === null ? chunk.length : Math.max(0, this.length - this.bodyBytes);
    const part = chunk.subarray(0, Math.min(room, chunk.length));
    this.md5.update(part);
    if (this.keepBody && this.bodyBytes < REGEX_WINDOW) this.body.push(part);
    this.bodyBytes += part.length;
  }

  verdict(url: HttpUrl): CheckResult {
    if (this.headText === null) return { kind: 'fail', reason: 'Read, no data received from' };
    const code = statusCode(this.headText);
    if (!url.statusCodes.some(([lo, hi]) => code >= lo && code <= hi)) return { kind: 'fail', reason: 'HTTP status code error to' };
    let detail = 'HTTP status code';
    if (url.digest !== null) {
      if (this.md5.digest('hex') !== url.digest) return { kind: 'fail', reason: 'MD5 digest error to' };
      detail = 'MD5 digest';
    }
    if (url.regex !== null) {
      // COMPAT(keepalived): keepalived matches with PCRE2; tsvs uses JavaScript regular expressions.
      const matched = safeRegex(url.regex)?.test(Buffer.concat(this.body).toString('latin1')) ?? false;
      if (matched === url.regexNoMatch) return { kind: 'fail', reason: 'Regex match failed' };
      detail = 'Regex match';
    }
    return { kind: 'pass', detail };
  }
}

function safeRegex(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** Send the request and read the answer; each step must make progress within `stepMs`. */
export function exchange(stream: Duplex, request: string, url: HttpUrl, stepMs: number, timers: Timers): Promise<CheckResult> {
  return new Promise((resolve) => {
    const reader = new ResponseReader(url.regex !== null);
    let timer = timers.set(stepMs, () => finish({ kind: 'fail', reason: 'Timeout WEB read' }));
    let done = false;
    const finish = (r: CheckResult): void => {
      if (done) return;
      done = true;
      timers.clear(timer);
      stream.removeAllListeners('data');
      stream.on('error', () => undefined);
      stream.destroy();
      resolve(r);
    };
    const rearm = (): void => {
      timers.clear(timer);
      timer = timers.set(stepMs, () => finish({ kind: 'fail', reason: reader.received ? 'Timeout HTTP read' : 'Timeout WEB read' }));
    };
    stream.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      rearm();
    });
    stream.once('end', () => finish(reader.verdict(url)));
    stream.once('error', () => finish({ kind: 'fail', reason: 'Read error with' }));
    stream.write(request, (e) => {
      if (e) finish({ kind: 'fail', reason: 'Cannot send get request to' });
    });
  });
}
