import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decapsulate, type DecapResult } from '../../src/core/forward/decap.js';
import { macBytes } from '../../src/wire/bytes.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { toHex } from './kit.js';

const RS = 0x0a00000b; // 10.0.0.11

test('user-space tunl0: the inner packet handed to the local device, unchanged; others skipped with a reason', () => {
  const inner = new PacketBuilder().ipv4({ src: '192.168.1.5', dst: '10.0.0.100' }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const outer = new PacketBuilder().eth({ src: '02:00:00:00:00:d1', dst: '02:00:00:00:00:01' }).ipv4({ src: '10.0.0.2', dst: '10.0.0.11', protocol: 4 }).payload(inner).build();
  const out = new Uint8Array(2048);
  const r: DecapResult = { skip: '', length: 0 };
  decapsulate(outer, outer.length, RS, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r);
  assert.equal(r.skip, '');
  assert.equal(toHex(out.subarray(0, r.length)), '02000000000b' + '02000000000a' + '0800' + toHex(inner));
  assert.equal(decapsulate(outer, outer.length, RS + 1, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r).skip, 'not-for-us');
  assert.equal(decapsulate(inner, inner.length, RS, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r).skip, 'not-ipip');
  const plain = new PacketBuilder().eth({ src: '02:00:00:00:00:d1', dst: '02:00:00:00:00:01' }).ipv4({ src: '10.0.0.2', dst: '10.0.0.11' }).udp({ sport: 1, dport: 2 }).build();
  assert.equal(decapsulate(plain, plain.length, RS, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r).skip, 'not-ipip');
  assert.equal(decapsulate(outer, outer.length - 1, RS, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r).skip, 'malformed');
  const frag = new PacketBuilder().eth({ src: '02:00:00:00:00:d1', dst: '02:00:00:00:00:01' }).ipv4({ src: '10.0.0.2', dst: '10.0.0.11', protocol: 4, mf: true }).payload(inner).build();
  assert.equal(decapsulate(frag, frag.length, RS, macBytes('02:00:00:00:00:0b'), macBytes('02:00:00:00:00:0a'), out, r).skip, 'fragment');
});

test('user-space ip6tnl0: IPv6 outer header (next header 41 or 4) to this host\'s IPv6 address; others skipped with a reason', () => {
  const local6 = Uint8Array.from(Buffer.from('20010db8000000000000000000000011', 'hex')); // 2001:db8::11
  const mine = macBytes('02:00:00:00:00:0b');
  const peer = macBytes('02:00:00:00:00:0a');
  const inner6 = new PacketBuilder().ipv6({ src: '2001:db8:1::5', dst: '2001:db8::100', hopLimit: 63 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const inner4 = new PacketBuilder().ipv4({ src: '192.168.1.5', dst: '10.0.0.100' }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const outer = (dst: string, nextHeader: number, inner: Uint8Array) => new PacketBuilder().eth({ src: '02:00:00:00:00:d1', dst: '02:00:00:00:00:01' }).ipv6({ src: '2001:db8::2', dst, nextHeader, hopLimit: 63 }).payload(inner).build();
  const out = new Uint8Array(2048);
  const r: DecapResult = { skip: '', length: 0 };
  const f66 = outer('2001:db8::11', 41, inner6);
  decapsulate(f66, f66.length, RS, mine, peer, out, r, local6);
  assert.equal(r.skip, '');
  assert.equal(toHex(out.subarray(0, r.length)), '02000000000b' + '02000000000a' + '86dd' + toHex(inner6));
  const f46 = outer('2001:db8::11', 4, inner4);
  decapsulate(f46, f46.length, null, mine, peer, out, r, local6);
  assert.equal(r.skip, '');
  assert.equal(toHex(out.subarray(0, r.length)), '02000000000b' + '02000000000a' + '0800' + toHex(inner4));
  const other = outer('2001:db8::12', 41, inner6);
  assert.equal(decapsulate(other, other.length, RS, mine, peer, out, r, local6).skip, 'not-for-us');
  // Without an IPv6 tunnel end (an IPv4 real server), IPv6 outer headers are not ours.
  assert.equal(decapsulate(f66, f66.length, RS, mine, peer, out, r).skip, 'not-for-us');
  assert.equal(decapsulate(f66, f66.length - 1, RS, mine, peer, out, r, local6).skip, 'malformed');
  const tcp6 = new PacketBuilder().eth({ src: '02:00:00:00:00:d1', dst: '02:00:00:00:00:01' }).ipv6({ src: '2001:db8::2', dst: '2001:db8::11' }).tcp({ sport: 1, dport: 2 }).build();
  assert.equal(decapsulate(tcp6, tcp6.length, RS, mine, peer, out, r, local6).skip, 'not-ipip');
  // A fragment header between the outer header and the inner packet: not taken.
  const fragmented = outer('2001:db8::11', 44, new Uint8Array(48));
  assert.equal(decapsulate(fragmented, fragmented.length, RS, mine, peer, out, r, local6).skip, 'not-ipip');
});
