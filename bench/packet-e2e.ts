/**
 * Packet-engine benchmark, part 2: end to end through network namespaces (root, native addon).
 * One bridged segment per forwarding method with a client, the director and two real servers
 * running node HTTP servers. In the same namespaces and with the same wrk settings, each run
 * measures in turn: straight to one real server (one wrk thread reaches one address), tsvs
 * through the VIP, and the kernel's nftables equivalent (bench/packet-e2e-nft.ts). The VIP paths
 * spread the same 16 connections over both real servers, so ×nftables is the like-for-like
 * ratio. (Two wrk processes, one per real server, make no fair "direct to both" on a shared
 * machine: two client threads also get a bigger share of the CPUs.) Paths alternate within a run
 * so that load from other work on the machine spreads over all of them; figures are medians.
 *
 * Run alone: node --import tsx bench/packet-e2e.ts [seconds-per-measurement] [runs]
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from '../test/packet/netns.js';
import { nftEquivalent, type NftTopology } from './packet-e2e-nft.js';

const DIRECTOR = fileURLToPath(new URL('../test/packet/ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('../test/packet/ns-realserver.ts', import.meta.url));
const WRK = '-t1 -c16';

export type Fwd = 'dr' | 'nat' | 'tun';
export type PathKind = 'direct' | 'tsvs' | 'nftables';

/** One wrk measurement: throughput at 16 connections, and latency with a single connection. */
export interface E2eSample {
  readonly rps: number;
  readonly p99Ms: number;
  /** Median latency of one connection alone (wrk -c1): the per-request cost of the path. */
  readonly p50OneMs: number;
  readonly errors: string;
}

export interface E2eRow {
  readonly fwd: Fwd;
  readonly path: PathKind;
  readonly samples: readonly E2eSample[];
  /** tsvs only: the director's counters of its last run (ring drops, failed sends). */
  readonly counters?: Readonly<Record<string, number>>;
}

export interface E2eResult {
  readonly seconds: number;
  readonly rows: readonly E2eRow[];
}

