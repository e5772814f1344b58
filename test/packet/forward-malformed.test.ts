import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MALFORMED_REASONS } from '../../src/core/forward/frame-view.js';
import { director, fromClient, IP, oneHopLess, runRows, type Row } from './kit.js';

const good = () => fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
const goodUdp = () => fromClient().ipv4({ src: IP.client, dst: IP.vip }).udp({ sport: 1, dport: 80 }).payload('abcd').build();
const good6 = () => fromClient().ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();

function patch(f: Uint8Array, at: number, ...bytes: number[]): Uint8Array {
  const o = f.slice();
  o.set(bytes, at);
  return o;
}

/** Set a byte of the IPv4 header and fix its checksum, so only the intended fault remains. */
function patchIp(f: Uint8Array, at: number, ...bytes: number[]): Uint8Array {
  const o = patch(f, 14 + at, ...bytes);
  o[24] = 0;
  o[25] = 0;
  let s = 0;
  const hl = (o[14]! & 0x0f) * 4;
  for (let i = 14; i < 14 + Math.max(hl, 20); i += 2) s += (o[i]! << 8) | o[i + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  o[24] = (~s >>> 8) & 0xff;
  o[25] = ~s & 0xff;
  return o;
}

test('malformed frames are dropped with one counter per reason, never forwarded or thrown', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } });
  const rows: Row[] = [
    { name: 'short-ethernet', frame: good().subarray(0, 13), action: 'drop', reason: 'short-ethernet' },
    { name: 'short-ipv4', frame: good().subarray(0, 14 + 19), action: 'drop', reason: 'short-ipv4' },
    { name: 'bad-ihl', frame: patchIp(good(), 0, 0x44), action: 'drop', reason: 'bad-ihl' },
    { name: 'bad-total-length', frame: patchIp(good(), 2, 0, 16), action: 'drop', reason: 'bad-total-length' },
    { name: 'truncated-ipv4', frame: good().subarray(0, 14 + 39), action: 'drop', reason: 'truncated-ipv4' },
    { name: 'bad-ip-checksum', frame: patch(good(), 24, 0, 0), action: 'drop', reason: 'bad-ip-checksum' },
    { name: 'short-l4 (TCP header cut to 10 bytes)', frame: patchIp(good().subarray(0, 14 + 30), 2, 0, 30), action: 'drop', reason: 'short-l4' },
    { name: 'bad-tcp-offset', frame: patch(good(), 14 + 20 + 12, 0x40), action: 'drop', reason: 'bad-tcp-offset' },
    { name: 'bad-udp-length', frame: patch(goodUdp(), 14 + 20 + 4, 0, 99), action: 'drop', reason: 'bad-udp-length' },
    { name: 'short-ipv6', frame: good6().subarray(0, 14 + 39), action: 'drop', reason: 'short-ipv6' },
    { name: 'truncated-ipv6', frame: good6().subarray(0, 14 + 59), action: 'drop', reason: 'truncated-ipv6' },
    { name: 'bad-ipv6-extension (hop-by-hop running past the end)', frame: patch(good6(), 14 + 6, 0), action: 'drop', reason: 'bad-ipv6-extension' },
    { name: 'Ethernet padding after the IP packet is fine', frame: Uint8Array.from([...good(), 0, 0, 0, 0, 0, 0]), action: 'transmit', how: 'dr', out: (() => { const o = Uint8Array.from([...good(), 0, 0, 0, 0, 0, 0]); o.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xd1]); return oneHopLess(o); })() },
  ];
  runRows(d, rows);
  for (const r of MALFORMED_REASONS) assert.equal(d.fw.counters.drops[r], 1, r);
  assert.equal(d.fw.counters.dropped, MALFORMED_REASONS.length);
});

test('arbitrary bytes and mutated frames never throw (property)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'nat' } });
  const base = good();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(base.length), (junk, edits, cut) => {
      d.fw.process(junk, junk.length, 0);
      const m = base.slice(0, Math.max(14, cut));
      for (const [i, b] of edits) if (i < m.length) m[i] = b;
      const v = d.fw.process(m, m.length, 0);
      assert.ok(['transmit', 'pass', 'drop'].includes(v.action));
    }),
    { numRuns: 400 },
  );
});
