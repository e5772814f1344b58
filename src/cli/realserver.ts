/**
 * `tsvs realserver start|stop|status --vip VIP [--mode dr|tun] [--dev IFACE]`: what the seeds'
 * real-server scripts do, and a check of it. DR and TUN real servers hold the VIP on `lo` as a
 * /32 (/128) so they accept packets for it, and must never answer ARP for it (arp_ignore=1) nor
 * use it as the source of their own ARP requests (arp_announce=2), or they steal the VIP from the
 * director. TUN also needs a decapsulator (tunl0, ip6tnl0 for an IPv6 VIP; here a user-space one
 * when the kernel has no ipip / ip6_tunnel module, running in the foreground until stopped) and
 * rp_filter off where tunnelled packets arrive. Exit status: 0 ok, 1 failure or problems found, 2 usage error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadRingAddon } from '../adapters/packet/native-ring.js';
import { DECAP_INNER, startDecapsulator } from '../adapters/packet/decap-runner.js';
import { runCommand, type RunCommand } from '../adapters/packet/system.js';
import { canonicalIp } from '../core/addr.js';

export const REALSERVER_USAGE = 'usage: tsvs realserver start|stop|status --vip VIP [--mode dr|tun] [--dev IFACE]\n';

export interface RealserverIo {
  readonly out: (t: string) => void;
  readonly err: (t: string) => void;
  readonly run: RunCommand;
  readonly readSysctl: (name: string) => Promise<number | null>;
  readonly writeSysctl: (name: string, value: number) => Promise<void>;
  /** Block until the process is told to stop (SIGINT/SIGTERM). */
  readonly untilStopped: () => Promise<void>;
}

const sysctlPath = (name: string): string => `/proc/sys/${name.replace(/\./g, '/')}`;

const processIo: RealserverIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  run: runCommand,
  readSysctl: async (n) => {
    try {
      return Number((await readFile(sysctlPath(n), 'utf8')).trim());
    } catch {
      return null;
    }
  },
  writeSysctl: (n, v) => writeFile(sysctlPath(n), `${v}\n`),
  untilStopped: () => new Promise((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve()))),
};

interface Args {
  readonly action: 'start' | 'stop' | 'status';
  readonly vip: string;
  readonly mode: 'dr' | 'tun';
  readonly dev: string | null;
}

export function parseRealserverArgs(argv: readonly string[]): Args | string {
  const [action, ...rest] = argv;
  if (action !== 'start' && action !== 'stop' && action !== 'status') return `unknown action '${action ?? ''}'`;
  let vip = '';
  let mode = 'dr';
  let dev: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const v = rest[i + 1];
    if ((a === '--vip' || a === '--mode' || a === '--dev') && v === undefined) return `${a} needs a value`;
    if (a === '--vip') vip = v!;
    else if (a === '--mode') mode = v!;
    else if (a === '--dev') dev = v!;
    else return `unknown option '${a}'`;
    i++;
  }
  if (!vip) return '--vip is required';
  if (canonicalIp(vip) !== vip) return `not an IP address in canonical form: ${vip}`;
  if (mode !== 'dr' && mode !== 'tun') return `--mode must be dr or tun`;
  return { action, vip, mode, dev };
}

interface AddrInfo {
  readonly ifname: string;
  readonly up: boolean;
  readonly addrs: ReadonlyArray<{ local: string; prefixlen: number; family: string }>;
}

async function addresses(run: RunCommand): Promise<AddrInfo[]> {
  const j = JSON.parse(await run('ip', ['-j', 'addr', 'show'])) as Array<{ ifname: string; operstate?: string; flags?: string[]; addr_info?: Array<{ local: string; prefixlen: number; family: string }> }>;
  return j.map((l) => ({ ifname: l.ifname, up: (l.flags ?? []).includes('UP'), addrs: l.addr_info ?? [] }));
}

/** The facts the check needs, read from the host. */
export interface RealserverFacts {
  readonly links: readonly AddrInfo[];
  /** conf.<name>.<key> for 'all' and every link: arp_ignore, arp_announce, rp_filter. */
  readonly conf: Readonly<Record<string, number | null>>;
}

/** What is wrong with this host as a real server for `vip` (empty: nothing). */
export function checkRealserver(vip: string, mode: 'dr' | 'tun', f: RealserverFacts): string[] {
  const problems: string[] = [];
  const v6 = vip.includes(':');
  const full = v6 ? 128 : 32;
  const onLo = f.links.find((l) => l.ifname === 'lo')?.addrs.find((a) => a.local === vip);
  if (!onLo) problems.push(`VIP ${vip} is not on lo: packets for it are not accepted`);
  else if (onLo.prefixlen !== full) problems.push(`VIP ${vip} is on lo as /${onLo.prefixlen}, not /${full}: lo would claim the whole prefix`);
  const eff = (dev: string, key: string): number => Math.max(f.conf[`all.${key}`] ?? 0, f.conf[`${dev}.${key}`] ?? 0);
  for (const l of f.links) {
    if (l.ifname === 'lo') continue;
    if (l.addrs.some((a) => a.local === vip)) problems.push(`VIP ${vip} is also on ${l.ifname}: this host answers for it and steals it from the director`);
    if (v6 || !l.up || !l.addrs.some((a) => a.family === 'inet')) continue;
    if (eff(l.ifname, 'arp_ignore') < 1) problems.push(`${l.ifname}: arp_ignore=${eff(l.ifname, 'arp_ignore')}: this host would answer ARP requests for the VIP and steal it from the director`);
    if (eff(l.ifname, 'arp_announce') < 2) problems.push(`${l.ifname}: arp_announce=${eff(l.ifname, 'arp_announce')}: its ARP requests could announce the VIP as their source`);
  }
  if (mode === 'tun') {
    // The kernel's fallback tunnel device of the VIP's family (created by the ipip / ip6_tunnel module).
    const kernelTunnel = v6 ? 'ip6tnl0' : 'tunl0';
    const tunnel = f.links.find((l) => l.ifname === kernelTunnel || l.ifname === DECAP_INNER);
    if (!tunnel) problems.push(`no IP-in-IP decapsulator (${kernelTunnel} or the user-space ${DECAP_INNER}): tunnelled packets are dropped`);
    else if (eff(tunnel.ifname, 'rp_filter') !== 0) problems.push(`${tunnel.ifname}: rp_filter=${eff(tunnel.ifname, 'rp_filter')}: tunnelled packets from clients fail the reverse-path check`);
  }
  return problems;
}

