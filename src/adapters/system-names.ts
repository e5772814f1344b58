/**
 * The system's name services for `tsvs adm`, as ipvsadm uses them through libc:
 * - parsing (`-t www.example.com:http`): gethostbyname and getservbyname → a synchronous
 *   {@link Resolver} over /etc/services, /etc/hosts and `getent` (NSS: files, DNS, ...);
 * - listing without `-n`: gethostbyaddr and getservbyport → {@link Names}, with the addresses
 *   resolved beforehand (getnameinfo through `dns.lookupService`) because formatting is synchronous.
 */
import { execFileSync } from 'node:child_process';
import { lookupService } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { parseIp, type Family } from '../core/addr.js';
import type { Protocol } from '../core/model.js';
import type { Names } from '../lang/ipvsadm/format-addr.js';
import { BUILTIN_RESOLVER, type Resolver } from '../lang/ipvsadm/resolver.js';

export interface ServicesTable {
  /** `name/proto` → port (names and aliases). */
  readonly byName: ReadonlyMap<string, number>;
  /** `port/proto` → the first (official) name. */
  readonly byPort: ReadonlyMap<string, string>;
}

/** Parse /etc/services text: `name port/proto [aliases...] [# comment]`. */
export function parseServices(text: string): ServicesTable {
  const byName = new Map<string, number>();
  const byPort = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/(\w+)$/.exec(words[1] ?? '');
    if (!m || words[0] === '') continue;
    const port = Number(m[1]);
    const proto = m[2]!;
    if (port > 65535) continue;
    if (!byPort.has(`${port}/${proto}`)) byPort.set(`${port}/${proto}`, words[0]!);
    for (const name of [words[0]!, ...words.slice(2)]) if (!byName.has(`${name}/${proto}`)) byName.set(`${name}/${proto}`, port);
  }
  return { byName, byPort };
}

export interface HostsTable {
  /** Name → addresses in file order. */
  readonly byName: ReadonlyMap<string, readonly string[]>;
  /** Canonical address → its first name. */
  readonly byAddr: ReadonlyMap<string, string>;
}

/** Parse /etc/hosts text: `address name [aliases...] [# comment]`. */
export function parseHosts(text: string): HostsTable {
  const byName = new Map<string, string[]>();
  const byAddr = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    const ip = parseIp(words[0] ?? '');
    if (!ip || words.length < 2) continue;
    if (!byAddr.has(ip.text)) byAddr.set(ip.text, words[1]!);
    for (const name of words.slice(1)) {
      const list = byName.get(name) ?? [];
      list.push(ip.text);
      byName.set(name, list);
    }
  }
  return { byName, byAddr };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Forward lookup through NSS (`getent ahostsv4|ahostsv6 NAME`); null when unknown or unavailable. */
function getentHost(name: string, family: Family): string | null {
  try {
    const out = execFileSync('getent', [family === 4 ? 'ahostsv4' : 'ahostsv6', name], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = out.split('\n')[0]?.split(/\s+/)[0] ?? '';
    const ip = parseIp(first);
    return ip && ip.family === family ? ip.text : null;
  } catch {
    return null;
  }
}

export interface SystemFiles {
  readonly services?: string;
  readonly hosts?: string;
  /** Ask NSS (DNS included) for names /etc/hosts does not know (default true). */
  readonly useNss?: boolean;
}

/** The resolver the ipvsadm parser uses for host and service names. */
export function systemResolver(files: SystemFiles = {}): Resolver {
  let services: ServicesTable | null = null;
  let hosts: HostsTable | null = null;
  return {
    host(name, family) {
      hosts ??= parseHosts(readText(files.hosts ?? '/etc/hosts'));
      const known = hosts.byName.get(name)?.find((a) => parseIp(a)?.family === family);
      if (known) return known;
      return files.useNss === false ? null : getentHost(name, family);
    },
    service(name, protocol) {
      services ??= parseServices(readText(files.services ?? '/etc/services'));
      return services.byName.get(`${name}/${protocol}`) ?? BUILTIN_RESOLVER.service(name, protocol);
    },
  };
}

/**
 * Reverse names for a listing: every address in `addrs` is looked up once (getnameinfo, which
 * consults /etc/hosts and DNS like gethostbyaddr); ports are named from /etc/services.
 */
export async function systemNames(addrs: Iterable<string>, files: SystemFiles = {}): Promise<Names> {
  const services = parseServices(readText(files.services ?? '/etc/services'));
  const hostNames = new Map<string, string>();
  const unique = [...new Set(addrs)];
  if (files.useNss === false) {
    const hosts = parseHosts(readText(files.hosts ?? '/etc/hosts'));
    for (const a of unique) {
      const n = hosts.byAddr.get(parseIp(a)?.text ?? a);
      if (n) hostNames.set(a, n);
    }
  } else {
    await Promise.all(
      unique.map(async (a) => {
        try {
          const { hostname } = await lookupService(a, 0);
          if (hostname && hostname !== a) hostNames.set(a, hostname);
        } catch {
          // no name: the number is shown
        }
      }),
    );
  }
  return {
    host: (addr) => hostNames.get(addr) ?? null,
    service: (port: number, protocol: Protocol) => services.byPort.get(`${port}/${protocol}`) ?? null,
  };
}
