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

function formatFixed(v: number, shift: number): string {
  const scale = 10 ** shift;
  const whole = Math.floor(v / scale);
  const frac = String(v % scale).padStart(shift, '0');
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
