/**
 * The native AF_PACKET rings on a real veth pair (root, in a namespace this test creates and
 * removes). The namespace needs a process inside it, so the test runs this same file there with
 * TSVS_RING_PROBE=1: that run opens the rings, sends frames and prints what each ring received.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { privilegedSkipReason } from '../../../test/packet/netns.js';
import { FrameView } from '../../core/forward/frame-view.js';
import { setPartialChecksum } from '../../core/forward/gso.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import { DESC_WORDS, ipv4ProtocolFilter, loadRingAddon, VNET, writeVnet, type RingAddon, type RingOpenOptions } from './native-ring.js';

// The pid keeps two runs of this file (two engineers, or CI beside a developer) apart.
const NS = `tsvs-pb-ring-${process.pid}`;
const SELF = fileURLToPath(import.meta.url);

interface Received {
  readonly hex: string;
  readonly wireLen: number;
  readonly pkttype: number;
  readonly inBuffer: boolean;
}

interface ProbeOut {
  readonly sent: number;
  readonly rings: Record<string, { frames: Received[]; calls: number; stats: { packets: number; drops: number } }>;
  /** Byte lengths of the v2 ring's Buffer while open and after ringClose (detached: 0). */
  readonly v2Buffer: readonly [number, number];
  /** A second ring on the sending side: it must not see the frames leaving a0. */
  readonly watchStats: { packets: number; drops: number };
  readonly vnet: VnetProbe;
}

/** Rings with virtio_net_hdr: what was sent, what arrived (with descriptor words 4 and 5). */
interface VnetProbe {
  readonly handles: readonly boolean[];
  readonly sent: number;
  readonly frames: ReadonlyArray<{ hex: string; wireLen: number; words: [number, number] }>;
  readonly refused: string;
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Five frames from a0 to a1: to a1's MAC (two sizes), broadcast, to a MAC nobody has, and IPv4 protocol 4 to a1. */
function framesFor(a1Mac: string, a0Mac: string): Uint8Array[] {
  const mac = (m: string): number[] => m.split(':').map((x) => parseInt(x, 16));
  const frame = (dst: string, len: number, fill: number, type = 0x88b5): Uint8Array => {
    const f = new Uint8Array(len).fill(fill);
    f.set([...mac(dst), ...mac(a0Mac), type >> 8, type & 0xff]); // 0x88b5: IEEE local experimental
    return f;
  };
  // Bytes 14.. of the last: 0x45 (IPv4, 20-byte header) ... protocol (byte 23 of the frame) 4.
  return [frame(a1Mac, 60, 1), frame(a1Mac, 1514, 2), frame('ff:ff:ff:ff:ff:ff', 60, 3), frame('02:00:00:00:00:99', 100, 4), frame(a1Mac, 80, 4, 0x0800)];
}

type Recording = ProbeOut['rings'][string] & { buffer: Buffer | null };

/** Open a ring on a1 that copies out every frame it is handed. */
function record(addon: RingAddon, opts: Partial<RingOpenOptions>): { handle: ReturnType<RingAddon['ringOpen']>; got: Recording } {
  const got: Recording = { frames: [], calls: 0, stats: { packets: 0, drops: 0 }, buffer: null };
  const handle = addon.ringOpen({ ifname: 'a1', blockSize: 1 << 16, blockCount: 4, ...opts }, (block, desc, count) => {
    got.calls++;
    got.buffer = block;
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      const len = desc[i * DESC_WORDS + 1]!;
      got.frames.push({ hex: hexOf(block.subarray(off, off + len)), wireLen: desc[i * DESC_WORDS + 2]!, pkttype: desc[i * DESC_WORDS + 3]! & 0xff, inBuffer: off + len <= block.length });
    }
  });
  return { handle, got };
}

function send(addon: RingAddon, tx: ReturnType<RingAddon['ringOpen']>, frames: readonly Uint8Array[]): number {
  const buf = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  const pairs = new Uint32Array(frames.length * 2);
  let at = 0;
  frames.forEach((f, i) => {
    buf.set(f, at);
    pairs[i * 2] = at;
    pairs[i * 2 + 1] = f.length;
    at += f.length;
  });
  return addon.ringSend(tx, buf, pairs, frames.length);
}

