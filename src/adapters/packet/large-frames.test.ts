// GSO/GRO aggregates in the packet data plane, over in-memory rings and a scripted `ip`/`nft`
// (seed 003's director: eth0 outside, eth1 inside): a 5,000-byte TCP frame is cut into the four
// frames a sender at MSS 1448 would have sent, each rewritten by NAT; what cannot be cut is
// dropped with its own reason; the rings are opened with slots that hold a whole aggregate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from '../../core/conn/testkit.js';
import { FakeClock } from '../../core/fake-clock.js';
import { silentLogger } from '../../core/ports.js';
import { PacketBuilder, type TcpSpec } from '../../wire/packet-builder.js';
import { PacketDataplane } from './dataplane.js';
import { LargeFrames, RING_FRAME_BYTES, RING_FRAME_COUNT } from './large-frames.js';
import { DESC_FLAG, type RingAddon, type RingHandle, type RingOpenOptions } from './native-ring.js';
import type { RunCommand } from './system.js';

const MAC = { eth0: '02:00:00:00:0d:00', eth1: '02:00:00:00:0d:01', client: '02:00:00:00:0c:05', rs1: '02:00:00:00:00:11' };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Rings in memory: the test hands frames in (with the descriptor's wire length and flags); sends are recorded. */
class Rings implements RingAddon {
  readonly opened: RingOpenOptions[] = [];
  readonly sent: Array<[string, string]> = [];
  private readonly batches = new Map<string, (block: Buffer, desc: Uint32Array, count: number) => void>();
  ringOpen(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle {
    this.opened.push(opts);
    this.batches.set(opts.ifname, onBatch);
    return { ifindex: this.opened.length, ifname: opts.ifname } as RingHandle;
  }
  ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number): number {
    for (let i = 0; i < count; i++) this.sent.push([(h as RingHandle & { ifname: string }).ifname, hex(buf.subarray(pairs[2 * i]!, pairs[2 * i]! + pairs[2 * i + 1]!))]);
    return count;
  }
  ringStats(): { packets: number; drops: number; freezes: number } {
    return { packets: 0, drops: 0, freezes: 0 };
  }
  ringClose(): void {}
  deliver(ifname: string, frame: Uint8Array, flags = 0, wire = frame.length): void {
    this.batches.get(ifname)!(Buffer.from(frame), Uint32Array.of(0, frame.length, wire, flags), 1);
  }
}

function host(): RunCommand {
  return async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    if (line.startsWith('ip -j route get 10.0.0.')) return '[{"dst":"10.0.0.11","dev":"eth1"}]';
    if (line.startsWith('ip -j route get 192.168.1.100')) return '[{"type":"local","dst":"192.168.1.100","dev":"lo"}]';
    if (line === 'ip -j addr show to 192.168.1.100') return '[{"ifname":"eth0"}]';
    if (line === 'ip -j -4 route show table main') return '[{"dst":"default","gateway":"192.168.1.1","dev":"eth0"},{"dst":"192.168.1.0/24","dev":"eth0"},{"dst":"10.0.0.0/24","dev":"eth1"}]';
    if (line === 'ip -j -6 route show table main') return '[]';
    // eth1 with jumbo frames: segments are cut for the smallest MTU (eth0's 1500).
    if (line.startsWith('ip -j -d link show dev ')) return JSON.stringify([{ address: MAC[args.at(-1) as 'eth0' | 'eth1'], mtu: args.at(-1) === 'eth1' ? 9000 : 1500 }]);
    if (line === 'ip -j -4 addr show dev eth0') return '[{"addr_info":[{"local":"192.168.1.100"},{"local":"192.168.1.2"}]}]';
    if (line === 'ip -j -4 addr show dev eth1') return '[{"addr_info":[{"local":"10.0.0.2"}]}]';
    if (line.startsWith('ip -j -6 addr show dev ')) return '[]';
    if (line.startsWith('ip -j neigh show dev ')) return args.at(-1) === 'eth0' ? `[{"dst":"192.168.1.5","lladdr":"${MAC.client}","state":["REACHABLE"]}]` : `[{"dst":"10.0.0.11","lladdr":"${MAC.rs1}","state":["REACHABLE"]},{"dst":"10.0.0.12","lladdr":"${MAC.rs1}","state":["REACHABLE"]}]`;
    if (cmd === 'nft') return '';
    throw new Error(`unexpected command: ${line}`);
  };
}

async function director(tunToo = false) {
  const lab = new Lab();
  const svc = lab.service('tcp 192.168.1.100:80');
  lab.dest(svc, '10.0.0.11:8080', { fwd: 'nat' });
  if (tunToo) lab.dest(lab.service('tcp 192.168.1.100:443'), '10.0.0.12:443', { fwd: 'tun' });
  const rings = new Rings();
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: rings, run: host() });
  await dp.sync();
  rings.sent.length = 0;
  return { rings, dp };
}

