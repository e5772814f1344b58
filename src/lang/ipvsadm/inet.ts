/**
 * The C library conversions ipvsadm 1.31 relies on, with glibc's exact acceptance rules, because
 * they decide which command lines are legal: `strtol` (numbers), `atoi` (IPv6 netmask),
 * `inet_aton` (IPv4 hosts and netmasks: "10.1", "0x0a000001" and "167772161" all mean 10.0.0.1),
 * and the strict `inet_pton` (IPv6 addresses, multicast groups).
 */
import { formatIPv4, formatIPv6Groups } from '../../core/addr.js';

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** C `isspace` in the C locale. */
export function isCSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

export interface StrtolResult {
  /** The value, saturated to the C `long` range as strtol does. */
  readonly value: bigint;
  /** Index of the first character not consumed (0 when no digits were found). */
  readonly end: number;
  /** True when the value did not fit a 64-bit long (errno ERANGE). */
  readonly overflow: boolean;
}

/** glibc `strtol(s, &end, 10)`: leading white space, an optional sign, then decimal digits. */
export function strtol10(s: string): StrtolResult {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  const digitsStart = i;
  while (isDigit(s[i])) i++;
  if (i === digitsStart) return { value: 0n, end: 0, overflow: false };
  let value = BigInt(s.slice(digitsStart, i));
  if (negative) value = -value;
  if (value > LONG_MAX) return { value: LONG_MAX, end: i, overflow: true };
  if (value < LONG_MIN) return { value: LONG_MIN, end: i, overflow: true };
  return { value, end: i, overflow: false };
}

/**
 * ipvsadm's `string_to_number`: the whole token must be a base-10 long within [min, max];
 * otherwise null (ipvsadm's -1).
 */
export function stringToNumber(s: string, min: number, max: number): number | null {
  const r = strtol10(s);
  if (r.end === 0 || r.end !== s.length || r.overflow) return null;
  if (r.value < BigInt(min) || r.value > BigInt(max)) return null;
  return Number(r.value);
}

/** glibc `atoi`: `(int) strtol(s, NULL, 10)`, trailing text ignored, 0 when there are no digits. */
export function atoi(s: string): number {
  return Number(BigInt.asIntN(32, strtol10(s).value));
}

function hexValue(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * glibc `inet_aton`: one to four parts separated by dots, each read by `strtoul(.., 0)` (decimal,
 * octal with a leading 0, hex with 0x); the last part fills the remaining bytes; trailing white
 * space and anything after it is ignored. Returns the address as an unsigned 32-bit number, or null.
 */
export function inetAton(text: string): number | null {
  const parts: number[] = [];
  let i = 0;
  let val = 0;
  for (;;) {
    if (!isDigit(text[i])) return null;
    const part = strtoulBase0(text, i);
    if (part.value > 0xffffffff) return null;
    val = part.value;
    i = part.end;
    if (text[i] !== '.') break;
    if (parts.length > 2 || val > 0xff) return null;
    parts.push(val);
    i++;
  }
  if (i < text.length && !isCSpace(text[i])) return null;
  return combineAtonParts(parts, val);
}

/** `strtoul(s + i, &end, 0)` for a token known to start with a digit (no sign, no blanks). */
function strtoulBase0(s: string, i: number): { value: number; end: number } {
  let base = 10;
  if (s[i] === '0') {
    if ((s[i + 1] === 'x' || s[i + 1] === 'X') && hexValue(s[i + 2]) >= 0) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  let value = 0;
  for (;;) {
    const d = hexValue(s[i]);
    if (d < 0 || d >= base) break;
    // Saturate: anything past 2^32 is rejected by the caller, and doubles stay exact below 2^53.
    value = Math.min(value * base + d, 2 ** 40);
    i++;
  }
  return { value, end: i };
}

/** The last part of an inet_aton address covers all bytes not given by the earlier parts. */
function combineAtonParts(parts: readonly number[], last: number): number | null {
  const limits = [0xffffffff, 0xffffff, 0xffff, 0xff];
  if (last > limits[parts.length]!) return null;
  let v = 0;
  for (let k = 0; k < parts.length; k++) v = (v | (parts[k]! << (24 - 8 * k))) >>> 0;
  return (v | last) >>> 0;
}

/** glibc `inet_pton(AF_INET)`: exactly four decimal parts 0..255 without leading zeros. */
export function inetPton4(text: string): number | null {
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  let value = 0;
  for (const ch of text) {
    if (isDigit(ch)) {
      if (sawDigit && cur === 0) return null;
      cur = cur * 10 + (ch.charCodeAt(0) - 48);
      if (cur > 255) return null;
      if (!sawDigit) {
        if (++octets > 4) return null;
        sawDigit = true;
      }
    } else if (ch === '.' && sawDigit) {
      if (octets === 4) return null;
      value = value * 256 + cur;
      cur = 0;
      sawDigit = false;
    } else return null;
  }
  if (octets < 4 || !sawDigit) return null;
  return (value * 256 + cur) >>> 0;
}

/** glibc `inet_pton(AF_INET6)` as 8 16-bit groups, or null. */
export function inetPton6(text: string): number[] | null {
  const bytes: number[] = [];
  let i = 0;
  if (text.length === 0) return null;
  if (text[0] === ':') {
    i++;
    if (text[i] !== ':') return null;
  }
  let colonAt = -1;
  let curtok = i;
  let digits = 0;
  let val = 0;
  while (i < text.length) {
    const ch = text[i++]!;
    const h = hexValue(ch);
    if (h >= 0) {
      if (digits === 4) return null;
      val = (val << 4) | h;
      digits++;
      continue;
    }
    if (ch === ':') {
      curtok = i;
      if (digits === 0) {
        if (colonAt >= 0) return null;
        colonAt = bytes.length;
        continue;
      }
      if (i === text.length || bytes.length + 2 > 16) return null;
      bytes.push(val >> 8, val & 0xff);
      digits = 0;
      val = 0;
      continue;
    }
    if (ch === '.' && bytes.length + 4 <= 16) {
      const v4 = inetPton4(text.slice(curtok));
      if (v4 === null) return null;
      bytes.push(v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255);
      digits = 0;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (bytes.length + 2 > 16) return null;
    bytes.push(val >> 8, val & 0xff);
  }
  if (colonAt >= 0) {
    if (bytes.length === 16) return null;
    bytes.splice(colonAt, 0, ...new Array<number>(16 - bytes.length).fill(0));
  }
  if (bytes.length !== 16) return null;
  const groups: number[] = [];
  for (let k = 0; k < 16; k += 2) groups.push((bytes[k]! << 8) | bytes[k + 1]!);
  return groups;
}

/** Canonical text of an IPv4 number (dotted quad). */
export function ipv4Text(v: number): string {
  return formatIPv4(v);
}

/** Canonical text of IPv6 groups (inet_ntop style). */
export function ipv6Text(groups: readonly number[]): string {
  return formatIPv6Groups(groups);
}

/** IN_MULTICAST: 224.0.0.0/4. */
export function isIPv4Multicast(v: number): boolean {
  return v >>> 28 === 0xe;
}

/** IN6_IS_ADDR_MULTICAST: ff00::/8. */
export function isIPv6Multicast(groups: readonly number[]): boolean {
  return groups[0]! >> 8 === 0xff;
}