/** Wait (bounded, so a lost frame fails the assertions instead of hanging) until `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 3000 && !done(); waited += 5) await new Promise((r) => setTimeout(r, 5));
}

function finish(addon: RingAddon, r: { handle: ReturnType<RingAddon['ringOpen']>; got: Recording }): ProbeOut['rings'][string] {
  const s = addon.ringStats(r.handle);
  addon.ringClose(r.handle);
  return { frames: r.got.frames, calls: r.got.calls, stats: { packets: s.packets, drops: s.drops } };
}

async function probe(addon: RingAddon): Promise<ProbeOut> {
  const frames = framesFor(process.env['A1_MAC']!, process.env['A0_MAC']!);
  const variants: Record<string, Partial<RingOpenOptions>> = { v2: {}, v2spin: { spinUs: 50 }, v3: { tpacketVersion: 3, retireMs: 1 }, ipip: { filter: ipv4ProtocolFilter([4, 41]) }, udp: { filter: ipv4ProtocolFilter([17]) }, lbA: { fanoutGroup: 77, fanoutMode: 1 }, lbB: { fanoutGroup: 77, fanoutMode: 1 } };
  const expected: Record<string, number> = { v2: 5, v2spin: 5, v3: 5, ipip: 1, udp: 0, lbA: 1, lbB: 1 };
  const open = Object.entries(variants).map(([name, o]) => [name, record(addon, o)] as const);
  const tx = addon.ringOpen({ ifname: 'a0', blockSize: 1 << 16, blockCount: 1 }, () => undefined);
  const watch = addon.ringOpen({ ifname: 'a0', blockSize: 1 << 16, blockCount: 1 }, () => undefined);
  const sent = send(addon, tx, frames);
  await until(() => open.every(([name, r]) => r.got.frames.length >= expected[name]!));
  await new Promise((r) => setTimeout(r, 50)); // room for any frame that should not come
  const rings: ProbeOut['rings'] = {};
  const v2 = open.find(([name]) => name === 'v2')![1].got;
  const v2Open = v2.buffer?.length ?? -1;
  for (const [name, r] of open) rings[name] = finish(addon, r);
  // A TPACKET_V2 ring of four slots, two per block with 512 bytes left over at each block's end
  // (so slot 2 starts at 4096, not 3584), fed one frame at a time: it wraps around.
  const tiny = record(addon, { blockSize: 4096, blockCount: 2, frameSize: 1792 });
  for (let i = 0; i < frames.length; i++) {
    send(addon, tx, [frames[i]!]);
    await until(() => tiny.got.frames.length > i);
  }
  rings['tiny'] = finish(addon, tiny);
  const ws = addon.ringStats(watch);
  addon.ringClose(watch);
  const vnet = await probeVnet(addon, tx);
  addon.ringClose(tx);
  return { sent, rings, v2Buffer: [v2Open, v2.buffer?.length ?? -1], watchStats: { packets: ws.packets, drops: ws.drops }, vnet };
}

/** A 3,054-byte TCP aggregate from a0 to a1 (IPv4, no options), its checksum partial. */
function aggregateFor(a1Mac: string, a0Mac: string): Uint8Array {
  const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
  const f = new PacketBuilder().eth({ src: a0Mac, dst: a1Mac }).ipv4({ src: '10.9.9.1', dst: '10.9.9.2', id: 1, df: true }).tcp({ sport: 1000, dport: 2000, seq: 1, ack: 1, flags: 'A' }).payload(body).build();
  const view = new FrameView();
  view.parse(f, f.length);
  setPartialChecksum(view);
  return f;
}

/**
 * Send, from a vnetHeader ring on a0: the aggregate with a TCPV4 header (segment size 1,000,
 * NEEDS_CSUM at 34 + 16), the same with segment size 0 (the kernel refuses it: skipped), a
 * plain frame with an empty header; a vnetHeader ring on a1 records them.
 */
