// GSO/GRO aggregates in the packet data plane, over in-memory rings and a scripted `ip`/`nft`
// (seed 003's director: eth0 outside, eth1 inside): a 5,000-byte TCP frame is cut into the four
// frames a sender at MSS 1448 would have sent, each rewritten by NAT; what cannot be cut is
// dropped with its own reason; the rings are opened with slots that hold a whole aggregate.
// With virtio_net_hdr on the rings, DR/NAT aggregates leave whole with the header that has the
// kernel segment them (partial checksum, the sender's segment size), in order with other frames;
// TUN and links whose MTU the segments do not fit still get them cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from '../../core/conn/testkit.js';
import { FakeClock } from '../../core/fake-clock.js';
import { silentLogger, type Logger } from '../../core/ports.js';
import { PacketBuilder, type TcpSpec } from '../../wire/packet-builder.js';
import { PacketDataplane } from './dataplane.js';
import { LargeFrames, RING_BLOCK_BYTES, RING_BLOCK_COUNT, RING_FRAME_BYTES, RING_FRAME_COUNT } from './large-frames.js';
import { DESC_FLAG, VNET, type RingAddon, type RingHandle, type RingOpenOptions } from './native-ring.js';
import type { RunCommand } from './system.js';

const MAC = { eth0: '02:00:00:00:0d:00', eth1: '02:00:00:00:0d:01', client: '02:00:00:00:0c:05', rs1: '02:00:00:00:00:11' };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Rings in memory: the test hands frames in (with the descriptor's wire length, flags and
 * virtio_net_hdr words); sends are recorded, with the virtio_net_hdr given (hex) when `vnet`.
 */
class Rings implements RingAddon {
  readonly opened: RingOpenOptions[] = [];
  readonly sent: Array<[string, string]> = [];
  readonly headers: string[] = [];
  private readonly batches = new Map<string, (block: Buffer, desc: Uint32Array, count: number) => void>();
  /** `vnet`: rings take vnetHeader; 'refused': opening one with it fails as on a kernel without it. */
  constructor(private readonly vnet: boolean | 'refused' = false) {}
  ringOpen(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle {
    this.opened.push(opts);
    if (this.vnet === 'refused' && opts.vnetHeader === true) throw Object.assign(new Error('setsockopt(PACKET_VNET_HDR): Invalid argument'), { code: 'EINVAL' });
    this.batches.set(opts.ifname, onBatch);
    return { ifindex: this.opened.length, ifname: opts.ifname, vnetHeader: this.vnet === true && opts.vnetHeader === true } as RingHandle;
  }
  ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number, vnet?: Uint8Array): number {
    for (let i = 0; i < count; i++) {
      this.sent.push([(h as RingHandle & { ifname: string }).ifname, hex(buf.subarray(pairs[2 * i]!, pairs[2 * i]! + pairs[2 * i + 1]!))]);
      this.headers.push(vnet ? hex(vnet.subarray(i * VNET.HEADER_BYTES, (i + 1) * VNET.HEADER_BYTES)) : '');
    }
    return count;
  }
  /** Several frames in one batch, each with its virtio_net_hdr words (descriptor words 4 and 5). */
  deliverBatch(ifname: string, frames: ReadonlyArray<{ frame: Uint8Array; flags?: number; vnet?: readonly [number, number] }>): void {
    const block = Buffer.concat(frames.map((f) => f.frame));
    const desc = new Uint32Array(frames.length * 6);
    let off = 0;
    frames.forEach((f, i) => {
      desc.set([off, f.frame.length, f.frame.length, f.flags ?? 0, ...(f.vnet ?? [0, 0])], i * 6);
      off += f.frame.length;
    });
    this.batches.get(ifname)!(block, desc, frames.length);
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
    if (line === 'ip -j -4 addr show dev eth0') return '[{"addr_info":[{"local":"192.168.1.100","scope":"global"},{"local":"192.168.1.2","scope":"global"}]}]';
    if (line === 'ip -j -4 addr show dev eth1') return '[{"addr_info":[{"local":"10.0.0.2","scope":"global"}]}]';
    if (line.startsWith('ip -j -6 addr show dev ')) return '[]';
    if (line.startsWith('ip -j neigh show dev ')) return args.at(-1) === 'eth0' ? `[{"dst":"192.168.1.5","lladdr":"${MAC.client}","state":["REACHABLE"]}]` : `[{"dst":"10.0.0.11","lladdr":"${MAC.rs1}","state":["REACHABLE"]},{"dst":"10.0.0.12","lladdr":"${MAC.rs1}","state":["REACHABLE"]}]`;
    if (cmd === 'nft') return '';
    throw new Error(`unexpected command: ${line}`);
  };
}

