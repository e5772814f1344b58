/**
 * Address parsing as keepalived does it with glibc inet_pton() (lib/utils.c inet_stosockaddr):
 * the family is IPv6 when the text contains ':'; IPv4 needs exactly four decimal parts without
 * leading zeros. Canonical text comes from core/addr.ts.
 */
import { type Family, canonicalIp, parseIPv6Groups } from '../../core/addr.js';
import { readUnsigned } from './numbers.js';

/** glibc inet_pton(AF_INET): four dotted decimal parts 0..255, no leading zeros, nothing else. */
export function isInetPton4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - 48);
      if (value > 255) return false;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || ++parts > 4) return false;
      digits = 0;
      value = 0;
    } else return false;
  }
  return parts === 4;
}

/** glibc inet_pton(AF_INET6) (an embedded IPv4 tail must itself be inet_pton4-valid). */
export function isInetPton6(text: string): boolean {
  if (text.includes('%')) return false;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon) && !isInetPton4(text.slice(lastColon + 1))) return false;
  if (/:::/.test(text)) return false;
  return parseIPv6Groups(text) !== null;
}

export interface IpAddr {
  readonly family: Family;
  /** Canonical text. */
  readonly addr: string;
}

/** inet_pton with the family chosen by the presence of ':' (or given); null when invalid. */
export function parseInet(text: string, v6 = text.includes(':')): IpAddr | null {
  if (!v6) return isInetPton4(text) ? { family: 4, addr: text } : null;
  if (!isInetPton6(text)) return null;
  const addr = canonicalIp(text);
  return addr === null ? null : { family: v6 ? 6 : 4, addr };
}

export interface SockAddr extends IpAddr {
  /** 0 when no port was given. */
  readonly port: number;
}

/**
 * inet_stosockaddr(): an address (anything from a '-' or '/' on is ignored, as keepalived does for
 * ranges and masks) with an optional port 1..65535. A port of all zeros means "no port".
 */
export function parseSockAddr(ip: string, port: string | undefined): SockAddr | null {
  let portNum = 0;
  const portText = port !== undefined && !allZeros(port) ? port : undefined;
  if (portText !== undefined) {
    const r = readUnsigned(portText, 1, 65535);
    if (!r.ok) return null;
    portNum = r.value;
  }
  let cut = -1;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 45 || c === 47) {
      cut = i;
      break;
    }
  }
  const a = parseInet(cut >= 0 ? ip.slice(0, cut) : ip, ip.includes(':'));
  return a === null ? null : { family: a.family, addr: a.addr, port: portNum };
}

/** keepalived treats a port of all zeros (or an empty one) as "no port". */
export function allZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

/** An address with an optional /prefix (parse_ipaddress with allow_subnet_mask). */
export interface Prefixed extends IpAddr {
  readonly prefix: number;
  /** Set when the prefix text was invalid (keepalived then uses the full length). */
  readonly badPrefix?: string;
}

export function parsePrefixed(text: string): Prefixed | null {
  const v6 = text.includes(':');
  const full = v6 ? 128 : 32;
  const slash = text.indexOf('/');
  let prefix = full;
  let badPrefix: string | undefined;
  if (slash >= 0) {
    const r = readUnsigned(text.slice(slash + 1), 0, full);
    if (r.ok) prefix = r.value;
    else badPrefix = text.slice(slash + 1);
  }
  const a = parseInet(slash >= 0 ? text.slice(0, slash) : text, v6);
  if (!a) return null;
  return badPrefix === undefined ? { ...a, prefix } : { ...a, prefix, badPrefix };
}

/** IPv4 address as an unsigned 32-bit number (the text must be valid). */
export function ipv4ToNumber(addr: string): number {
  return addr.split('.').reduce((v, p) => v * 256 + Number(p), 0);
}

export function isMulticast4(addr: string): boolean {
  const first = Number(addr.split('.')[0]);
  return first >= 224 && first <= 239;
}

/**
 * glibc inet_aton() as getaddrinfo() uses it for numeric hosts: 1 to 4 parts (`a`, `a.b`,
 * `a.b.c`, `a.b.c.d`), each decimal, octal (leading 0) or hexadecimal (0x), the last part filling
 * the remaining bytes. The address as a 32-bit number, or null.
 */
export function inetAton(text: string): number | null {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!/[0-9]/.test(text[i] ?? '')) return null;
    let base = 10;
    if (text[i] === '0') {
      i++;
      if (text[i] === 'x' || text[i] === 'X') {
        base = 16;
        i++;
      } else base = 8;
    }
    let value = 0;
    for (; i < text.length; i++) {
      const d = parseInt(text[i]!, 16);
      if (Number.isNaN(d) || (d > 9 && base !== 16)) break;
      if (base === 8 && d > 7) return null;
      value = value * base + d;
      if (value > 0xffffffff) return null;
    }
    if (text[i] !== '.') {
      if (i !== text.length) return null;
      const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length]!;
      if (value > max) return null;
      return parts.reduce((acc, p, k) => acc + p * 2 ** (8 * (3 - k)), 0) + value;
    }
    if (parts.length > 2 || value > 0xff) return null;
    parts.push(value);
    i++;
  }
}

/**
 * Whether getaddrinfo() could give an address for `host` (smtp_server): a numeric IPv4 address in
 * any inet_aton form, an IPv6 address (with an optional %scope), or a well-formed host name.
 * COMPAT(keepalived): keepalived resolves a name when it reads the configuration; tsvs cannot, and
 * takes a well-formed name to resolve. A dotted name whose last label has no letter is no host
 * name (no top-level domain is numeric), so `10.0.0.300` or `1.2.3.4.5` are rejected as keepalived
 * rejects them.
 */
export function hostResolvable(host: string): boolean {
  if (inetAton(host) !== null) return true;
  if (host.includes(':')) {
    const pct = host.indexOf('%');
    return pct < 0 ? isInetPton6(host) : pct + 1 < host.length && isInetPton6(host.slice(0, pct));
  }
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (labels.some((l) => !/^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(l))) return false;
  return labels.length === 1 ? !/^[0-9]+$/.test(labels[0]!) : /[A-Za-z]/.test(labels[labels.length - 1]!);
}
