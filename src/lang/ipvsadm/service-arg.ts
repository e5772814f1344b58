/**
 * `host[:port]` words of `-t`, `-u`, `--sctp-service` and `-r`, read with ipvsadm 1.31's rules
 * (ipvs.md §6.3): a word of digits only is refused; `[v6]` must be followed by `:port`; a bare
 * IPv6 literal is taken whole (`2001:db8::1:80` has no port); otherwise the text after the last
 * `:` is the port (0..65535 or a service name for the protocol) and the host is an inet_aton
 * IPv4 literal or a name resolved to IPv4.
 */
import type { Family } from '../../core/addr.js';
import type { Protocol } from '../../core/model.js';
import { inetAton, inetPton4, inetPton6, ipv4Text, ipv6Text, stringToNumber } from './inet.js';
import type { Resolver } from './resolver.js';

export interface HostPort {
  readonly family: Family;
  /** Canonical address text. */
  readonly addr: string;
  /** The port, or null when the word gave none. */
  readonly port: number | null;
}

function allDigits(word: string): boolean {
  for (const ch of word) if (ch < '0' || ch > '9') return false;
  return true;
}

/**
 * Parse one address word; null is ipvsadm's SERVICE_NONE ("illegal ... address[:port]").
 * `protocol` is the service's protocol known at this point (null before any -t/-u/-f), used to
 * look up port names.
 */
export function parseHostPort(word: string, protocol: Protocol | null, resolver: Resolver): HostPort | null {
  // The empty word counts as "digits only" too.
  if (allDigits(word)) return null;
  let host = word;
  let portText: string | null = null;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0 || host[close + 1] !== ':') return null;
    portText = host.slice(close + 2);
    host = host.slice(1, close);
  }
  let family: Family;
  let addr: string;
  const v6 = inetPton6(host);
  if (v6) {
    family = 6;
    addr = ipv6Text(v6);
  } else {
    // Quirk kept: for "[1.2.3.4]:80" this search finds no ':' and the bracketed port is dropped.
    const colon = host.lastIndexOf(':');
    portText = colon >= 0 ? host.slice(colon + 1) : null;
    if (colon >= 0) host = host.slice(0, colon);
    const v4 = resolveIPv4(host, resolver);
    if (v4 === null) return null;
    family = 4;
    addr = v4;
  }
  if (portText === null) return { family, addr, port: null };
  const port = stringToNumber(portText, 0, 65535) ?? serviceToPort(portText, protocol, resolver);
  return port === null ? null : { family, addr, port };
}

/** inet_aton, else the host name resolved to IPv4 (gethostbyname): an unsigned 32-bit number or null. */
export function resolveIPv4Number(host: string, resolver: Resolver): number | null {
  const literal = inetAton(host);
  if (literal !== null) return literal;
  const resolved = resolver.host(host, 4);
  return resolved === null ? null : inetPton4(resolved);
}

/** The same lookup as canonical text. */
export function resolveIPv4(host: string, resolver: Resolver): string | null {
  const v = resolveIPv4Number(host, resolver);
  return v === null ? null : ipv4Text(v);
}

function serviceToPort(name: string, protocol: Protocol | null, resolver: Resolver): number | null {
  if (protocol === null) return null;
  const port = resolver.service(name, protocol);
  return port !== null && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : null;
}
