/**
 * What the packet engine asks the host: routes, interface MAC/MTU and the kernel's neighbour
 * table (through `ip -j`), and the rule that keeps the local stack from answering traffic tsvs
 * forwards (nftables, or iptables where nft is missing or refused). Commands go through an injected runner so the text is testable.
 */
import { execFile } from 'node:child_process';
import { familyHasRules, IPT_CHAIN, IPT_JUMPS, IPT_MARK_CHAIN, iptablesScript, iptablesTools, type IptablesFlavour } from './iptables-rules.js';

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
  readonly ifindex: number;
  /** For an 802.1Q device: the interface it sits on and its VLAN id. */
  readonly vlan?: { readonly parent: string; readonly id: number };
}

export async function linkInfo(run: RunCommand, dev: string): Promise<LinkInfo> {
  type Row = { ifindex?: number; address?: string; mtu?: number; link?: string; linkinfo?: { info_kind?: string; info_data?: { id?: number } } };
  const j = JSON.parse(await run('ip', ['-j', '-d', 'link', 'show', 'dev', dev])) as Row[];
  const l = j[0];
  if (!l?.address || !l.mtu) throw new Error(`cannot read link ${dev}`);
  const id = l.linkinfo?.info_kind === 'vlan' ? l.linkinfo.info_data?.id : undefined;
  return { mac: l.address, mtu: l.mtu, ifindex: l.ifindex ?? 0, ...(id !== undefined && l.link ? { vlan: { parent: l.link, id } } : {}) };
}

/** A unicast route of the main table: destination prefix ("default" or "a.b.c.d/n"), device, gateway. */
export interface MainRoute {
  readonly family: 4 | 6;
  readonly dst: string;
  readonly dev: string;
  readonly gateway: string | null;
}

/** The unicast routes of the main table (IPv4 and IPv6) that leave by a device. */
export async function mainRoutes(run: RunCommand): Promise<MainRoute[]> {
  const out: MainRoute[] = [];
  for (const family of [4, 6] as const) {
    const j = JSON.parse(await run('ip', ['-j', `-${family}`, 'route', 'show', 'table', 'main'])) as Array<{ type?: string; dst?: string; dev?: string; gateway?: string }>;
    for (const r of j) {
      if (!r.dst || !r.dev || (r.type !== undefined && r.type !== 'unicast')) continue;
      out.push({ family, dst: r.dst, dev: r.dev, gateway: r.gateway ?? null });
    }
  }
  return out;
}

/** The interface that holds `addr` as a local address, or null. */
export async function deviceWithAddress(run: RunCommand, addr: string): Promise<string | null> {
  const j = JSON.parse(await run('ip', ['-j', 'addr', 'show', 'to', addr])) as Array<{ ifname?: string }>;
  return j.find((l) => l.ifname)?.ifname ?? null;
}

/** The global IPv4 addresses of `dev`, in the kernel's order (the primary first). */
export async function ipv4Addresses(run: RunCommand, dev: string): Promise<string[]> {
  const j = JSON.parse(await run('ip', ['-j', '-4', 'addr', 'show', 'dev', dev])) as Array<{ addr_info?: Array<{ local?: string; scope?: string }> }>;
  return (j[0]?.addr_info ?? []).filter((a) => a.local && a.scope === 'global').map((a) => a.local!);
}

/** The IPv6 addresses of `dev` (global and link-local), in the kernel's order. */
export async function ipv6Addresses(run: RunCommand, dev: string): Promise<string[]> {
  const j = JSON.parse(await run('ip', ['-j', '-6', 'addr', 'show', 'dev', dev])) as Array<{ addr_info?: Array<{ local?: string; scope?: string }> }>;
  return (j[0]?.addr_info ?? []).filter((a) => a.local && (a.scope === 'global' || a.scope === 'link')).map((a) => a.local!);
}

