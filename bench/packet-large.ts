/**
 * Packet-engine benchmark, bulk transfers: 20 MiB HTTP downloads and uploads through the VIP by
 * NAT (seed 003's two interfaces) and DR (one segment), against the same transfers without the
 * engine (direct to the real server), with the director's rings opened with virtio_net_hdr
 * (aggregates forwarded whole, the default) and without (every aggregate cut into MTU-sized
 * segments by the engine). Besides MB/s it reports the frames the real server's interface
 * received per MiB uploaded (~725 when aggregates arrive as 1,448-byte segments, ~16 whole) and
 * the director process's CPU time per MiB carried (all transfers, both directions).
 * Root and the native addon; namespaces `tsvs-pv-bench-*`, removed at the end.
 *
 * Run alone: node --import tsx bench/packet-large.ts [runs (default 3)]
 */
import { fileURLToPath } from 'node:url';
import { loadRingAddon } from '../src/adapters/packet/native-ring.js';
import { PacketDataplane } from '../src/adapters/packet/dataplane.js';
import { runCommand } from '../src/adapters/packet/system.js';
import { NodeClock } from '../src/adapters/node-clock.js';
import { Lab } from '../src/core/conn/testkit.js';
import type { FwdMethod } from '../src/core/model.js';
import { silentLogger } from '../src/core/ports.js';
import { privilegedSkipReason, Topology } from '../test/packet/netns.js';

const SELF = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;
const SIZE = 20 * MIB;

/** The director process (started by the benchmark inside the director's namespace). */
async function director(vnet: boolean, service: string, fwd: FwdMethod, rs: string): Promise<void> {
  const loaded = loadRingAddon();
  if (!loaded.ok) throw new Error(loaded.reason);
  const lab = new Lab();
  lab.dest(lab.service(service), rs, { fwd });
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new NodeClock(), silentLogger, { addon: loaded.addon, run: runCommand, vnetHeaders: vnet });
  await dp.sync();
  await new Promise((r) => setTimeout(r, 300));
  await dp.sync();
  const cpu0 = process.cpuUsage();
  console.log('ready');
  process.on('SIGTERM', () => {
    const used = process.cpuUsage(cpu0);
    const c = { ...dp.counters(), cpuMs: Math.round((used.user + used.system) / 1000) };
    void dp.close(0).then(() => {
      console.log(JSON.stringify(c));
      process.exit(0);
    });
  });
}

/** GET: SIZE bytes; POST: the number of bytes received. */
const SERVER = (port: number): string[] => [
  'node',
  '-e',
  `const b=Buffer.alloc(${SIZE});let x=12345;for(let i=0;i<b.length;i++){x=(x*1103515245+12345)>>>0;b[i]=x>>>24}require("http").createServer((q,s)=>{let n=0;q.on("data",d=>n+=d.length);q.on("end",()=>s.end(q.method==="POST"?String(n):b))}).listen(${port},"0.0.0.0",()=>console.log("listening"))`,
];

interface Row {
  readonly what: string;
  readonly download: number[];
  readonly upload: number[];
  /** Frames the real server's eth0 received per MiB uploaded. */
  readonly rsFramesPerMiB: number;
  readonly counters: Record<string, number> | null;
}

function rxPackets(t: Topology, ns: string): number {
  return Number(t.exec(ns, 'cat /sys/class/net/eth0/statistics/rx_packets').trim());
}

function transfers(t: Topology, client: string, rs: string, url: string, runs: number): Omit<Row, 'what' | 'counters'> {
  const download: number[] = [];
  const upload: number[] = [];
  let frames = 0;
  t.exec(client, `head -c ${SIZE} /dev/urandom > /tmp/tsvs-pv-upload.bin`);
  for (let i = 0; i < runs; i++) {
    const [code, size, secs] = t.exec(client, `curl -s --max-time 60 -o /dev/null -w "%{http_code} %{size_download} %{time_total}" ${url}`).trim().split(' ');
    if (`${code} ${size}` !== `200 ${SIZE}`) throw new Error(`download from ${url}: ${code} ${size}`);
    download.push(SIZE / Number(secs) / 1e6);
    const before = rxPackets(t, rs);
    const [got, up] = t.exec(client, `curl -s --max-time 60 --data-binary @/tmp/tsvs-pv-upload.bin -w " %{time_total}" ${url}`).trim().split(' ');
    frames += rxPackets(t, rs) - before;
    if (got !== String(SIZE)) throw new Error(`upload to ${url}: server got ${got}`);
    upload.push(SIZE / Number(up) / 1e6);
  }
  t.exec(client, 'rm -f /tmp/tsvs-pv-upload.bin');
  return { download, upload, rsFramesPerMiB: Math.round(frames / runs / (SIZE / MIB)) };
}

