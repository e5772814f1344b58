// The real server's user-space decapsulator over an in-memory ring addon and a scripted `ip`/`nft`:
// frames past a ring slot are counted, inner TCP aggregates bigger than the veth MTU are cut into
// segments, other oversized inner packets are dropped and counted, and a failed start removes
// what it had set up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { macBytes } from '../../wire/bytes.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import { decapBatch, DECAP_OUTER, startDecapsulator, type DecapCounters } from './decap-runner.js';
import { DESC_WORDS, PKTTYPE, type RingAddon, type RingHandle, type RingOpenOptions } from './native-ring.js';
import { RING_BLOCK_BYTES, RING_BLOCK_COUNT, RING_FRAME_BYTES } from './large-frames.js';
import type { RunCommand } from './system.js';

const MAC = { director: '02:00:00:00:00:d1', eth0: '02:00:00:00:00:01', dec0: '02:00:00:00:00:0a', dec1: '02:00:00:00:00:0b' };

class Rings implements RingAddon {
  readonly opened: RingOpenOptions[] = [];
  readonly closed: string[] = [];
  readonly sent: string[] = [];
  /** Make the n-th ringOpen (0-based) throw. */
  failOpen = -1;
  ringOpen(opts: RingOpenOptions): RingHandle {
    if (this.opened.length === this.failOpen) throw new Error('setsockopt(PACKET_RX_RING): Cannot allocate memory');
    this.opened.push(opts);
    return { ifindex: this.opened.length, ifname: opts.ifname } as RingHandle;
  }
  ringSend(_h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number): number {
    for (let i = 0; i < count; i++) this.sent.push(Buffer.from(buf.subarray(pairs[2 * i]!, pairs[2 * i]! + pairs[2 * i + 1]!)).toString('hex'));
    return count;
  }
  ringStats(): { packets: number; drops: number; freezes: number } {
    return { packets: 0, drops: 0, freezes: 0 };
  }
  ringClose(h: RingHandle): void {
    this.closed.push((h as RingHandle & { ifname: string }).ifname);
  }
}

const counters = (): DecapCounters => ({ decapsulated: 0, skipped: 0, sendFailed: 0, truncated: 0, segmented: 0, oversizedDropped: 0 });
const target = { local: 0x0a00000b, local6: null, innerMac: macBytes(MAC.dec1), outerMac: macBytes(MAC.dec0), mtu: 1500 };
const outer = (inner: Uint8Array): Uint8Array =>
  new PacketBuilder().eth({ src: MAC.director, dst: MAC.eth0 }).ipv4({ src: '10.0.0.2', dst: '10.0.0.11', protocol: 4 }).payload(inner).build();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** One frame per descriptor; `wire` longer than the frame: the kernel cut it short. */
function deliver(onFrames: (block: Uint8Array, desc: Uint32Array, count: number) => void, frames: ReadonlyArray<{ frame: Uint8Array; wire?: number }>): void {
  const block = Buffer.concat(frames.map((f) => Buffer.from(f.frame)));
  const desc = new Uint32Array(frames.length * DESC_WORDS);
  let off = 0;
  frames.forEach((f, i) => {
    desc.set([off, f.frame.length, f.wire ?? f.frame.length, PKTTYPE.HOST], i * DESC_WORDS);
    off += f.frame.length;
  });
  onFrames(block, desc, frames.length);
}

test('an inner TCP aggregate bigger than the decap MTU goes in as MTU-sized segments; a frame cut short by the ring is counted', () => {
  const rings = new Rings();
  const c = counters();
  const onFrames = decapBatch(rings, { ifindex: 1 }, target, c);
  const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1 } as const;
  const ip = (id: number) => ({ src: '192.168.1.5', dst: '10.0.0.100', id, df: true });
  const inner = new PacketBuilder().ipv4(ip(5)).tcp({ ...tcp, flags: 'PA' }).payload(body).build();
  const small = new PacketBuilder().ipv4(ip(9)).tcp({ ...tcp, flags: 'A' }).build();
  deliver(onFrames, [{ frame: outer(inner) }, { frame: outer(small) }, { frame: outer(small).subarray(0, 60), wire: 2000 }]);
  const seg = (id: number, seq: number, flags: 'A' | 'PA', from: number, to: number) =>
    hex(new PacketBuilder().eth({ src: MAC.dec0, dst: MAC.dec1 }).ipv4(ip(id)).tcp({ ...tcp, seq, flags }).payload(body.subarray(from, to)).build());
  assert.deepEqual(rings.sent, [
    seg(5, 1000, 'A', 0, 1460),
    seg(6, 2460, 'A', 1460, 2920),
    seg(7, 3920, 'PA', 2920, 3000),
    hex(new PacketBuilder().eth({ src: MAC.dec0, dst: MAC.dec1 }).ipv4(ip(9)).tcp({ ...tcp, flags: 'A' }).build()),
  ]);
  assert.deepEqual(c, { decapsulated: 4, skipped: 0, sendFailed: 0, truncated: 1, segmented: 1, oversizedDropped: 0 });
});

