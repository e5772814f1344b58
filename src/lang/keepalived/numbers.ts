/**
 * Number reading as keepalived's read_int / read_unsigned / read_decimal_unsigned (lib/parser.c),
 * with `-t` semantics: a malformed or out-of-range value is rejected (the caller keeps the previous
 * value) and the reason is the message keepalived prints.
 */

export type NumberResult =
  /** Accepted; `message` is set when keepalived still complains (too many decimal places). */
  | { readonly ok: true; readonly value: number; readonly message?: string }
  | { readonly ok: false; readonly value: number; readonly reason: 'invalid' | 'range'; readonly message: string };

const UINT_MAX = 4294967295;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const isWs = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

function skipWs(text: string): number {
  let i = 0;
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
}

/** strtoul/strtol base 10: leading blanks, optional sign, digits. Returns the value and the rest. */
function strto(text: string): { value: number; rest: string; negative: boolean; digits: boolean } {
  let i = skipWs(text);
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const start = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) return { value: 0, rest: text, negative, digits: false };
  const v = Number(text.slice(start, i));
  return { value: negative ? -v : v, rest: text.slice(i), negative, digits: true };
}

/** read_unsigned(): a base-10 unsigned integer in [min, max]. */
export function readUnsigned(text: string, min: number, max: number): NumberResult {
  const r = strto(text);
  if (text[skipWs(text)] === '-') return { ok: false, value: 0, reason: 'invalid', message: `negative number '${text}'` };
  if (r.rest.length > 0 || !r.digits) {
    return { ok: false, value: r.value, reason: 'invalid', message: `invalid number '${text}'` };
  }
  if (r.value > UINT_MAX) return { ok: false, value: r.value, reason: 'range', message: `number '${text}' outside unsigned integer range` };
  if (r.value < min || r.value > max) {
    return { ok: false, value: r.value, reason: 'range', message: `number '${text}' outside range [${min}, ${max}]` };
  }
  return { ok: true, value: r.value };
}

/** read_int(): a base-10 signed integer in [min, max]. */
export function readInt(text: string, min: number, max: number): NumberResult {
  const r = strto(text);
  if (r.rest.length > 0 || !r.digits) return { ok: false, value: r.value, reason: 'invalid', message: `invalid number '${text}'` };
  if (r.value < INT_MIN || r.value > INT_MAX) {
    return { ok: false, value: r.value, reason: 'range', message: `number '${text}' outside integer range` };
  }
  if (r.value < min || r.value > max) {
    return { ok: false, value: r.value, reason: 'range', message: `number '${text}' outside range [${min}, ${max}]` };
  }
  return { ok: true, value: r.value };
}

/** printf("%lu.%*.*lu"): with no decimal places the fraction prints as nothing ("5."). */
function formatFixed(v: number, shift: number): string {
  const scale = 10 ** shift;
  const whole = Math.floor(v / scale);
  const frac = shift === 0 ? '' : String(v % scale).padStart(shift, '0');
  return `${whole}.${frac}`;
}

/**
 * read_decimal_unsigned(): a decimal with up to `shift` fractional digits, returned scaled by
 * 10^shift (shift 6 gives microseconds). More digits are rounded, with a complaint.
 */
export function readDecimal(text: string, min: number, max: number, shift: number): NumberResult {
  if (/^[0-9]{1,9}$/.test(text)) {
    // Plain whole numbers (the usual case) need none of the decimal handling below.
    const value = Number(text) * 10 ** shift;
    if (value >= min && value <= max) return { ok: true, value };
  }
  if (text[0] === '-') return { ok: false, value: 0, reason: 'invalid', message: `negative number '${text}'` };
  const dp = text.indexOf('.');
  const intPart = dp < 0 ? text : text.slice(0, dp);
  let frac = dp < 0 ? '' : text.slice(dp + 1);
  let roundUp = false;
  let tooMany = false;
  if (frac.length > shift) {
    tooMany = true;
    roundUp = (frac[shift] ?? '0') >= '5';
    frac = frac.slice(0, shift);
  }
  const digits = intPart + frac.padEnd(shift, '0');
  const r = strto(digits);
  if (!r.digits || r.rest.length > 0 || r.negative) {
    return { ok: false, value: r.value, reason: 'invalid', message: `invalid number '${text}'` };
  }
  const value = r.value + (roundUp ? 1 : 0);
  if (value > 18446744073709551615) return { ok: false, value, reason: 'range', message: `number '${text}' outside unsigned decimal range` };
  if (value < min || value > max) {
    const message = `number '${text}' outside range [${formatFixed(min, shift)}, ${formatFixed(max, shift)}]`;
    return { ok: false, value, reason: 'range', message };
  }
  if (tooMany) return { ok: true, value, message: `number '${text}' has too many decimal places` };
  return { ok: true, value };
}

