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
