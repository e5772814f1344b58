import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addrBytes, compareAddr, isMulticast, readAddr } from './vrrp-addr.js';

test('IPv6 text is printed the way inet_ntop prints it', () => {
  const cases: Array<[string, string]> = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1', 'fe80::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['ff02::12', 'ff02::12'],
  ];
  for (const [input, want] of cases) assert.equal(readAddr(addrBytes(input, 6)!, 0, 6), want, input);
});

test('malformed text is refused', () => {
  for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9']) {
    assert.equal(addrBytes(bad, bad.includes(':') ? 6 : 4), null, bad);
  }
});

test('comparison is numeric (10.0.0.10 > 10.0.0.9), multicast is recognised', () => {
  assert.ok(compareAddr('10.0.0.10', '10.0.0.9', 4) > 0);
  assert.ok(compareAddr('fe80::2', 'fe80::10', 6) < 0);
  assert.equal(compareAddr('10.0.0.1', '10.0.0.1', 4), 0);
  assert.equal(isMulticast('224.0.0.18', 4), true);
  assert.equal(isMulticast('10.0.0.1', 4), false);
  assert.equal(isMulticast('ff02::12', 6), true);
});

test('bytes -> text -> bytes is the identity (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      assert.deepEqual(addrBytes(readAddr(b, 0, 6), 6), b);
      assert.deepEqual(addrBytes(readAddr(b, 0, 4), 4), b.subarray(0, 4));
    }),
    { numRuns: 500 },
  );
});