async function probeVnet(addon: RingAddon, plainTx: ReturnType<RingAddon['ringOpen']>): Promise<VnetProbe> {
  const [a1Mac, a0Mac] = [process.env['A1_MAC']!, process.env['A0_MAC']!];
  const frames: Array<{ hex: string; wireLen: number; words: [number, number] }> = [];
  const rx = addon.ringOpen({ ifname: 'a1', blockSize: 1 << 16, blockCount: 4, frameSize: 8192, vnetHeader: true }, (block, desc, count) => {
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      frames.push({ hex: hexOf(block.subarray(off, off + desc[i * DESC_WORDS + 1]!)), wireLen: desc[i * DESC_WORDS + 2]!, words: [desc[i * DESC_WORDS + 4]!, desc[i * DESC_WORDS + 5]!] });
    }
  });
  const tx = addon.ringOpen({ ifname: 'a0', blockSize: 1 << 16, blockCount: 1, vnetHeader: true }, () => undefined);
  const agg = aggregateFor(a1Mac, a0Mac);
  const plain = framesFor(a1Mac, a0Mac)[0]!;
  const buf = new Uint8Array(agg.length * 2 + plain.length);
  buf.set(agg, 0);
  buf.set(agg, agg.length);
  buf.set(plain, agg.length * 2);
  const pairs = Uint32Array.of(0, agg.length, agg.length, agg.length, agg.length * 2, plain.length);
  const headers = new Uint8Array(3 * VNET.HEADER_BYTES);
  const view = new DataView(headers.buffer);
  const h = { flags: VNET.F_NEEDS_CSUM, gsoType: VNET.GSO_TCPV4, gsoSize: 1000, csumStart: 34, csumOffset: 16 };
  writeVnet(view, 0, h, 54);
  writeVnet(view, 1, { ...h, gsoSize: 0 }, 54);
  writeVnet(view, 2, { flags: 0, gsoType: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 }, 0);
  const sent = addon.ringSend(tx, buf, pairs, 3, headers);
  let refused = '';
  try {
    addon.ringSend(plainTx, buf, pairs, 1, headers);
  } catch (e) {
    refused = `${(e as Error).name}: ${(e as Error).message}`;
  }
  await until(() => frames.length >= 2);
  await new Promise((r) => setTimeout(r, 50));
  const handles = [rx.vnetHeader === true, tx.vnetHeader === true, plainTx.vnetHeader === true];
  addon.ringClose(rx);
  addon.ringClose(tx);
  return { handles, sent, frames, refused };
}

