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