function latencyMs(out: string, pct: string): number {
  const m = new RegExp(`${pct}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1);
}

const rpsOf = (out: string): number => Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'NaN');
const errorsOf = (outs: readonly string[]): string => outs.map((o) => /Socket errors:[^\n]*|Non-2xx[^\n]*/.exec(o)?.[0] ?? '').filter(Boolean).join('; ');

function wrk(t: Topology, ns: string, url: string, seconds: number): E2eSample {
  const out = t.exec(ns, `wrk ${WRK} -d${seconds}s --latency ${url}`);
  const one = t.exec(ns, `wrk -t1 -c1 -d1s --latency ${url}`);
  return { rps: rpsOf(out), p99Ms: latencyMs(out, '99'), p50OneMs: latencyMs(one, '50'), errors: errorsOf([out, one]) };
}

interface Bench {
  readonly t: Topology;
  readonly ns: Record<string, string>;
  /** Where wrk goes for the direct row. */
  readonly direct: string;
}

/** The namespaces of one forwarding method (the same for all three paths). */
async function build(fwd: Fwd): Promise<Bench> {
  const t = new Topology(`pb-${fwd}`);
  const nat = fwd === 'nat';
  const ns = t.segment(
    nat
      ? { c: ['192.168.1.5/24', '10.0.0.5/24'], d: ['10.0.0.2/24', '192.168.1.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] }
      : { c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] },
  );
  // As in the seeds: the director does not tell the real servers about shorter paths.
  t.exec(ns['d']!, 'sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0');
  if (nat) {
    // VIP traffic leaves the client from 192.168.1.5, whose replies only the director can carry
    // back; the direct row uses 10.0.0.5, on the real servers' own subnet.
    t.exec(ns['c']!, 'ip route add 10.0.0.100/32 dev eth0 src 192.168.1.5');
    for (const r of ['r1', 'r2']) t.exec(ns[r]!, 'ip route add default via 10.0.0.2');
  }
  for (const r of ['r1', 'r2']) {
    if (fwd === 'dr') t.exec(ns[r]!, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2');
    if (fwd === 'tun') await t.start(ns[r]!, ['node', '--import', 'tsx', REALSERVER, 'start', '--vip', '10.0.0.100', '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop');
    await t.start(ns[r]!, HTTP_SERVER(r, 80), 'listening');
  }
  return { t, ns, direct: 'http://10.0.0.11/' };
}

async function viaTsvs(b: Bench, fwd: Fwd, seconds: number): Promise<{ sample: E2eSample; counters: Record<string, number> }> {
  const director = await b.t.start(b.ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', fwd, '10.0.0.11:80', '10.0.0.12:80'], 'ready');
  const sample = wrk(b.t, b.ns['c']!, 'http://10.0.0.100/', seconds);
  const last = (await b.t.stop(director)).trim().split('\n').at(-1) ?? '{}';
  const counters = (JSON.parse(last) as { counters?: Record<string, number> }).counters ?? {};
  return { sample, counters };
}

function viaNft(b: Bench, nft: NftTopology, seconds: number): E2eSample {
  nft.install();
  try {
    return wrk(b.t, b.ns['c']!, 'http://10.0.0.100/', seconds);
  } finally {
    nft.remove();
  }
}

async function mode(fwd: Fwd, seconds: number, runs: number): Promise<E2eRow[]> {
  const b = await build(fwd);
  try {
    const nft = nftEquivalent(fwd, b.t, b.ns);
    const direct: E2eSample[] = [];
    const tsvs: E2eSample[] = [];
    const kernel: E2eSample[] = [];
    let counters: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      direct.push(wrk(b.t, b.ns['c']!, b.direct, seconds));
      const r = await viaTsvs(b, fwd, seconds);
      tsvs.push(r.sample);
      counters = r.counters;
      if (nft) kernel.push(viaNft(b, nft, seconds));
    }
    const rows: E2eRow[] = [
      { fwd, path: 'direct', samples: direct },
      { fwd, path: 'tsvs', samples: tsvs, counters },
    ];
    if (nft) rows.push({ fwd, path: 'nftables', samples: kernel });
    return rows;
  } finally {
    b.t.teardown();
  }
}

export async function runE2e(seconds = 3, runs = 3): Promise<E2eResult | string> {
  const skip = privilegedSkipReason();
  if (skip) return skip;
  const rows: E2eRow[] = [];
  for (const fwd of ['dr', 'nat', 'tun'] as const) rows.push(...(await mode(fwd, seconds, runs)));
  return { seconds, rows };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const NFT_LABEL: Record<Fwd, string> = { dr: 'netdev ingress, ether daddr by jhash, fwd', nat: 'numgen inc mod 2 DNAT', tun: 'none: nftables has no IP-in-IP encapsulation' };

function label(r: E2eRow): string {
  if (r.path === 'direct') return `${r.fwd}: direct to one real server`;
  if (r.path === 'tsvs') return `${r.fwd}: tsvs via VIP`;
  return `${r.fwd}: nftables (${NFT_LABEL[r.fwd]})`;
}

/**
 * A row's req/s over another path's, run by run (the paths of one run are measured back to
 * back, so load from elsewhere affects both alike): the median of those ratios [min–max].
 */
function pairedRatio(r: E2eRow, other: E2eRow | undefined): string {
  if (!other) return '-';
  const q = r.samples.map((s, i) => s.rps / (other.samples[i]?.rps ?? Number.NaN)).filter(Number.isFinite);
  if (q.length === 0) return '-';
  return `${median(q).toFixed(2)}× [${Math.min(...q).toFixed(2)}–${Math.max(...q).toFixed(2)}]`;
}

/** The table: medians with min–max, and each path's ratios to direct and to nftables. */
export function formatE2e(res: E2eResult): string {
  const lines = [
    `HTTP through network namespaces: wrk ${WRK} -d${res.seconds}s (p99 at 16 connections; p50 with one connection, wrk -c1 -d1s), ` +
      `node http servers; median of ${res.rows[0]?.samples.length ?? 0} runs [min–max]; ratios per run, then their median [min–max]`,
    '| path | req/s | p99 ms | p50 ms, 1 conn | ×direct | ×nftables |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of res.rows) {
    const rps = r.samples.map((s) => s.rps);
    const peer = (p: PathKind): E2eRow | undefined => res.rows.find((x) => x.fwd === r.fwd && x.path === p);
    const errs = r.samples.map((s) => s.errors).filter(Boolean);
    const vsNft = r.path !== 'tsvs' ? '-' : r.fwd === 'tun' ? 'n/a' : pairedRatio(r, peer('nftables'));
    lines.push(
      `| ${label(r)} | ${median(rps).toFixed(0)} [${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)}]${errs.length ? ` (${errs.join('; ')})` : ''} | ` +
        `${median(r.samples.map((s) => s.p99Ms)).toFixed(2)} | ${median(r.samples.map((s) => s.p50OneMs)).toFixed(3)} | ` +
        `${r.path === 'direct' ? '1.00×' : pairedRatio(r, peer('direct'))} | ${vsNft} |`,
    );
  }
  const ctr = res.rows.filter((r) => r.counters).map((r) => `${r.fwd}: ringDrops ${r.counters!['ringDrops'] ?? '?'}, txFailed ${r.counters!['txFailed'] ?? '?'}, truncated ${r.counters!['truncated'] ?? '?'}`);
  lines.push('', `director counters (last tsvs run of each mode): ${ctr.join('; ')}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const res = await runE2e(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 3));
  console.log(typeof res === 'string' ? `not run — ${res}` : formatE2e(res));
}