async function viaDirector(t: Topology, d: string, args: string[], vnet: boolean, run: () => Omit<Row, 'what' | 'counters'>, what: string): Promise<Row> {
  const log: string[] = [];
  const child = await t.start(d, ['node', '--import', 'tsx', SELF, '--director', vnet ? 'vnet' : 'plain', ...args], 'ready', log);
  try {
    const r = run();
    const out = (await t.stop(child)).trim().split('\n').at(-1) ?? '';
    return { what, ...r, counters: out.startsWith('{') ? (JSON.parse(out) as Record<string, number>) : null };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${log.join('')}`);
  }
}

async function nat(runs: number): Promise<Row[]> {
  const t = new Topology('pv-bench-nat');
  try {
    t.bridge('br-out');
    t.bridge('br-in');
    const [c, d, r1] = [t.ns('c'), t.ns('d'), t.ns('r1')];
    t.wire(c, 'eth0', 'br-out', ['192.168.1.5/24']);
    t.wire(d, 'eth0', 'br-out', ['192.168.1.2/24', '192.168.1.100/32']);
    t.wire(d, 'eth1', 'br-in', ['10.0.0.2/24']);
    t.wire(r1, 'eth0', 'br-in', ['10.0.0.11/24']);
    t.exec(d, 'sysctl -qw net.ipv4.ip_forward=1');
    t.exec(r1, 'ip route add default via 10.0.0.2');
    t.exec(c, 'ip route add 10.0.0.0/24 via 192.168.1.2');
    await t.start(r1, SERVER(8080), 'listening');
    const rows: Row[] = [{ what: 'NAT direct (kernel forwarding)', ...transfers(t, c, r1, 'http://10.0.0.11:8080/', runs), counters: null }];
    const args = ['tcp 192.168.1.100:80', 'nat', '10.0.0.11:8080'];
    for (const vnet of [true, false]) rows.push(await viaDirector(t, d, args, vnet, () => transfers(t, c, r1, 'http://192.168.1.100/', runs), `NAT via VIP, ${vnet ? 'whole (virtio_net_hdr)' : 'segmented by the engine'}`));
    return rows;
  } finally {
    t.teardown();
  }
}

async function dr(runs: number): Promise<Row[]> {
  const t = new Topology('pv-bench-dr');
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'] });
    const [c, d, r1] = [ns['c']!, ns['d']!, ns['r1']!];
    t.exec(r1, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2');
    await t.start(r1, SERVER(80), 'listening');
    const rows: Row[] = [{ what: 'DR direct', ...transfers(t, c, r1, 'http://10.0.0.11/', runs), counters: null }];
    const args = ['tcp 10.0.0.100:80', 'dr', '10.0.0.11:80'];
    for (const vnet of [true, false]) rows.push(await viaDirector(t, d, args, vnet, () => transfers(t, c, r1, 'http://10.0.0.100/', runs), `DR via VIP, ${vnet ? 'whole (virtio_net_hdr)' : 'segmented by the engine'}`));
    return rows;
  } finally {
    t.teardown();
  }
}

const fmt = (xs: readonly number[]): string => xs.map((x) => x.toFixed(0)).join(', ');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--director') {
    const [mode, service, fwd, rs] = argv.slice(1) as [string, string, FwdMethod, string];
    return director(mode === 'vnet', service, fwd, rs);
  }
  const skip = privilegedSkipReason();
  if (skip) {
    console.log(`bench:packet-large skipped: ${skip}`);
    return;
  }
  const runs = Number(argv[0] ?? 3);
  console.log(`${SIZE / MIB} MiB per transfer, ${runs} runs each (MB/s = 10^6 bytes/s by curl's time_total)`);
  console.log('| path | download MB/s | upload MB/s | RS frames/MiB up | engine: whole / cut / segments | director CPU ms/MiB |');
  for (const row of [...(await nat(runs)), ...(await dr(runs))]) {
    const c = row.counters;
    const engine = c ? `${c['gsoWhole'] ?? 0} / ${c['gsoFrames'] ?? 0} / ${c['gsoSegments'] ?? 0}` : '';
    const cpu = c ? (c['cpuMs']! / ((2 * runs * SIZE) / MIB)).toFixed(2) : '';
    console.log(`| ${row.what} | ${fmt(row.download)} | ${fmt(row.upload)} | ${row.rsFramesPerMiB} | ${engine} | ${cpu} |`);
  }
}

await main();
