import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { internetChecksum } from '../../wire/checksum.js';
import { FrameView } from './frame-view.js';
import { decrementHop, hopsLeft } from './hop-limit.js';

/** An Ethernet + IPv4 (+ 8 bytes of payload) frame with the header fields given, checksum set. */
function frame4(fields: Uint8Array, ttl: number): Uint8Array {
  const f = new Uint8Array(14 + 28);
  f[12] = 0x08;
  f.set(fields.subarray(0, 20), 14);
  f[14] = 0x45;
  f[14 + 2] = 0;
  f[14 + 3] = 28;
  f[14 + 6] &= 0x40; // no fragment offset, no MF: the frame parses as a whole packet
  f[14 + 7] = 0;
  f[14 + 8] = ttl;
  f[14 + 9] = 253; // experimental: no transport header to validate
  f[14 + 10] = 0;
  f[14 + 11] = 0;
  const c = internetChecksum(f, 14, 20);
  f[14 + 10] = c >>> 8;
  f[14 + 11] = c & 0xff;
  return f;
}

test('the IPv4 incremental update (RFC 1624, as ip_decrease_ttl) equals a full recomputation of the header checksum', () => {
  const v = new FrameView();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 2, max: 255 }), (fields, ttl) => {
      const f = frame4(fields, ttl);
      assert.equal(v.parse(f, f.length), null);
      assert.equal(decrementHop(v), true);
      const expected = frame4(fields, ttl - 1);
      assert.deepEqual(f, expected);
    }),
    { numRuns: 2000 },
  );
});

test('TTL 1 and 0 are left alone and refused; IPv6 hop limit likewise', () => {
  const v = new FrameView();
  for (const ttl of [0, 1]) {
    const f = frame4(new Uint8Array(20), ttl);
    const before = f.slice();
    v.parse(f, f.length);
    assert.equal(decrementHop(v), false);
    assert.deepEqual(f, before);
  }
  const f6 = new Uint8Array(14 + 40 + 8);
  f6[12] = 0x86;
  f6[13] = 0xdd;
  f6[14] = 0x60;
  f6[14 + 5] = 8;
  f6[14 + 6] = 253;
  for (const [hl, ok, after] of [[2, true, 1], [1, false, 1], [0, false, 0], [255, true, 254]] as const) {
    f6[14 + 7] = hl;
    assert.equal(v.parse(f6, f6.length), null);
    assert.equal(decrementHop(v), ok);
    assert.equal(hopsLeft(v), after);
  }
});