/** read_timer(): decimal seconds as microseconds in [min, max] (max 0 = TIMER_MAXIMUM). */
export function readTimer(text: string, minUs: number, maxUs: number): NumberResult {
  return readDecimal(text, minUs, maxUs === 0 ? TIMER_MAXIMUM_US : maxUs, 6);
}

/** keepalived's TIMER_MAXIMUM (ULONG_MAX on 64-bit). */
export const TIMER_MAXIMUM_US = Number.MAX_SAFE_INTEGER;
export const UINT32_MAX = UINT_MAX;
export const INT32_MAX = INT_MAX;

/** check_true_false(): true/on/yes, false/off/no (lower case only), else null. */
export function readBool(text: string): boolean | null {
  if (text === 'true' || text === 'on' || text === 'yes') return true;
  if (text === 'false' || text === 'off' || text === 'no') return false;
  return null;
}

const ULONG_MAX = (1n << 64n) - 1n;

export interface StrtoulResult {
  /** The value as C's strtoul returns it: negated modulo 2^64 after '-', ULONG_MAX on overflow. */
  readonly value: bigint;
  /** Index where parsing stopped; 0 when no digits were read. */
  readonly end: number;
  readonly overflow: boolean;
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

/**
 * C strtoul() on a 64-bit system: leading blanks, an optional sign, then digits in `base`; base 0
 * means hexadecimal after "0x", octal after "0", else decimal (base 16 also skips a "0x").
 */
export function strtoul(text: string, base: 0 | 10 | 16): StrtoulResult {
  let i = skipWs(text);
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  let b: number = base;
  const hexPrefix = (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && digitValue(text.charCodeAt(i + 2)) < 16);
  if ((b === 0 || b === 16) && hexPrefix) {
    b = 16;
    i += 2;
  } else if (b === 0) b = text[i] === '0' ? 8 : 10;
  const start = i;
  let value = 0n;
  let overflow = false;
  while (i < text.length && digitValue(text.charCodeAt(i)) < b) {
    value = value * BigInt(b) + BigInt(digitValue(text.charCodeAt(i)));
    if (value > ULONG_MAX) overflow = true;
    i++;
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  if (overflow) return { value: ULONG_MAX, end: i, overflow };
  return { value: negative && value !== 0n ? (1n << 64n) - value : value, end: i, overflow };
}

/** read_unsigned_base(): read_unsigned() in another base (0: C's prefixes; 10: plain decimal). */
export function readUnsignedBase(text: string, min: number, max: number, base: 0 | 10): NumberResult {
  const offset = skipWs(text);
  const r = strtoul(text.slice(offset), base);
  const value = Number(r.value & 0xffffffffn);
  if (text[offset] === '-') return { ok: false, value, reason: 'invalid', message: `negative number '${text}'` };
  // C: endptr is where digits stopped (the start when there were none); only "" is then valid.
  if (offset + r.end !== text.length) {
    return { ok: false, value, reason: 'invalid', message: `invalid number '${text}'` };
  }
  if (r.overflow || r.value > BigInt(UINT_MAX)) return { ok: false, value, reason: 'range', message: `number '${text}' outside unsigned integer range` };
  if (value < min || value > max) return { ok: false, value, reason: 'range', message: `number '${text}' outside range [${min}, ${max}]` };
  return { ok: true, value };
}

/** read_unsigned64(): a base-10 unsigned 64-bit number in [min, max] (bigint). */
export function readUnsigned64(text: string, min: bigint, max: bigint): { ok: true; value: bigint } | { ok: false; message: string } {
  const offset = skipWs(text);
  const r = strtoul(text.slice(offset), 10);
  if (text[offset] === '-') return { ok: false, message: `negative number '${text}'` };
  if (offset + r.end !== text.length) return { ok: false, message: `invalid number '${text}'` };
  if (r.overflow) return { ok: false, message: `number '${text}' outside unsigned 64 bit range` };
  if (r.value < min || r.value > max) return { ok: false, message: `number '${text}' outside range [${min}, ${max}]` };
  return { ok: true, value: r.value };
}
