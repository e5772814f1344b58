import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, onesSum } from '../../wire/checksum.js';
import { WideSummer } from './wide-sum.js';

test('the same folded sum as the byte-pair loop, at every alignment, length and starting value', () => {
  const summer = new WideSummer();
  const backing = new Uint8Array(4200);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0xfffff }), (data, viewAt, off, acc) => {
      // A view that does not start at its buffer's start, as Node's pooled Buffers do.
      const buf = backing.subarray(viewAt);
      buf.set(data, off);
      assert.equal(finishChecksum(summer.sum(buf, off, data.length, acc)), finishChecksum(onesSum(buf, off, data.length, acc)));
    }),
    { numRuns: 300 },
  );
});

test('all-ones words fold as ones\' complement (end-around carry), not modulo', () => {
  const buf = new Uint8Array(64).fill(0xff);
  buf[0] = 0x00;
  buf[1] = 0x01;
  const summer = new WideSummer();
  assert.equal(finishChecksum(summer.sum(buf, 0, 64)), finishChecksum(onesSum(buf, 0, 64)));
  assert.equal(finishChecksum(summer.sum(buf, 0, 64)), 0xfffe);
});
