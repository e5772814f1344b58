/**
 * The scenario's machines as network namespaces: a switch namespace (`tsvs-lab-sw`) with one bridge
 * per segment, one namespace per node with its interfaces (veth pairs, the seed's names inside),
 * addresses, lo aliases, sysctls, routes, and the router's nftables rules. Everything is named with
 * the `tsvs-lab-` prefix, so `down` finds it again from any shell.
 */
import { inNode, labNamespaces, must, mustInNode, nsName, run, SWITCH_NS } from './shell.js';
import type { NodeSpec, Scenario } from './types.js';
import { bridgeName, portName } from './validate.js';

function addNode(n: NodeSpec): void {
  const ns = nsName(n.name);
  must(['ip', 'netns', 'add', ns]);
  must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  // No IPv6 duplicate-address waits or router solicitations: the seeds are IPv4 labs. (Best
  // effort: a kernel without IPv6 has no such keys.)
  inNode(n.name, ['sysctl', '-eqw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  for (const l of n.links) {
    const port = portName(n.name, l.ifname);
    must(['ip', 'link', 'add', l.ifname, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', SWITCH_NS]);
    must(['ip', '-n', SWITCH_NS, 'link', 'set', port, 'master', bridgeName(l.segment), 'up']);
    for (const a of l.addrs) must(['ip', '-n', ns, 'addr', 'add', ...a.split(' '), 'dev', l.ifname]);
    must(['ip', '-n', ns, 'link', 'set', l.ifname, 'up']);
  }
  for (const a of n.loAddrs ?? []) must(['ip', '-n', ns, 'addr', 'add', a, 'dev', 'lo']);
  const sysctls = Object.entries(n.sysctls ?? {}).map(([k, v]) => `${k}=${v}`);
  if (sysctls.length) mustInNode(n.name, ['sysctl', '-qw', ...sysctls]);
  for (const r of n.routes ?? []) must(['ip', '-n', ns, 'route', 'add', ...r.split(' ')]);
}

/** Build the scenario's network. On failure, removes what it made and rethrows. */
export function buildTopology(s: Scenario): void {
  try {
    must(['ip', 'netns', 'add', SWITCH_NS]);
    must(['ip', '-n', SWITCH_NS, 'link', 'set', 'lo', 'up']);
    for (const seg of new Set(s.nodes.flatMap((n) => n.links.map((l) => l.segment)))) {
      // No multicast snooping: VRRP adverts to 224.0.0.18 reach every port.
      must(['ip', '-n', SWITCH_NS, 'link', 'add', bridgeName(seg), 'type', 'bridge', 'mcast_snooping', '0']);
      must(['ip', '-n', SWITCH_NS, 'link', 'set', bridgeName(seg), 'up']);
    }
    for (const n of s.nodes) addNode(n);
    if (s.router) mustInNode(s.router.node, ['nft', '-f', '-'], s.router.nft);
  } catch (e) {
    removeNamespaces();
    throw e;
  }
}

/** A node's cable: its switch ports go down (the node sees carrier loss) or up. */
export function setLink(node: NodeSpec, up: boolean): void {
  for (const l of node.links) must(['ip', '-n', SWITCH_NS, 'link', 'set', portName(node.name, l.ifname), up ? 'up' : 'down']);
}

/** Pids still running inside the lab's namespaces (`ip netns pids`). */
export function pidsInNamespaces(): number[] {
  return labNamespaces().flatMap((ns) => run(['ip', 'netns', 'pids', ns]).out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number));
}

/** Delete every `tsvs-lab-*` namespace (their veths and bridges go with them). */
export function removeNamespaces(): string[] {
  const gone = labNamespaces();
  for (const ns of gone) run(['ip', 'netns', 'del', ns]);
  return gone;
}

