/**
 * The Logger port on a writable stream (stderr by default).
 *
 * Two renderings of the same structured record:
 * - `text`: keepalived-like sentences. Without `-l` a line is `tsvs[PID]: message` (what
 *   keepalived's lines look like in syslog); with `-l` (console) it is `Sun Jul  9 12:08:13 2023:
 *   message`, the timestamp keepalived puts on console lines. Fields are appended as ` key=value`
 *   only with `-D` (detail), so ordinary lines read like keepalived's.
 * - `json`: one object per line with time, level, pid, msg and every field, for log shippers.
 * Debug records are emitted only with detail on (keepalived prints its (D) lines only with -D).
 */
import type { LogFields, Logger, LogLevel } from '../core/ports.js';

export type LogFormat = 'text' | 'json';

export interface StreamLoggerOptions {
  readonly format?: LogFormat;
  /** `-l`: console rendering with a timestamp on every text line. */
  readonly console?: boolean;
  /** `-D`: show debug records and the fields of text lines. */
  readonly detail?: boolean;
  /** Program name in text lines (default `tsvs`). */
  readonly ident?: string;
  readonly pid?: number;
  /** Where lines go (default: process.stderr). Each call receives one line including '\n'. */
  readonly write?: (line: string) => void;
  /** Wall-clock source for timestamps (tests pass a fixed date). */
  readonly wallClock?: () => Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C-locale `%c` in local time, e.g. `Sun Jul  9 12:08:13 2023` (day of month space-padded). */
export function ctime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, ' ');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${time} ${d.getFullYear()}`;
}

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v);
}

const RESERVED = new Set(['time', 'level', 'pid', 'msg']);

/** JSON-safe copy of fields (Errors become their message); a field cannot replace time, level, pid or msg. */
function jsonFields(fields: LogFields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) if (!RESERVED.has(k)) out[k] = v instanceof Error ? v.message : v;
  return out;
}

export class StreamLogger implements Logger {
  private readonly format: LogFormat;
  private readonly console: boolean;
  private readonly detail: boolean;
  private readonly ident: string;
  private readonly pid: number;
  private readonly out: (line: string) => void;
  private readonly wallClock: () => Date;

  constructor(opts: StreamLoggerOptions = {}) {
    this.format = opts.format ?? 'text';
    this.console = opts.console ?? false;
    this.detail = opts.detail ?? false;
    this.ident = opts.ident ?? 'tsvs';
    this.pid = opts.pid ?? process.pid;
    this.out = opts.write ?? ((line) => void process.stderr.write(line));
    this.wallClock = opts.wallClock ?? (() => new Date());
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.detail) this.emit('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.emit('error', msg, fields);
  }

  private emit(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    this.out(this.format === 'json' ? this.json(level, msg, fields) : this.text(msg, fields));
  }

  private text(msg: string, fields: LogFields | undefined): string {
    let line = this.console ? `${ctime(this.wallClock())}: ${msg}` : `${this.ident}[${this.pid}]: ${msg}`;
    if (this.detail && fields) for (const [k, v] of Object.entries(fields)) line += ` ${k}=${fieldValue(v)}`;
    return `${line}\n`;
  }

  private json(level: LogLevel, msg: string, fields: LogFields | undefined): string {
    const record = { time: this.wallClock().toISOString(), level, pid: this.pid, msg, ...jsonFields(fields) };
    return `${JSON.stringify(record)}\n`;
  }
}