test('an oversized inner packet that is not TCP is dropped and counted; a send that throws counts as failed', () => {
  const rings = new Rings();
  const c = counters();
  const onFrames = decapBatch(rings, { ifindex: 1 }, target, c);
  const udp = new PacketBuilder().ipv4({ src: '192.168.1.5', dst: '10.0.0.100' }).udp({ sport: 5, dport: 53 }).payload(new Uint8Array(2000)).build();
  deliver(onFrames, [{ frame: outer(udp) }]);
  assert.deepEqual([rings.sent, c.oversizedDropped, c.decapsulated], [[], 1, 0]);
  rings.ringSend = () => {
    throw new Error('sendmmsg: No such device');
  };
  const small = new PacketBuilder().ipv4({ src: '192.168.1.5', dst: '10.0.0.100' }).udp({ sport: 5, dport: 53 }).build();
  deliver(onFrames, [{ frame: outer(small) }]);
  assert.deepEqual([c.sendFailed, c.decapsulated], [1, 0]);
});

/** `ip`, `sysctl` and `nft` as on a host where everything works (calls recorded). */
function host(calls: string[], failing = ''): RunCommand {
  return async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push(line);
    if (failing && line.startsWith(failing)) throw new Error(`${cmd}: failed`);
    if (line === 'ip -j -d link show dev tsvs-dec0') return `[{"address":"${MAC.dec0}","mtu":1500,"ifindex":7}]`;
    if (line === 'ip -j -d link show dev tsvs-dec1') return `[{"address":"${MAC.dec1}","mtu":1500,"ifindex":8}]`;
    return '';
  };
}

test('the receive ring has slots for a whole 64 KB outer packet', async () => {
  const rings = new Rings();
  const d = await startDecapsulator(rings, host([]), 'eth0', '10.0.0.11');
  assert.deepEqual(rings.opened.map((o) => [o.ifname, o.frameSize, o.blockSize, o.blockCount]), [
    [DECAP_OUTER, undefined, 1 << 16, 2],
    ['eth0', RING_FRAME_BYTES, RING_BLOCK_BYTES, RING_BLOCK_COUNT],
  ]);
  await d.stop();
  assert.deepEqual(rings.closed, ['eth0', DECAP_OUTER]);
});

test('a failure after the veth pair exists removes the rings, the rule and the pair, and is rethrown', async () => {
  const rings = new Rings();
  rings.failOpen = 1; // the receive ring on eth0
  const calls: string[] = [];
  await assert.rejects(startDecapsulator(rings, host(calls), 'eth0', '10.0.0.11'), /PACKET_RX_RING/);
  assert.deepEqual(rings.closed, [DECAP_OUTER]);
  assert.deepEqual(calls.slice(-2), ['nft delete table inet tsvs_realserver', 'ip link del tsvs-dec0']);
  // Reading the veth's MAC fails: the rule installed just before goes too; no ring was opened.
  const rings2 = new Rings();
  const calls2: string[] = [];
  await assert.rejects(startDecapsulator(rings2, host(calls2, 'ip -j -d link show dev tsvs-dec0'), 'eth0', '10.0.0.11'), /ip: failed/);
  assert.deepEqual([rings2.opened, rings2.closed], [[], []]);
  assert.deepEqual(calls2.slice(-3), ['ip -j -d link show dev tsvs-dec0', 'nft delete table inet tsvs_realserver', 'ip link del tsvs-dec0']);
  // The link set up fails: no rule to remove, the pair is deleted.
  const calls3: string[] = [];
  await assert.rejects(startDecapsulator(new Rings(), host(calls3, 'ip link set tsvs-dec0 up'), 'eth0', '10.0.0.11'), /ip: failed/);
  assert.deepEqual(calls3.slice(-2), ['ip link set tsvs-dec0 up', 'ip link del tsvs-dec0']);
});
