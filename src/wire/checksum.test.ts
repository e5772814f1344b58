import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { adjustChecksum, finishChecksum, internetChecksum, onesSum, wordsSum } from './checksum.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

test('RFC 1071 example: the words 0001 f203 f4f5 f6f7 sum to ddf2, checksum 220d', () => {
  const b = hex('0001 f203 f4f5 f6f7');
  assert.equal(onesSum(b, 0, b.length), 0x2ddf0);
  assert.equal(finishChecksum(0x2ddf0), 0x220d);
  assert.equal(internetChecksum(b, 0, b.length), 0x220d);
});

test('an odd trailing byte is padded with zero', () => {
  assert.equal(internetChecksum(hex('0102 03'), 0, 3), ~(0x0102 + 0x0300) & 0xffff);
});

test('a partial sum (pseudo-header words) carries into the data sum', () => {
  const b = hex('4500 0030');
  assert.equal(internetChecksum(b, 0, 4, wordsSum([0x0011, 0x0004])), ~(0x4500 + 0x0030 + 0x11 + 4) & 0xffff);
});

test('the IPv4 header from keepalived.md §4.1 checks out (checksum d02d)', () => {
  const h = hex('45c0 0028 0001 0000 ff70 d02d 0a63 0002 e000 0012');
  assert.equal(internetChecksum(h, 0, 20), 0);
  h[10] = 0;
  h[11] = 0;
  assert.equal(internetChecksum(h, 0, 20), 0xd02d);
});

test('RFC 1624 incremental update equals recomputation (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 2, maxLength: 64 }), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (data, at, word) => {
      const even = data.length & ~1;
      if (even < 2) return;
      const i = (at % (even / 2)) * 2;
      const before = internetChecksum(data, 0, data.length);
      const old = (data[i]! << 8) | data[i + 1]!;
      data[i] = word >>> 8;
      data[i + 1] = word & 0xff;
      const after = internetChecksum(data, 0, data.length);
      const adjusted = adjustChecksum(before, old, word);
      // 0x0000 and 0xffff are the same one's-complement value.
      assert.equal(adjusted % 0xffff, after % 0xffff);
    }),
    { numRuns: 300 },
  );
});

test('keepalived.md: the priority-0 advert checksum 6585 follows incrementally from 0185', () => {
  // Priority sits in the high byte of the second word (0x3364 -> 0x3300).
  assert.equal(adjustChecksum(0x0185, 0x3364, 0x3300), 0x0185 + 0x64);
});
