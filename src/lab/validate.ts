/**
 * Checks of a scenario's data before anything is built: names that fit the kernel's limits,
 * references that resolve, and addresses that make sense. Pure; returns the problems found.
 */
import { parseIPv4 } from '../core/addr.js';
import type { Scenario } from './types.js';

export const NS_PREFIX = 'tsvs-lab-';
/** IFNAMSIZ − 1. */
export const MAX_IFNAME = 15;

/** The bridge-side name of a node's interface (in the switch namespace). */
export function portName(node: string, ifname: string): string {
  return `${node}-${ifname}`.slice(0, MAX_IFNAME);
}

export function bridgeName(segment: string): string {
  return `br-${segment}`;
}

const NAME = /^[a-z][a-z0-9]*$/;

export function validateScenario(s: Scenario): string[] {
  const problems: string[] = [];
  const nodes = new Set<string>();
  const ports = new Set<string>();
  const addrs = new Map<string, string>();
  for (const n of s.nodes) {
    if (!NAME.test(n.name)) problems.push(`node '${n.name}': names are lower-case letters and digits`);
    if (n.name === 'sw') problems.push(`node 'sw' is the switch namespace`);
    if (nodes.has(n.name)) problems.push(`node '${n.name}' appears twice`);
    nodes.add(n.name);
    if (n.links.length === 0) problems.push(`node '${n.name}' has no interface`);
    for (const l of n.links) {
      if (l.ifname.length > MAX_IFNAME) problems.push(`${n.name}: interface name '${l.ifname}' is longer than ${MAX_IFNAME}`);
      const port = portName(n.name, l.ifname);
      if (ports.has(port)) problems.push(`${n.name}: switch port '${port}' collides with another node's`);
      ports.add(port);
      if (bridgeName(l.segment).length > MAX_IFNAME) problems.push(`segment '${l.segment}': bridge name too long`);
      for (const a of l.addrs) {
        const [cidr] = a.split(' ');
        const [ip, len] = cidr!.split('/');
        if (!ip || parseIPv4(ip) === null || len === undefined || !(Number(len) >= 0 && Number(len) <= 32)) problems.push(`${n.name} ${l.ifname}: '${a}' is not an IPv4 address with a prefix length`);
        else if (addrs.has(ip)) problems.push(`${n.name}: address ${ip} is already on ${addrs.get(ip)}`);
        else addrs.set(ip, n.name);
      }
    }
  }
  const known = (where: string, node: string): void => {
    if (!nodes.has(node)) problems.push(`${where}: no node '${node}'`);
  };
  for (const d of s.directors) known('director', d.node);
  for (const r of s.realServers) {
    known('real server', r.node);
    if (r.mode !== 'nat' && !r.vip) problems.push(`real server ${r.node}: ${r.mode} needs the VIP`);
    if (r.mode === 'tun' && !r.dev) problems.push(`real server ${r.node}: tun needs the interface tunnelled packets arrive on`);
  }
  if (s.router) known('router', s.router.node);
  known('client', s.client.node);
  if (!/^http:\/\/[^/]+\/$/.test(s.client.url)) problems.push(`client url '${s.client.url}' must be http://HOST[:PORT]/`);
  const directors = new Set(s.directors.map((d) => d.node));
  const rss = new Set(s.realServers.map((r) => r.node));
  for (const [i, st] of s.steps.entries()) {
    const where = `step ${i + 1} (${st.kind})`;
    if ('director' in st && !directors.has(st.director)) problems.push(`${where}: '${st.director}' is not a director`);
    if ((st.kind === 'fail-director' || st.kind === 'heal-director') && !directors.has(st.node)) problems.push(`${where}: '${st.node}' is not a director`);
    if ((st.kind === 'fail-realserver' || st.kind === 'heal-realserver') && !rss.has(st.node)) problems.push(`${where}: '${st.node}' is not a real server`);
    if (st.kind === 'requests' && st.sequence && st.sequence.length !== st.count) problems.push(`${where}: the sequence has ${st.sequence.length} answers for ${st.count} requests`);
    if (st.kind === 'requests' && st.shares && Object.values(st.shares).reduce((a, b) => a + b, 0) !== st.count) problems.push(`${where}: the shares do not add up to ${st.count}`);
    if (st.kind === 'vip-on' || st.kind === 'vrrp-adverts') known(where, st.node);
  }
  return problems;
}
