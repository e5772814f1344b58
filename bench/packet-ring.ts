/**
 * Packet-engine benchmark, part 3: what the native receive ring alone takes in under a flood
 * (root, native addon). In a namespace with a veth pair, one process sends 60-byte frames on a0
 * as fast as `ringSend` goes (batches of 256) while another counts what its ring on a1 hands to
 * JavaScript (no forwarding work), for TPACKET_V2 (the default: a frame at a time, no waiting)
 * and TPACKET_V3 (blocks: fewer, larger batches, but a lone frame waits for the retire timeout).
 * Frames the veth drops before the ring (its backlog is full while the receiver runs) are not
 * counted anywhere; "sent" is what the kernel accepted from the sender.
 *
 * Run alone: node --import tsx bench/packet-ring.ts [seconds] [runs]
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadRingAddon, type RingOpenOptions } from '../src/adapters/packet/native-ring.js';
import { privilegedSkipReason } from '../test/packet/netns.js';

const SELF = fileURLToPath(import.meta.url);
const NS = `tsvs-pb-flood-${process.pid}`;

export interface RingFloodRow {
  readonly ring: string;
  readonly sent: number;
  readonly received: number;
  readonly calls: number;
  readonly seconds: number;
}

const VARIANTS: Record<string, Partial<RingOpenOptions>> = { 'TPACKET_V2': {}, 'TPACKET_V3, retireMs 1': { tpacketVersion: 3, retireMs: 1 } };

function receiver(opts: Partial<RingOpenOptions>, ms: number): void {
  const l = loadRingAddon();
  if (!l.ok) throw new Error(l.reason);
  let frames = 0;
  let calls = 0;
  const h = l.addon.ringOpen({ ifname: 'a1', ...opts }, (_b, _d, n) => {
    frames += n;
    calls++;
  });
  console.log('ready');
  setTimeout(() => {
    l.addon.ringClose(h);
    console.log(JSON.stringify({ frames, calls }));
  }, ms);
}

function sender(ms: number): void {
  const l = loadRingAddon();
  if (!l.ok) throw new Error(l.reason);
  const h = l.addon.ringOpen({ ifname: 'a0', blockSize: 4096, blockCount: 1 }, () => undefined);
  const n = 256;
  const buf = new Uint8Array(60 * n).fill(0xee);
  const pairs = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) {
    buf.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5], i * 60);
    pairs[i * 2] = i * 60;
    pairs[i * 2 + 1] = 60;
  }
  let sent = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) sent += l.addon.ringSend(h, buf, pairs, n);
  l.addon.ringClose(h);
  console.log(JSON.stringify({ sent }));
}

function inNs(args: string[]): string[] {
  return ['ip', 'netns', 'exec', NS, process.execPath, '--import', 'tsx', SELF, ...args];
}

async function once(opts: Partial<RingOpenOptions>, seconds: number): Promise<{ sent: number; frames: number; calls: number }> {
  // The receiver counts a little longer than the sender sends, so it sees the tail of the flood.
  const [cmd, ...rest] = inNs(['receive', JSON.stringify(opts), String(seconds * 1000 + 300)]);
  const rx = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    rx.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('ready')) resolve();
    });
    rx.on('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  const [scmd, ...srest] = inNs(['send', String(seconds * 1000)]);
  const sent = (JSON.parse(execFileSync(scmd!, srest, { encoding: 'utf8' })) as { sent: number }).sent;
  await new Promise((resolve) => rx.on('exit', resolve));
  const got = JSON.parse(out.trim().split('\n').at(-1)!) as { frames: number; calls: number };
  return { sent, ...got };
}

export async function runRingFlood(seconds = 2, runs = 2): Promise<RingFloodRow[] | string> {
  const skip = privilegedSkipReason();
  if (skip) return skip;
  const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
  sh(`ip netns del ${NS} 2>/dev/null; ip netns add ${NS}`);
  try {
    sh(`ip netns exec ${NS} sh -c 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link add a0 type veth peer name a1; ip link set a0 up; ip link set a1 up'`);
    const rows: RingFloodRow[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [ring, opts] of Object.entries(VARIANTS)) {
        const r = await once(opts, seconds);
        rows.push({ ring, sent: r.sent, received: r.frames, calls: r.calls, seconds });
      }
    }
    return rows;
  } finally {
    sh(`ip netns del ${NS} 2>/dev/null || true`);
  }
}

export function formatRingFlood(rows: readonly RingFloodRow[]): string {
  const lines = ['| ring | sent (kframes/s) | received (kframes/s) | frames per JS call |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.ring} | ${(r.sent / r.seconds / 1000).toFixed(0)} | ${(r.received / r.seconds / 1000).toFixed(0)} | ${(r.received / Math.max(1, r.calls)).toFixed(1)} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [role, a, b] = process.argv.slice(2);
  if (role === 'receive') receiver(JSON.parse(a!) as Partial<RingOpenOptions>, Number(b));
  else if (role === 'send') sender(Number(a));
  else {
    const rows = await runRingFlood(Number(role ?? 2), Number(a ?? 2));
    console.log(typeof rows === 'string' ? `not run — ${rows}` : formatRingFlood(rows));
  }
}