function sh(args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

if (process.env['TSVS_RING_PROBE'] === '1') {
  const loaded = loadRingAddon();
  if (!loaded.ok) throw new Error(loaded.reason);
  console.log(JSON.stringify(await probe(loaded.addon)));
} else {
  const skip = privilegedSkipReason();
  const loaded = loadRingAddon();

  test('ringOpen refuses bad options with a TypeError, before touching any interface', { skip: loaded.ok ? false : loaded.reason }, () => {
    if (!loaded.ok) return;
    const open = (o: Partial<RingOpenOptions>): void => void loaded.addon.ringOpen({ ifname: 'tsvs-pb-none', ...o } as RingOpenOptions, () => undefined);
    assert.throws(() => open({ tpacketVersion: 4 as 2 }), { name: 'TypeError', message: 'tpacketVersion must be 2 or 3' });
    assert.throws(() => open({ spinUs: -1 }), { name: 'TypeError', message: 'spinUs must be between 0 and 1000000' });
    assert.throws(() => open({ blockSize: 1 << 22, blockCount: 1024 }), { name: 'TypeError', message: 'blockSize × blockCount must stay below 4 GiB' });
    const sizes = 'blockSize must be a multiple of the page size, frameSize a multiple of 16 from 128 to blockSize';
    assert.throws(() => open({ blockSize: 5000 }), { name: 'TypeError', message: sizes });
    assert.throws(() => open({ frameSize: 2040 }), { name: 'TypeError', message: sizes });
    assert.throws(() => open({ blockSize: 4096, frameSize: 8192 }), { name: 'TypeError', message: sizes });
    assert.throws(() => open({ filter: new Uint8Array(7) }), { name: 'TypeError', message: 'filter must be a Uint8Array of 1 to 4096 struct sock_filter records (8 bytes each)' });
    assert.throws(() => open({}), { code: 'ENODEV', syscall: 'if_nametoindex' });
  });

  test('ipv4ProtocolFilter: classic BPF instructions with jumps to accept/drop, host byte order (little-endian here)', () => {
    const acceptDrop = ['0600000000000000', '0600000000000400'];
    assert.equal(hexOf(ipv4ProtocolFilter([4, 41])), ['280000000c000000', '1500000300080000', '3000000017000000', '1500020004000000', '1500010029000000', ...acceptDrop].join(''));
    assert.equal(hexOf(ipv4ProtocolFilter([17])), ['280000000c000000', '1500000200080000', '3000000017000000', '1500010011000000', ...acceptDrop].join(''));
  });

  test('TPACKET_V2 (also with spinUs) and V3 rings receive every frame exactly, in order, with its packet type; a four-slot ring with room left in its blocks wraps around; filters and fanout apply; outgoing frames are not received', { skip: skip ?? false, timeout: 30_000 }, () => {
    try {
      sh(['sh', '-c', `ip netns del ${NS} 2>/dev/null; ip netns add ${NS}`]);
      const inNs = (cmd: string): string => sh(['ip', 'netns', 'exec', NS, 'sh', '-c', cmd]);
      // No IPv6 on the pair: nothing but the test's own frames crosses it.
      inNs('sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip link add a0 type veth peer name a1; ip link set a0 up; ip link set a1 up');
      const mac = (dev: string): string => (JSON.parse(inNs(`ip -j link show ${dev}`)) as { address: string }[])[0]!.address;
      const [a0, a1] = [mac('a0'), mac('a1')];
      const out = JSON.parse(sh(['ip', 'netns', 'exec', NS, process.execPath, '--import', 'tsx', SELF], { TSVS_RING_PROBE: '1', A0_MAC: a0, A1_MAC: a1 }).trim()) as ProbeOut;
      const want = framesFor(a1, a0).map((f, i) => ({ hex: hexOf(f), wireLen: f.length, pkttype: [0, 0, 1, 3, 0][i]!, inBuffer: true }));
      assert.equal(out.sent, 5);
      for (const name of ['v2', 'v2spin', 'v3', 'tiny']) {
        const r = out.rings[name]!;
        assert.deepEqual(r.frames, want, name);
        assert.ok(r.calls >= 1 && r.calls <= 5, `${name}: ${r.calls} calls`);
        assert.deepEqual(r.stats, { packets: 5, drops: 0 }, name);
      }
      // The kernel ran the filters: only the IPv4 protocol-4 frame reached the IP-in-IP ring.
      assert.deepEqual(out.rings['ipip']!.frames, [want[4]]);
      assert.deepEqual(out.rings['ipip']!.stats, { packets: 1, drops: 0 });
      assert.deepEqual(out.rings['udp']!.frames, []);
      // PACKET_FANOUT (round robin): the two rings of the group share the frames, each frame once.
      const [lbA, lbB] = [out.rings['lbA']!.frames, out.rings['lbB']!.frames];
      assert.ok(lbA.length > 0 && lbB.length > 0, `split ${lbA.length}/${lbB.length}`);
      assert.deepEqual([...lbA, ...lbB].map((f) => f.hex).sort(), want.map((f) => f.hex).sort());
      // TPACKET_V2 hands over the whole ring (1 << 16 × 4 bytes); once closed, a kept reference reads as empty.
      assert.deepEqual(out.v2Buffer, [1 << 18, 0]);
      // PACKET_IGNORE_OUTGOING: another ring on a0 saw none of the frames leaving a0.
      assert.deepEqual(out.watchStats, { packets: 0, drops: 0 });
      // virtio_net_hdr: the aggregate crossed the veth whole, with its GSO type and size and the
      // partial checksum's place; the one with segment size 0 was refused and skipped; a plain
      // frame comes with an empty header.
      const v = out.vnet;
      assert.deepEqual(v.handles, [true, true, false]);
      assert.equal(v.sent, 2);
      assert.deepEqual(v.frames, [
        { hex: hexOf(aggregateFor(a1, a0)), wireLen: 3054, words: [VNET.F_NEEDS_CSUM | (VNET.GSO_TCPV4 << 8) | (1000 << 16), 34 | (16 << 16)] },
        { hex: want[0]!.hex, wireLen: 60, words: [0, 0] },
      ]);
      assert.equal(v.refused, 'TypeError: vnet headers given for a ring opened without vnetHeader');
    } finally {
      sh(['sh', '-c', `ip netns del ${NS} 2>/dev/null || true`]);
    }
  });
}
