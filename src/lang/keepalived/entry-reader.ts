/**
 * Reading one value-block entry (a virtual_routes / static_rules ... line) word by word, the way
 * keepalived's handlers walk a strvec: a word asked for past the end of the line is keepalived's
 * fatal "missing a parameter" (it exits with status 2), numbers are read with its readers and
 * messages, and addresses with parse_ipaddress() / parse_route() (vrrp_ipaddress.c).
 */
import type { Family } from '../../core/addr.js';
import type { DiagnosticCode, Loc } from './diagnostics.js';
import { isInetPton4, isInetPton6 } from './inet.js';
import { type NumberResult, readUnsignedBase } from './numbers.js';
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';

/** Thrown by slot() for a missing word; readEntry() turns it into "entry dropped". */
class EntryAborted extends Error {}

/** Thrown once the reason was reported: keepalived drops the entry (its handlers' `goto err`). */
class Rejected extends Error {}

export class EntryReader {
  readonly w: readonly string[];

  constructor(
    readonly entry: ValueEntry,
    readonly s: ParseState,
  ) {
    this.w = entry.words.map((x) => x.text);
  }

  get size(): number {
    return this.w.length;
  }

  /** strvec_slot(i): word i, or keepalived's fatal missing-parameter report. */
  slot(i: number): string {
    const t = this.w[i];
    if (t !== undefined) return t;
    const first = this.w[0] ?? '***MISSING ***';
    const message =
      i > 0 && i - 1 < this.size
        ? `*** Configuration line starting \`${first}\` is missing a parameter after keyword \`${this.w[i - 1]}\` at word position ${i + 1}`
        : `*** Configuration line starting \`${first}\` is missing a parameter at word position ${i + 1}`;
    this.s.sink.error('missing-parameter', message, this.end(), 'keepalived stops reading the configuration here (exit status 2)');
    throw new EntryAborted();
  }

  /** Location of word i (just past the line's last word when i is out of range). */
  at(i: number): Loc {
    return i < this.size ? this.entry.at(i) : this.end();
  }

  private end(): Loc {
    const last = this.entry.words[this.size - 1]!;
    const at = this.entry.at(this.size - 1);
    return { ...at, col: last.col + last.text.length + (last.quoted ? 2 : 0) };
  }

  error(code: DiagnosticCode, message: string, i: number, hint?: string): void {
    this.s.sink.error(code, message, this.at(i), hint);
  }

  /** Report and drop the entry. */
  reject(code: DiagnosticCode, message: string, i: number, hint?: string): never {
    this.error(code, message, i, hint);
    throw new Rejected();
  }

  /** Drop the entry; the reason has been reported already. */
  drop(): never {
    throw new Rejected();
  }

  /** Report a number reader's complaint (keepalived prints it before its own message). */
  numberError(r: NumberResult & { ok: false }, i: number): void {
    this.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', r.message, i);
  }

  /**
   * get_u8/get_u16/get_u32(): read_unsigned() of word i in [0, max]; on failure both its message
   * and `errmsg` (with the word) are errors and the result is null.
   */
  getUnsigned(i: number, max: number, errmsg: (t: string) => string): number | null {
    const t = this.slot(i);
    const r = readUnsignedBase(t, 0, max, 10);
    if (r.ok) return r.value;
    this.numberError(r, i);
    this.error('bad-value', errmsg(t), i);
    return null;
  }

  /**
   * parse_ipaddress(): an address, with a /prefix when `withPrefix` (a bad prefix is reported and
   * the full length used). Family by the presence of ':'. Null (reported) when inet_pton fails.
   */
  address(i: number, withPrefix: boolean): { family: Family; prefix: number } | null {
    const t = this.slot(i);
    const family: Family = t.includes(':') ? 6 : 4;
    const full = family === 6 ? 128 : 32;
    let prefix = full;
    const slash = withPrefix ? t.indexOf('/') : -1;
    if (slash >= 0) {
      const r = readUnsignedBase(t.slice(slash + 1), 0, full, 10);
      if (r.ok) prefix = r.value;
      else {
        this.numberError(r, i);
        this.error('bad-address', `Invalid address prefix len ${t.slice(slash + 1)} for address ${t} - using ${full}`, i);
      }
    }
    const addr = slash >= 0 ? t.slice(0, slash) : t;
    if (!(family === 6 ? isInetPton6(addr) : isInetPton4(addr))) {
      this.error('bad-address', `VRRP parsed invalid IP ${t}. skipping IP...`, i);
      return null;
    }
    return { family, prefix };
  }

  /**
   * parse_route(): `default` / `any` / `all` (no family yet), the deprecated `default6` (IPv6), or
   * an address with an optional prefix.
   */
  route(i: number): { family: 0 | Family } | null {
    const t = this.slot(i);
    if (t === 'default' || t === 'any' || t === 'all') return { family: 0 };
    if (t === 'default6') {
      this.s.sink.warning('deprecated', "'default6' is deprecated - please replace with 'inet6 default'", this.at(i), 'keepalived only logs this');
      return { family: 6 };
    }
    return this.address(i, true);
  }

  /**
   * An interface named by dev / iif / oif (if_get_by_ifname): it must exist on the host unless
   * global_defs has dynamic_interfaces. Without host facts every name is taken to exist.
   */
  interfaceExists(name: string): boolean {
    if (this.s.interfaces === null || this.s.interfaces.has(name) || this.s.global.dynamicInterfaces) return true;
    this.s.missingInterface = true;
    return false;
  }
}

/** Run a handler over one entry; null when keepalived drops it or stops at a missing word. */
export function readEntry<T>(e: ValueEntry, s: ParseState, handler: (r: EntryReader) => T): T | null {
  try {
    return handler(new EntryReader(e, s));
  } catch (x) {
    if (x instanceof EntryAborted || x instanceof Rejected) return null;
    throw x;
  }
}