async function director(tunToo = false, vnet: boolean | 'refused' = false, log: Logger = silentLogger) {
  const lab = new Lab();
  const svc = lab.service('tcp 192.168.1.100:80');
  lab.dest(svc, '10.0.0.11:8080', { fwd: 'nat' });
  if (tunToo) lab.dest(lab.service('tcp 192.168.1.100:443'), '10.0.0.12:443', { fwd: 'tun' });
  const rings = new Rings(vnet);
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), log, { addon: rings, run: host() });
  await dp.sync();
  rings.sent.length = 0;
  rings.headers.length = 0;
  return { rings, dp, lab };
}

const TS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2);
const payload = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
const fromClient = (tcp: TcpSpec, body: Uint8Array, id: number): Uint8Array =>
  new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', id, df: true }).tcp(tcp).payload(body).build();
const toRs = (tcp: TcpSpec, body: Uint8Array, id: number): string =>
  hex(new PacketBuilder().eth({ src: MAC.eth1, dst: MAC.rs1 }).ipv4({ src: '192.168.1.5', dst: '10.0.0.11', id, df: true, ttl: 63 }).tcp(tcp).payload(body).build());

test('rings are opened with slots for a whole 64 KB aggregate', async () => {
  const { rings, dp } = await director();
  assert.deepEqual(rings.opened.map((o) => [o.ifname, o.frameSize, o.blockSize, o.blockCount]), [
    ['eth1', 69_632, 1_048_576, 35],
    ['eth0', 69_632, 1_048_576, 35],
  ]);
  // 15 slots per 1 MiB block (a power of two: the kernel's 2^n-page blocks waste nothing), 525 in all.
  assert.deepEqual([RING_FRAME_BYTES, RING_BLOCK_BYTES, RING_BLOCK_COUNT, RING_FRAME_COUNT], [69_632, 1_048_576, 35, 525]);
  assert.equal(RING_BLOCK_BYTES * RING_BLOCK_COUNT, 36_700_160);
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

/** Descriptor words 4 and 5 of an aggregate: NEEDS_CSUM, `gsoType`, `gsoSize`, checksum from the TCP header at 34. */
const gso = (gsoType: number, gsoSize: number): [number, number] => [VNET.F_NEEDS_CSUM | (gsoType << 8) | (gsoSize << 16), 34 | (16 << 16)];
const fromRs = (tcp: TcpSpec, body: Uint8Array, id: number): Uint8Array =>
  new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.eth1 }).ipv4({ src: '10.0.0.11', dst: '192.168.1.5', id, df: true }).tcp(tcp).payload(body).build();
/** `frame` (hex) with the TCP checksum field (after a 20-byte IPv4 header) set to `sum` (4 hex digits). */
const withTcpSum = (frame: string, sum: string): string => frame.slice(0, 2 * 50) + sum + frame.slice(2 * 52);

