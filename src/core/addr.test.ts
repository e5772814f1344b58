import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalIp, foldIp, formatIPv4, maskIp, parseIPv4, parseIp, prefixToMask4 } from './addr.js';

test('IPv4 literals parse to host-order numbers and back', () => {
  assert.equal(parseIPv4('192.168.1.1'), 0xc0a80101);
  assert.equal(parseIPv4('0.0.0.0'), 0);
  assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  assert.equal(formatIPv4(0xc0a80101), '192.168.1.1');
  for (const bad of ['192.168.200', '1.2.3.4.5', '256.1.1.1', '1.2.3.', '', 'a.b.c.d', '1.2.3.-4', '1..3.4', '1.2.3.0004']) {
    assert.equal(parseIPv4(bad), null, bad);
  }
});

test('IPv6 literals are canonicalised like glibc inet_ntop', () => {
  const cases: Array<[string, string]> = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:1:1:1:0:1', '2001:db8:1:1:1:1:0:1'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:0102:0304', '::ffff:1.2.3.4'],
    ['fe80::1:2', 'fe80::1:2'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalIp(input), want, input);
  for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1', '1:2:3:4:5:6:7']) {
    assert.equal(canonicalIp(bad), null, bad);
  }
});

test('fold is the kernel hash input: IPv4 value, IPv6 XOR of big-endian words', () => {
  assert.equal(foldIp('192.168.1.1'), 0xc0a80101);
  // 2001:0db8:0000:0000:0000:0000:0000:0001 → 0x20010db8 ^ 0 ^ 0 ^ 1
  assert.equal(foldIp('2001:db8::1'), 0x20010db9);
});

test('persistence masks keep the network part', () => {
  assert.equal(maskIp('203.0.113.45', 4, 0xffffff00), '203.0.113.0');
  assert.equal(maskIp('203.0.113.45', 4, 0xffffffff), '203.0.113.45');
  assert.equal(maskIp('2001:db8:1:2:3:4:5:6', 6, 64), '2001:db8:1:2::');
  assert.equal(maskIp('2001:db8:1:2:3:4:5:6', 6, 56), '2001:db8:1::');
  assert.equal(maskIp('2001:db8:1:2ff:3:4:5:6', 6, 56), '2001:db8:1:200::');
  assert.equal(prefixToMask4(24), 0xffffff00);
  assert.equal(prefixToMask4(0), 0);
  assert.equal(prefixToMask4(32), 0xffffffff);
});

test('any IPv6 group vector round-trips through text', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
      const text = groups.map((g) => g.toString(16)).join(':');
      const p = parseIp(text);
      assert.ok(p);
      const again = parseIp(p.text);
      assert.deepEqual(again?.words, p.words);
    }),
  );
});