async function facts(io: RealserverIo): Promise<RealserverFacts> {
  const links = await addresses(io.run);
  const conf: Record<string, number | null> = {};
  for (const dev of ['all', ...links.map((l) => l.ifname)]) for (const k of ['arp_ignore', 'arp_announce', 'rp_filter']) conf[`${dev}.${k}`] = await io.readSysctl(`net.ipv4.conf.${dev}.${k}`);
  return { links, conf };
}

const ARP_SETTINGS: ReadonlyArray<[string, number]> = [
  ['net.ipv4.conf.lo.arp_ignore', 1],
  ['net.ipv4.conf.lo.arp_announce', 2],
  ['net.ipv4.conf.all.arp_ignore', 1],
  ['net.ipv4.conf.all.arp_announce', 2],
];

async function start(a: Args, io: RealserverIo): Promise<number> {
  const v6 = a.vip.includes(':');
  const prefix = `${a.vip}/${v6 ? 128 : 32}`;
  const links = await addresses(io.run);
  if (!links.find((l) => l.ifname === 'lo')?.addrs.some((x) => x.local === a.vip)) await io.run('ip', [...(v6 ? ['-6'] : []), 'addr', 'add', prefix, 'dev', 'lo']);
  io.out(`VIP ${prefix} on lo\n`);
  if (!v6) {
    for (const [k, v] of ARP_SETTINGS) await io.writeSysctl(k, v);
    io.out('arp_ignore=1 arp_announce=2 (lo, all)\n');
  }
  if (a.mode === 'dr') return 0;
  await io.writeSysctl('net.ipv4.conf.all.rp_filter', 0);
  const dev = a.dev ?? (await defaultDev(io.run)) ?? links.find((l) => l.ifname !== 'lo' && l.up)?.ifname;
  if (!dev) {
    io.err('tsvs realserver: no interface for tunnelled packets; give --dev\n');
    return 1;
  }
  await io.writeSysctl(`net.ipv4.conf.${dev}.rp_filter`, 0);
  // The tunnel end of the VIP's family: the director tunnels an IPv6 VIP's packets in IPv6
  // (next header 41) to a global address of the real server.
  const local = links.find((l) => l.ifname === dev)?.addrs.find((x) => (v6 ? x.family === 'inet6' && !x.local.startsWith('fe80:') : x.family === 'inet'))?.local;
  if (!local) {
    io.err(`tsvs realserver: ${dev} has no ${v6 ? 'global IPv6' : 'IPv4'} address for the tunnel end\n`);
    return 1;
  }
  const ring = loadRingAddon();
  if (!ring.ok) {
    io.err(`tsvs realserver: no ipip module and no user-space decapsulator: ${ring.reason}\n`);
    return 1;
  }
  const d = await startDecapsulator(ring.addon, io.run, dev, local);
  // COMPAT(keepalived): the seeds bring up tunl0 (ipip module); this kernel has none, so the
  // user-space decapsulator stands in for it and runs until stopped.
  io.out(`decapsulating IP-in-IP to ${local} on ${dev} in user space (no ipip module; outer packets kept from the host by ${d.rule}); Ctrl-C to stop\n`);
  await io.untilStopped();
  await d.stop();
  io.out(`decapsulated ${d.counters.decapsulated} packets\n`);
  return 0;
}

async function defaultDev(run: RunCommand): Promise<string | undefined> {
  const j = JSON.parse(await run('ip', ['-j', 'route', 'show', 'default'])) as Array<{ dev?: string }>;
  return j.find((r) => r.dev)?.dev;
}

async function stop(a: Args, io: RealserverIo): Promise<number> {
  const v6 = a.vip.includes(':');
  await io.run('ip', [...(v6 ? ['-6'] : []), 'addr', 'del', `${a.vip}/${v6 ? 128 : 32}`, 'dev', 'lo']).catch(() => undefined);
  if (!v6) for (const [k] of ARP_SETTINGS) await io.writeSysctl(k, 0);
  io.out(`VIP ${a.vip} removed from lo; arp_ignore and arp_announce back to 0\n`);
  return 0;
}

async function status(a: Args, io: RealserverIo): Promise<number> {
  const problems = checkRealserver(a.vip, a.mode, await facts(io));
  if (problems.length === 0) {
    io.out(`real server for ${a.vip} (${a.mode}): ok\n`);
    return 0;
  }
  io.out(`real server for ${a.vip} (${a.mode}): ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  for (const p of problems) io.out(`  - ${p}\n`);
  return 1;
}

export async function realserverCommand(argv: string[], io: RealserverIo = processIo): Promise<number> {
  const a = parseRealserverArgs(argv);
  if (typeof a === 'string') {
    io.err(`tsvs realserver: ${a}\n${REALSERVER_USAGE}`);
    return 2;
  }
  try {
    return a.action === 'start' ? await start(a, io) : a.action === 'stop' ? await stop(a, io) : await status(a, io);
  } catch (e) {
    io.err(`tsvs realserver: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