test('virtio_net_hdr: NAT aggregates leave whole both ways, checksum partial, with the segment size and ECN bit they came with', async () => {
  const { rings, dp, lab } = await director(false, true);
  assert.ok(rings.opened.every((o) => o.vnetHeader === true));
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  rings.deliver('eth0', fromClient({ ...tcp, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 1));
  rings.sent.length = 0;
  rings.headers.length = 0;
  const big = fromClient({ ...tcp, flags: 'PA' }, payload, 2);
  rings.deliverBatch('eth0', [{ frame: big, flags: DESC_FLAG.CSUM_NOT_READY, vnet: gso(VNET.GSO_TCPV4, 1448) }]);
  const back = fromRs({ sport: 8080, dport: 40000, seq: 7000, ack: 6000, flags: 'A', options: TS }, payload.subarray(0, 4000), 9);
  rings.deliverBatch('eth1', [{ frame: back, vnet: gso(VNET.GSO_TCPV4 | VNET.GSO_ECN, 1000) }]);
  // The TCP checksum holds the pseudo-header sum of the rewritten addresses and the TCP length,
  // by hand: c0a8+0105 (192.168.1.5) + 0a00+000b (10.0.0.11) + 0006 + 13a8 (5,032) = df66, and
  // c0a8+0164 (the VIP) + c0a8+0105 + 0006 + 0fc0 (4,032) = 1937f, folded 9380.
  const rs = { ...tcp, dport: 8080 };
  assert.deepEqual(rings.sent, [
    ['eth1', withTcpSum(toRs({ ...rs, flags: 'PA' }, payload, 2), 'df66')],
    ['eth0', withTcpSum(hex(new PacketBuilder().eth({ src: MAC.eth0, dst: MAC.client }).ipv4({ src: '192.168.1.100', dst: '192.168.1.5', id: 9, df: true, ttl: 63 }).tcp({ sport: 80, dport: 40000, seq: 7000, ack: 6000, flags: 'A', options: TS }).payload(payload.subarray(0, 4000)).build()), '9380')],
  ]);
  // flags 01 (NEEDS_CSUM), type 01 (TCPV4) / 81 (+ECN), hdr_len 66, gso_size, csum_start 34, csum_offset 16 (little-endian).
  assert.deepEqual(rings.headers, ['01014200a80522001000', '01814200e80322001000']);
  const c = dp.counters();
  // One packet each way, as IPVS counts a GSO skb.
  assert.deepEqual([c['gsoWhole'], c['gsoFrames'], c['natIn'], c['natOut'], c['rxFrames'], c['txFrames']], [2, 0, 2, 1, 3, 3]);
  assert.deepEqual(lab.list(), ['TCP ESTABLISHED 192.168.1.5:40000 -> 192.168.1.100:80 -> 10.0.0.11:8080 900000']);
  await dp.close(0);
});

test('virtio_net_hdr: frames around an aggregate keep their order; TUN cuts it and tunnels each segment; a way out too small for its segments cuts it there', async () => {
  const { rings, dp } = await director(true, true);
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  rings.deliver('eth0', fromClient({ ...tcp, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 1));
  rings.sent.length = 0;
  rings.headers.length = 0;
  const small = payload.subarray(0, 100);
  rings.deliverBatch('eth0', [
    { frame: fromClient({ ...tcp, flags: 'A' }, small, 2) },
    { frame: fromClient({ ...tcp, seq: 1100, flags: 'A' }, payload, 3), vnet: gso(VNET.GSO_TCPV4, 1448) },
    { frame: fromClient({ ...tcp, seq: 6100, flags: 'PA' }, small, 4) },
  ]);
  assert.deepEqual(rings.sent.map(([dev, f]) => [dev, f.length / 2]), [['eth1', 166], ['eth1', 5066], ['eth1', 166]]);
  assert.deepEqual(rings.headers.map((h) => h.slice(0, 4)), ['', '0101', '']);

  // TUN (port 443): four segments of at most 1,428 payload bytes, each in IP-in-IP to 10.0.0.12.
  rings.deliver('eth0', fromClient({ ...tcp, dport: 443, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 5));
  rings.sent.length = 0;
  rings.headers.length = 0;
  rings.deliverBatch('eth0', [{ frame: fromClient({ ...tcp, dport: 443, flags: 'PA' }, payload, 6), vnet: gso(VNET.GSO_TCPV4, 1448) }]);
  assert.deepEqual(rings.sent.map(([dev, f]) => [dev, f.length / 2, f.slice(46, 48), f.slice(60, 68)]), [
    ...[0, 1, 2].map(() => ['eth1', 1514, '04', '0a00000c']),
    ['eth1', 14 + 20 + 52 + 5000 - 3 * 1428, '04', '0a00000c'],
  ]);
  assert.deepEqual(rings.headers, ['', '', '', '']);

  // From the real server (eth1, MTU 9000) at segment size 3,000, out by eth0 (MTU 1500): cut
  // there, at 1,428 payload bytes (the one size kept for any cut while a real server uses TUN).
  const reply = { sport: 8080, dport: 40000, seq: 7000, ack: 6200, options: TS } as const;
  rings.sent.length = 0;
  rings.deliverBatch('eth1', [{ frame: fromRs({ ...reply, flags: 'PA' }, payload, 9), vnet: gso(VNET.GSO_TCPV4, 3000) }]);
  const toClient = (seq: number, flags: string, body: Uint8Array, id: number): string =>
    hex(new PacketBuilder().eth({ src: MAC.eth0, dst: MAC.client }).ipv4({ src: '192.168.1.100', dst: '192.168.1.5', id, df: true, ttl: 63 }).tcp({ ...reply, sport: 80, seq, flags }).payload(body).build());
  assert.deepEqual(rings.sent, [
    ['eth0', toClient(7000, 'A', payload.subarray(0, 1428), 9)],
    ['eth0', toClient(8428, 'A', payload.subarray(1428, 2856), 10)],
    ['eth0', toClient(9856, 'A', payload.subarray(2856, 4284), 11)],
    ['eth0', toClient(11284, 'PA', payload.subarray(4284), 12)],
  ]);
  const c = dp.counters();
  // tun: the SYN and the four segments; natIn: SYN, small, aggregate, small.
  assert.deepEqual([c['gsoWhole'], c['gsoFrames'], c['gsoSegments'], c['tun'], c['natIn'], c['natOut']], [1, 2, 8, 5, 4, 1]);
  await dp.close(0);
});

test('a kernel refusing virtio_net_hdr: plain rings, a warning, and aggregates cut by the engine', async () => {
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
  const { rings, dp } = await director(false, 'refused', log);
  assert.deepEqual(rings.opened.map((o) => [o.ifname, o.vnetHeader ?? false]), [['eth1', true], ['eth1', false], ['eth0', true], ['eth0', false]]);
  assert.deepEqual(warnings, ['eth1', 'eth0'].map((dev) => `engine 'packet': no virtio_net_hdr on ${dev} (setsockopt(PACKET_VNET_HDR): Invalid argument): aggregates are segmented by the engine`));
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  rings.deliver('eth0', fromClient({ ...tcp, seq: 999, ack: 0, flags: 'S' }, new Uint8Array(0), 1));
  rings.sent.length = 0;
  rings.deliverBatch('eth0', [{ frame: fromClient({ ...tcp, flags: 'A' }, payload, 2), vnet: gso(VNET.GSO_TCPV4, 1448) }]);
  assert.deepEqual(rings.sent.map(([dev, f]) => [dev, f.length / 2]), [...[0, 1, 2].map(() => ['eth1', 1514]), ['eth1', 14 + 52 + 5000 - 3 * 1448]]);
  const c = dp.counters();
  assert.deepEqual([c['gsoWhole'], c['gsoFrames'], c['gsoSegments']], [0, 1, 4]);
  await dp.close(0);
});

test('segments keep room for the largest tunnel header: 20 bytes for IPv4 TUN real servers, 40 once one is IPv6', () => {
  const lab = new Lab();
  lab.dest(lab.service('tcp 192.168.1.100:80'), '10.0.0.11:80', { fwd: 'tun' });
  const cutAt = (): number => {
    const large = new LargeFrames();
    large.configure([1500, 9000], lab.ipvs);
    assert.ok(large.start(fromClient({ sport: 1, dport: 80, flags: 'A', options: TS }, payload, 1), 14 + 52 + payload.length) > 0);
    return large.write(0) - 14 - 52;
  };
  assert.equal(cutAt(), 1500 - 20 - 52);
  lab.dest(lab.service('tcp [2001:db8::100]:80'), '[2001:db8::11]:80', { fwd: 'tun' });
  assert.equal(cutAt(), 1500 - 40 - 52);
});

test('virtio_net_hdr: an aggregate whose TTL is spent dies whole — one Time Exceeded back out of eth0, for NAT and for TUN', async () => {
  const { rings, dp } = await director(true, true);
  const tcp = { sport: 40000, dport: 80, seq: 1000, ack: 1, options: TS } as const;
  const at = (dport: number, ttl: number, flags: 'S' | 'PA', body: Uint8Array, id: number): Uint8Array =>
    new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', id, df: true, ttl }).tcp({ ...tcp, dport, ...(flags === 'S' ? { seq: 999, ack: 0 } : {}), flags }).payload(body).build();
  rings.deliver('eth0', at(80, 64, 'S', new Uint8Array(0), 1));
  rings.deliver('eth0', at(443, 64, 'S', new Uint8Array(0), 2));
  rings.sent.length = 0;
  rings.headers.length = 0;
  const nat = at(80, 1, 'PA', payload, 3);
  const tun = at(443, 1, 'PA', payload, 4);
  rings.deliverBatch('eth0', [{ frame: nat, vnet: gso(VNET.GSO_TCPV4, 1448) }, { frame: tun, vnet: gso(VNET.GSO_TCPV4, 1448) }]);
  // From the VIP, quoting the first 548 bytes of the aggregate as it arrived (TTL 1).
  const exceeded = (f: Uint8Array): string =>
    hex(new PacketBuilder().eth({ src: MAC.eth0, dst: MAC.client }).ipv4({ src: '192.168.1.100', dst: '192.168.1.5', tos: 0xc0, ttl: 64 }).icmp({ type: 11, code: 0 }).payload(f.subarray(14, 14 + 548)).build());
  assert.deepEqual(rings.sent, [['eth0', exceeded(nat)], ['eth0', exceeded(tun)]]);
  assert.deepEqual(rings.headers, ['', '']);
  const c = dp.counters();
  assert.deepEqual([c['gsoWhole'], c['gsoFrames'], c['icmpSent'], c['drop:ttl-exceeded'], c['natIn'], c['tun']], [0, 0, 2, 2, 1, 1]);
  await dp.close(0);
});