const TS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2);
const payload = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
const fromClient = (tcp: TcpSpec, body: Uint8Array, id: number): Uint8Array =>
  new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', id, df: true }).tcp(tcp).payload(body).build();
const toRs = (tcp: TcpSpec, body: Uint8Array, id: number): string =>
  hex(new PacketBuilder().eth({ src: MAC.eth1, dst: MAC.rs1 }).ipv4({ src: '192.168.1.5', dst: '10.0.0.11', id, df: true }).tcp(tcp).payload(body).build());

test('rings are opened with slots for a whole 64 KB aggregate', async () => {
  const { rings, dp } = await director();
  assert.deepEqual(rings.opened.map((o) => [o.ifname, o.frameSize, o.blockSize, o.blockCount]), [
    ['eth1', RING_FRAME_BYTES, RING_FRAME_BYTES, RING_FRAME_COUNT],
    ['eth0', RING_FRAME_BYTES, RING_FRAME_BYTES, RING_FRAME_COUNT],
  ]);
  assert.equal(RING_FRAME_BYTES * RING_FRAME_COUNT, 35_651_584);
  await dp.close(0);
});

test('NAT: a 5,000-byte aggregate (checksum left to offload) leaves eth1 as four segments at MSS 1448, each rewritten', async () => {
  const { rings, dp } = await director();
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  rings.deliver('eth0', fromClient({ ...tcp, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 1));
  const big = fromClient({ ...tcp, flags: 'PA' }, payload, 2);
  big[14 + 20 + 16] ^= 0x5a; // the pseudo-header sum only, as CHECKSUM_PARTIAL leaves it
  rings.sent.length = 0;
  rings.deliver('eth0', big, DESC_FLAG.CSUM_NOT_READY);
  const rs = { ...tcp, dport: 8080 };
  assert.deepEqual(rings.sent, [
    ['eth1', toRs({ ...rs, flags: 'A' }, payload.subarray(0, 1448), 2)],
    ['eth1', toRs({ ...rs, seq: 2448, flags: 'A' }, payload.subarray(1448, 2896), 3)],
    ['eth1', toRs({ ...rs, seq: 3896, flags: 'A' }, payload.subarray(2896, 4344), 4)],
    ['eth1', toRs({ ...rs, seq: 5344, flags: 'PA' }, payload.subarray(4344), 5)],
  ]);
  const c = dp.counters();
  // COMPAT(ipvsadm): each segment is a packet (IPVS would count the aggregate once).
  assert.deepEqual([c['gsoFrames'], c['gsoSegments'], c['natIn'], c['rxFrames'], c['truncated']], [1, 4, 5, 5, 0]);
  await dp.close(0);
});

test('with a TUN real server configured, segments keep 20 bytes for the outer header', async () => {
  const { rings, dp } = await director(true);
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  rings.deliver('eth0', fromClient({ ...tcp, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 1));
  rings.sent.length = 0;
  rings.deliver('eth0', fromClient({ ...tcp, flags: 'A' }, payload, 2));
  assert.deepEqual(rings.sent.map(([dev, f]) => [dev, f.length / 2]), [...[0, 1, 2].map(() => ['eth1', 1494]), ['eth1', 14 + 52 + 5000 - 3 * 1428]]);
  await dp.close(0);
});

test('what cannot be segmented is dropped with its reason; a frame past a ring slot counts as truncated', async () => {
  const { rings, dp } = await director();
  const udp = new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100' }).udp({ sport: 5, dport: 80 }).payload(payload).build();
  rings.deliver('eth0', udp);
  const tcp = fromClient({ sport: 1, dport: 80, flags: 'A' }, payload, 1);
  rings.deliver('eth0', tcp.subarray(0, 3000), 0, tcp.length);
  assert.deepEqual(rings.sent, []);
  const c = dp.counters();
  assert.deepEqual([c['drop:gso-not-tcp'], c['truncated'], c['gsoFrames'], c['rxFrames']], [1, 1, 1, 0]);
  await dp.close(0);
});

test('oversized: bigger than the MTU of the link it came in on, the 802.1Q tag not counted', () => {
  const f = new Uint8Array(1600);
  assert.deepEqual([1514, 1515].map((n) => LargeFrames.oversized(f, n, 1500)), [false, true]);
  f[12] = 0x81;
  f[13] = 0x00;
  assert.deepEqual([1518, 1519].map((n) => LargeFrames.oversized(f, n, 1500)), [false, true]);
  assert.equal(LargeFrames.oversized(f, 9018, 9000), false);
});
