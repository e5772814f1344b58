import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { internetChecksum } from '../../wire/checksum.js';
import { PacketBuilder, type TcpSpec } from '../../wire/packet-builder.js';
import { transportChecksum } from '../../wire/transport.js';
import { FrameView } from './frame-view.js';
import { TcpSegmenter } from './segment.js';

const ETH = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:d1' } as const;
const V4 = { src: '192.168.1.5', dst: '192.168.1.100' } as const;
const V6 = { src: '2001:db8:1::5', dst: '2001:db8::100' } as const;
/** NOP NOP timestamps: the 12 option bytes Linux puts on every data segment. */
const TS_OPTIONS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78);
const CWR = 0x80;

function data(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function v4Frame(tcp: TcpSpec, payload: Uint8Array, id: number, vlanTci?: number): Uint8Array {
  return new PacketBuilder()
    .eth({ ...ETH, ...(vlanTci === undefined ? {} : { vlanTci }) })
    .ipv4({ ...V4, id, df: true, tos: 0x10 })
    .tcp(tcp)
    .payload(payload)
    .build();
}

function v6Frame(tcp: TcpSpec, payload: Uint8Array): Uint8Array {
  return new PacketBuilder().eth(ETH).ipv6({ ...V6, flowLabel: 0x12345 }).tcp(tcp).payload(payload).build();
}

/** Every segment of `frame` at `mtu`, copied out of the shared buffer. */
function segments(frame: Uint8Array, mtu: number, reserve = 0): Uint8Array[] {
  const s = new TcpSegmenter();
  assert.equal(s.start(frame, frame.length, mtu, reserve), null);
  const out = new Uint8Array(70_000);
  const got: Uint8Array[] = [];
  for (let i = 0; i < s.count; i++) {
    const n = s.write(i, out);
    assert.ok(n > 0);
    got.push(out.slice(0, n));
  }
  return got;
}

/** Spoil the TCP checksum as CHECKSUM_PARTIAL leaves it (the pseudo-header sum only). */
function partialChecksum(frame: Uint8Array): Uint8Array {
  const f = new FrameView();
  assert.equal(f.parse(frame, frame.length), null);
  frame[f.l4 + 16] = 0xab;
  frame[f.l4 + 17] = 0xcd;
  return frame;
}

test('a 5,000-byte IPv4 segment cut at MTU 1500 equals the four frames built at MSS 1448', () => {
  const payload = data(5000);
  const tcp = { sport: 80, dport: 41000, seq: 0xfffff000, ack: 777, window: 501, options: TS_OPTIONS } as const;
  const big = partialChecksum(v4Frame({ ...tcp, flags: CWR | 0x10 | 0x08 | 0x01 }, payload, 0xfffe));
  const want = [
    v4Frame({ ...tcp, flags: CWR | 0x10 }, payload.subarray(0, 1448), 0xfffe),
    v4Frame({ ...tcp, seq: 0xfffff000 + 1448, flags: 0x10 }, payload.subarray(1448, 2896), 0xffff),
    v4Frame({ ...tcp, seq: (0xfffff000 + 2896) >>> 0, flags: 0x10 }, payload.subarray(2896, 4344), 0),
    v4Frame({ ...tcp, seq: (0xfffff000 + 4344) >>> 0, flags: 0x10 | 0x08 | 0x01 }, payload.subarray(4344), 1),
  ];
  const got = segments(big, 1500);
  assert.deepEqual(got.map((f) => f.length), [1514, 1514, 1514, 14 + 20 + 32 + 656]);
  assert.deepEqual(got, want);
});

test('IPv6: payload length per segment, flow label and hop limit kept, MSS 1448 at MTU 1520', () => {
  const payload = data(5000, 3);
  const tcp = { sport: 443, dport: 50000, seq: 1, ack: 2, options: TS_OPTIONS } as const;
  const big = partialChecksum(v6Frame({ ...tcp, flags: 0x18 }, payload));
  const got = segments(big, 1520);
  const want = [0, 1448, 2896, 4344].map((at, i) => v6Frame({ ...tcp, seq: 1 + at, flags: i === 3 ? 0x18 : 0x10 }, payload.subarray(at, Math.min(at + 1448, 5000))));
  assert.deepEqual(got, want);
});

test('an 802.1Q-tagged frame keeps its tag in every segment', () => {
  const payload = data(3000);
  const tcp = { sport: 1, dport: 2, seq: 10 } as const;
  const got = segments(v4Frame({ ...tcp, flags: 0x10 }, payload, 5, 0x0064), 1500);
  assert.deepEqual(got, [
    v4Frame({ ...tcp, flags: 0x10 }, payload.subarray(0, 1460), 5, 0x0064),
    v4Frame({ ...tcp, seq: 1470, flags: 0x10 }, payload.subarray(1460, 2920), 6, 0x0064),
    v4Frame({ ...tcp, seq: 2930, flags: 0x10 }, payload.subarray(2920), 7, 0x0064),
  ]);
});

test('room for an IP-in-IP header: 20 bytes fewer per segment', () => {
  const s = new TcpSegmenter();
  const big = v4Frame({ sport: 1, dport: 2, flags: 0x10, options: TS_OPTIONS }, data(4000), 1);
  assert.equal(s.start(big, big.length, 1500, 20), null);
  assert.equal(s.mss, 1428);
  assert.equal(s.count, 3);
  const out = new Uint8Array(2000);
  assert.deepEqual([0, 1, 2].map((i) => s.write(i, out)), [1494, 1494, 14 + 52 + 4000 - 2 * 1428]);
  assert.equal(s.write(0, new Uint8Array(1000)), 0, 'a buffer too small is refused, not overrun');
});

test('frames that cannot be segmented give their own reasons', () => {
  const s = new TcpSegmenter();
  const udp = new PacketBuilder().eth(ETH).ipv4(V4).udp({ sport: 1, dport: 2 }).payload(data(3000)).build();
  assert.equal(s.start(udp, udp.length, 1500), 'gso-not-tcp');
  const other = new PacketBuilder().eth(ETH).payload(data(3000)).build();
  other[12] = 0x88;
  other[13] = 0xb5;
  assert.equal(s.start(other, other.length, 1500), 'gso-not-tcp', 'not IP');
  const frag = new PacketBuilder().eth(ETH).ipv4({ ...V4, mf: true }).tcp({ sport: 1, dport: 2 }).payload(data(3000)).build();
  assert.equal(s.start(frag, frag.length, 1500), 'gso-malformed');
  const tcp = v4Frame({ sport: 1, dport: 2, options: TS_OPTIONS }, data(3000), 1);
  assert.equal(s.start(tcp, tcp.length - 1, 1500), 'gso-malformed', 'cut short');
  assert.equal(s.start(tcp, tcp.length, 52), 'gso-mtu-too-small');
  assert.equal(s.start(tcp, tcp.length, 53), null);
  assert.equal(s.count, 3000);
});

test('property: payloads concatenate back to the input; every segment fits, parses and checks out', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.integer({ min: 1, max: 9000 }),
      fc.integer({ min: 200, max: 9000 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xff }),
      (v6, size, mtu, optWords, seq, flags) => {
        const payload = data(size, seq & 0xff);
        const tcp = { sport: 5, dport: 6, seq, flags, options: new Uint8Array(optWords * 4).fill(1) };
        const big = v6 ? v6Frame(tcp, payload) : v4Frame(tcp, payload, seq & 0xffff);
        const got = segments(big, mtu);
        const view = new FrameView();
        const joined: number[] = [];
        let next = seq;
        got.forEach((g, i) => {
          assert.equal(view.parse(g, g.length), null);
          assert.ok(view.ipLength <= mtu);
          const thl = (g[view.l4 + 12]! >>> 4) << 2;
          assert.equal(thl, 20 + optWords * 4);
          assert.equal(transportChecksum(g, view.family, view.l3, 6, view.l4, view.l3End - view.l4, 16), (g[view.l4 + 16]! << 8) | g[view.l4 + 17]!);
          if (!v6) assert.equal(internetChecksum(g, view.l3, 20), 0);
          const s = ((g[view.l4 + 4]! << 24) | (g[view.l4 + 5]! << 16) | (g[view.l4 + 6]! << 8) | g[view.l4 + 7]!) >>> 0;
          assert.equal(s, next);
          const body = g.subarray(view.l4 + thl);
          next = (next + body.length) >>> 0;
          joined.push(...body);
          const last = i === got.length - 1;
          assert.equal(g[view.l4 + 13], flags & ~(last ? 0 : 0x09) & ~(i === 0 ? 0 : 0x80));
        });
        assert.deepEqual(Uint8Array.from(joined), payload);
      },
    ),
    { numRuns: 150 },
  );
});