/** Reachable/stale/permanent entries of the kernel's neighbour table on `dev`: address → MAC. */
export async function kernelNeighbours(run: RunCommand, dev: string): Promise<Map<string, string>> {
  const j = JSON.parse(await run('ip', ['-j', 'neigh', 'show', 'dev', dev])) as Array<{ dst?: string; lladdr?: string; state?: string[] }>;
  const out = new Map<string, string>();
  for (const n of j) if (n.dst && n.lladdr && !(n.state ?? []).includes('FAILED')) out.set(n.dst, n.lladdr);
  return out;
}

/**
 * What the host stack must not see: requests to a virtual service, NAT replies from a real
 * server (`protocol` null: any, for fwmark services), packets marked for a fwmark service.
 */
export type HostRuleSpec =
  | {
      readonly family: 4 | 6;
      readonly protocol: 'tcp' | 'udp' | 'sctp' | null;
      readonly kind: 'to-vip' | 'nat-reply';
      readonly addr: string;
      readonly port: number;
    }
  | { readonly kind: 'mark'; readonly mark: number };

export const NFT_TABLE = 'tsvs_packet';

/**
 * The nft script that replaces the tsvs table atomically: a prerouting filter (priority raw) that
 * drops, for the host only, what the packet engine carries. AF_PACKET sockets see frames before
 * netfilter, so the engine still gets them; its own transmissions bypass netfilter. A NAT reply
 * is dropped only when it is not addressed to the host itself, so the director's own
 * connections to a real server (health checks) still get their answers. Marked packets are
 * dropped by a second chain at {@link MARK_DROP_PRIORITY}, after every prerouting chain whose
 * marks nft-marks.ts evaluates, so the host never answers a packet whose mark is set late.
 */
/**
 * The prerouting priority of the chain that drops marked packets for the host: after raw, mangle
 * (-150), dstnat (-100), filter (0) and security (50). Marks set by chains at this priority or
 * later are not evaluated by the packet engine (nft-marks.ts reports them).
 */
export const MARK_DROP_PRIORITY = 299;

export function nftScript(rules: readonly HostRuleSpec[]): string {
  const lines = [`table inet ${NFT_TABLE}`, `delete table inet ${NFT_TABLE}`, `table inet ${NFT_TABLE} {`, '  chain prerouting {', '    type filter hook prerouting priority raw; policy accept;'];
  const marks: string[] = [];
  for (const r of rules) {
    if (r.kind === 'mark') {
      marks.push(`    meta mark 0x${r.mark.toString(16).padStart(8, '0')} drop`);
      continue;
    }
    const ip = r.family === 4 ? 'ip' : 'ip6';
    const dir = r.kind === 'to-vip' ? 'dport' : 'sport';
    const port = r.port === 0 ? '' : ` ${r.protocol ?? 'th'} ${dir} ${r.port}`;
    const proto = r.protocol === null ? '' : ` meta l4proto ${r.protocol}`;
    const addr = `${ip} ${r.kind === 'to-vip' ? 'daddr' : 'saddr'} ${r.addr}`;
    const notLocal = r.kind === 'nat-reply' ? ' fib daddr type != local' : '';
    lines.push(`    ${addr}${proto}${port}${notLocal} drop`);
  }
  lines.push('  }');
  if (marks.length > 0) lines.push('  chain prerouting_mark {', `    type filter hook prerouting priority ${MARK_DROP_PRIORITY}; policy accept;`, ...marks, '  }');
  lines.push('}', '');
  return lines.join('\n');
}

/** What holds the host rule: the nft table, or the iptables chains (iptables-rules.ts). */
export type HostRulesBackend = 'nft' | IptablesFlavour;

export interface HostRulesInstalled {
  readonly backend: HostRulesBackend;
  /** Why nft was not used (null when it was, or when the backend was given). */
  readonly nftError: string | null;
  /** Why the IPv6 chains were not written (no IPv6 rule needed them and ip6tables failed). */
  readonly ipv6Skipped: string | null;
}

