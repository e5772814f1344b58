// The partial checksum an aggregate is sent whole with: the pseudo-header sum that checksum
// offload (or the kernel's GSO) completes over the TCP header and payload from csum_start. The
// values are worked out by hand, and the property checks that completing it gives exactly the
// full checksum PacketBuilder computes, for IPv4 and IPv6 and any payload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, onesSum } from '../../wire/checksum.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import { FrameView } from './frame-view.js';
import { setPartialChecksum, tcpHeadersEnd, TCP_CHECKSUM_OFFSET } from './gso.js';

const ETH = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:d1' } as const;
const TS_OPTIONS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78);

function view(frame: Uint8Array): FrameView {
  const f = new FrameView();
  assert.equal(f.parse(frame, frame.length), null);
  return f;
}

function v4(payload: Uint8Array): Uint8Array {
  return new PacketBuilder().eth(ETH).ipv4({ src: '192.168.1.5', dst: '10.0.0.11', id: 1, df: true }).tcp({ sport: 40000, dport: 8080, seq: 1, ack: 1, flags: 'A', options: TS_OPTIONS }).payload(payload).build();
}

function v6(payload: Uint8Array): Uint8Array {
  return new PacketBuilder().eth(ETH).ipv6({ src: '2001:db8::5', dst: '2001:db8::11' }).tcp({ sport: 40000, dport: 8080, seq: 1, ack: 1, flags: 'A' }).payload(payload).build();
}

const field = (f: Uint8Array, at: number): number => (f[at]! << 8) | f[at + 1]!;

/** What the device does with a partial checksum: sum from csum_start to the end, complement, store. */
function completeOffload(frame: Uint8Array, l4: number): number {
  return finishChecksum(onesSum(frame, l4, frame.length - l4));
}

test('IPv4: the pseudo-header sum of addresses, protocol and TCP length of the whole aggregate, not complemented', () => {
  const f = v4(new Uint8Array(5000));
  const v = view(f);
  assert.deepEqual([v.l4, tcpHeadersEnd(v)], [34, 66]);
  setPartialChecksum(v);
  // c0a8+0105 (192.168.1.5) + 0a00+000b (10.0.0.11) + 0006 + 13a8 (TCP length 5,032) = df66.
  assert.equal(field(f, 34 + TCP_CHECKSUM_OFFSET), 0xdf66);
});

test('IPv6: the same over 16-byte addresses (a carry folded in)', () => {
  const f = v6(new Uint8Array(60000));
  const v = view(f);
  setPartialChecksum(v);
  // 2001+0db8+0005 + 2001+0db8+0011 + 0006 + ea74 (TCP length 60,020) = 14602, folded 4603.
  assert.equal(field(f, 54 + TCP_CHECKSUM_OFFSET), 0x4603);
});

test('property: completing the partial checksum over the segment gives the full checksum (IPv4 and IPv6)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.boolean(), (payload, six) => {
      const f = six ? v6(payload) : v4(payload);
      const v = view(f);
      const at = v.l4 + TCP_CHECKSUM_OFFSET;
      const full = field(f, at);
      setPartialChecksum(v);
      assert.equal(completeOffload(f, v.l4), full);
    }),
    { numRuns: 200 },
  );
});
