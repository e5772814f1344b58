/**
 * Address and port text as ipvsadm prints them (addrport_to_anyname): `addr:port`, IPv6 in
 * brackets, host and service names when not numeric. Name resolution is injected.
 */
import { canonicalIp, formatIPv4, parseIp, type Family } from '../../core/addr.js';
import type { Protocol } from '../../core/model.js';

/**
 * Reverse name lookups for listings without `-n`: `host` stands for gethostbyaddr, `service`
 * for getservbyport. Either returns null when there is no name; the number is shown then.
 */
export interface Names {
  host(addr: string): string | null;
  service(port: number, protocol: Protocol): string | null;
}

/** ipvsadm formats into a 60-byte buffer with snprintf: at most 59 characters survive. */
const ANYNAME_MAX = 59;

/** inet_ntop text of a model address (the model keeps canonical text; this re-canonicalises defensively). */
export function numericAddr(addr: string): string {
  return canonicalIp(addr) ?? addr;
}

/**
 * `addr:port` for one endpoint. `protocol` selects the service-name table (null for entries
 * whose protocol has none, e.g. fwmark templates shown as `IP`).
 */
export function addrPort(
  family: Family,
  addr: string,
  port: number,
  protocol: Protocol | null,
  numeric: boolean,
  names?: Names,
): string {
  const open = family === 4 ? '' : '[';
  const close = family === 4 ? '' : ']';
  if (numeric) return `${open}${numericAddr(addr)}${close}:${port}`.slice(0, ANYNAME_MAX);
  // COMPAT(ipvsadm): ipvsadm asks the system resolver; without injected Names we show numbers.
  const host = names?.host(addr) ?? numericAddr(addr);
  const service = (protocol !== null ? names?.service(port, protocol) : null) ?? String(port);
  return `${open}${host}${close}:${service}`.slice(0, ANYNAME_MAX);
}

/** The 32-bit words of an address in a slot of the given family (the kernel's nf_inet_addr union). */
export function addrWords(addr: string, family: Family): number[] {
  const p = parseIp(addr);
  const words = p ? [...p.words] : [0];
  // An IPv4 value in an IPv6 slot occupies the first word (as `.ip` overlays `.in6`); the rest is zero.
  while (words.length < 4) words.push(0);
  return family === 4 ? words.slice(0, 1) : words;
}

/** Dotted text of an IPv4 netmask kept as a host-order 32-bit number. */
export function dottedMask(mask: number): string {
  return formatIPv4(mask >>> 0);
}

/** Upper-case protocol label of a service (ipvsadm protocol_name). */
export function protocolLabel(protocol: Protocol): string {
  return protocol === 'tcp' ? 'TCP' : protocol === 'udp' ? 'UDP' : 'SCTP';
}
