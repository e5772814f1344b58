/**
 * What the packet engine asks the host: routes, interface MAC/MTU and the kernel's neighbour
 * table (through `ip -j`), and the nftables rule that keeps the local stack from answering
 * traffic tsvs forwards. Commands go through an injected runner so the text is testable.
 */
import { execFile } from 'node:child_process';

export type RunCommand = (cmd: string, args: readonly string[], input?: string) => Promise<string>;

export const runCommand: RunCommand = (cmd, args, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(cmd, [...args], { timeout: 5000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });

export interface RouteInfo {
  readonly dev: string;
  /** The next hop when the address is not on-link. */
  readonly gateway: string | null;
  /** The source address the host would use. */
  readonly prefsrc: string | null;
}

export async function routeTo(run: RunCommand, addr: string): Promise<RouteInfo> {
  const j = JSON.parse(await run('ip', ['-j', 'route', 'get', addr])) as Array<{ dev?: string; gateway?: string; prefsrc?: string }>;
  const r = j[0];
  if (!r?.dev) throw new Error(`no route to ${addr}`);
  return { dev: r.dev, gateway: r.gateway ?? null, prefsrc: r.prefsrc ?? null };
}

/** The IPv4 default gateway through `dev`, or null. */
export async function defaultGateway(run: RunCommand, dev: string): Promise<string | null> {
  const j = JSON.parse(await run('ip', ['-j', 'route', 'show', 'default', 'dev', dev])) as Array<{ gateway?: string }>;
  return j.find((r) => r.gateway)?.gateway ?? null;
}

export interface LinkInfo {
  readonly mac: string;
  readonly mtu: number;
}

export async function linkInfo(run: RunCommand, dev: string): Promise<LinkInfo> {
  const j = JSON.parse(await run('ip', ['-j', 'link', 'show', 'dev', dev])) as Array<{ address?: string; mtu?: number }>;
  const l = j[0];
  if (!l?.address || !l.mtu) throw new Error(`cannot read link ${dev}`);
  return { mac: l.address, mtu: l.mtu };
}

/** Reachable/stale/permanent entries of the kernel's neighbour table on `dev`: address → MAC. */
export async function kernelNeighbours(run: RunCommand, dev: string): Promise<Map<string, string>> {
  const j = JSON.parse(await run('ip', ['-j', 'neigh', 'show', 'dev', dev])) as Array<{ dst?: string; lladdr?: string; state?: string[] }>;
  const out = new Map<string, string>();
  for (const n of j) if (n.dst && n.lladdr && !(n.state ?? []).includes('FAILED')) out.set(n.dst, n.lladdr);
  return out;
}

/** What the host stack must not see: requests to a virtual service, NAT replies from a real server. */
export interface HostRuleSpec {
  readonly family: 4 | 6;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly kind: 'to-vip' | 'nat-reply';
  readonly addr: string;
  readonly port: number;
}

export const NFT_TABLE = 'tsvs_packet';

/**
 * The nft script that replaces the tsvs table atomically: a prerouting filter (priority raw) that
 * drops, for the host only, what the packet engine carries. AF_PACKET sockets see frames before
 * netfilter, so the engine still gets them; its own transmissions bypass netfilter.
 */
export function nftScript(rules: readonly HostRuleSpec[]): string {
  const lines = [`table inet ${NFT_TABLE}`, `delete table inet ${NFT_TABLE}`, `table inet ${NFT_TABLE} {`, '  chain prerouting {', '    type filter hook prerouting priority raw; policy accept;'];
  for (const r of rules) {
    const ip = r.family === 4 ? 'ip' : 'ip6';
    const port = r.port === 0 ? '' : ` ${r.protocol} ${r.kind === 'to-vip' ? 'dport' : 'sport'} ${r.port}`;
    const addr = `${ip} ${r.kind === 'to-vip' ? 'daddr' : 'saddr'} ${r.addr}`;
    lines.push(`    ${addr} meta l4proto ${r.protocol}${port} drop`);
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}

export async function installHostRules(run: RunCommand, rules: readonly HostRuleSpec[]): Promise<void> {
  await run('nft', ['-f', '-'], nftScript(rules));
}

export async function removeHostRules(run: RunCommand): Promise<void> {
  await run('nft', ['delete', 'table', 'inet', NFT_TABLE]).catch(() => undefined);
}