/**
 * Install (or replace) the host rule. Without `backend` (the first sync): nft, and when `nft` is
 * missing or the kernel refuses it, iptables (the host's default flavour, then iptables-legacy,
 * for an iptables-nft that the kernel refuses as well). With `backend` (later syncs): that one
 * only, so the rule never ends up in two places.
 */
export async function installHostRules(run: RunCommand, rules: readonly HostRuleSpec[], backend?: HostRulesBackend): Promise<HostRulesInstalled> {
  if (backend === 'nft') {
    await run('nft', ['-f', '-'], nftScript(rules));
    return { backend, nftError: null, ipv6Skipped: null };
  }
  if (backend !== undefined) return { backend, nftError: null, ipv6Skipped: await installIptables(run, rules, backend) };
  let nftError: string;
  try {
    await run('nft', ['-f', '-'], nftScript(rules));
    return { backend: 'nft', nftError: null, ipv6Skipped: null };
  } catch (e) {
    nftError = message(e);
  }
  const errors = [`nft: ${nftError}`];
  for (const flavour of ['iptables', 'iptables-legacy'] as const) {
    try {
      return { backend: flavour, nftError, ipv6Skipped: await installIptables(run, rules, flavour) };
    } catch (e) {
      errors.push(`${flavour}: ${message(e)}`);
      // Nothing half-written stays behind before the next flavour is tried.
      await removeIptables(run, flavour);
    }
  }
  throw new Error(`cannot install the host rule (${errors.join('; ')})`);
}

/** Write both families' chains; returns why IPv6 was skipped, or null. */
async function installIptables(run: RunCommand, rules: readonly HostRuleSpec[], flavour: IptablesFlavour): Promise<string | null> {
  let skipped: string | null = null;
  for (const family of [4, 6] as const) {
    const tools = iptablesTools(flavour, family);
    try {
      const [raw, mangle] = await Promise.all(IPT_JUMPS.map((j) => hasJump(run, tools.cmd, j.table, j.chain)));
      await run(tools.restore, ['--noflush'], iptablesScript(rules, family, !raw, !mangle));
    } catch (e) {
      // A host without IPv6 netfilter can still carry IPv4 services.
      if (family === 6 && !familyHasRules(rules, 6)) skipped = `${tools.restore}: ${message(e)}`;
      else throw e;
    }
  }
  return skipped;
}

async function hasJump(run: RunCommand, cmd: string, table: string, chain: string): Promise<boolean> {
  return run(cmd, ['-t', table, '-C', 'PREROUTING', '-j', chain]).then(
    () => true,
    () => false,
  );
}

/** Remove the host rule from where it was installed (each step may fail: it may be gone already). */
export async function removeHostRules(run: RunCommand, backend: HostRulesBackend = 'nft'): Promise<void> {
  if (backend === 'nft') await run('nft', ['delete', 'table', 'inet', NFT_TABLE]).catch(() => undefined);
  else await removeIptables(run, backend);
}

async function removeIptables(run: RunCommand, flavour: IptablesFlavour): Promise<void> {
  for (const family of [4, 6] as const) {
    const { cmd } = iptablesTools(flavour, family);
    for (const { table, chain } of IPT_JUMPS) {
      for (const args of [['-D', 'PREROUTING', '-j', chain], ['-F', chain], ['-X', chain]]) {
        await run(cmd, ['-t', table, ...args]).catch(() => undefined);
      }
    }
  }
}

/** The log line saying where the host rule lives. */
export function hostRulesDescription(r: HostRulesInstalled): string {
  const where =
    r.backend === 'nft'
      ? `nftables table inet ${NFT_TABLE}`
      : `${r.backend} chains ${IPT_CHAIN} (raw PREROUTING) and ${IPT_MARK_CHAIN} (mangle PREROUTING)`;
  const why = r.nftError === null ? '' : `; nft not usable: ${r.nftError}`;
  const v6 = r.ipv6Skipped === null ? '' : `; IPv6 chains not written: ${r.ipv6Skipped}`;
  return `host rule in ${where}${why}${v6}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
