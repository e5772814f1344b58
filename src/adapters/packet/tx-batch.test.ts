import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregateTx } from './aggregate-tx.js';
import type { RingAddon, RingHandle } from './native-ring.js';
import { TxBatch } from './tx-batch.js';

/** A ring addon whose sends take `take` frames, or throw (a closed ring, an unexpected errno). */
function addon(take: number | 'throw', calls: number[]): RingAddon {
  return {
    ringOpen: () => ({ ifindex: 1 }),
    ringSend: (_h, _buf, _pairs, count) => {
      calls.push(count);
      if (take === 'throw') throw new Error('sendmmsg: Bad file descriptor');
      return Math.min(take, count);
    },
    ringStats: () => ({ packets: 0, drops: 0, freezes: 0 }),
    ringClose: () => undefined,
  };
}
const ring: RingHandle = { ifindex: 1 };

test('TxBatch: frames the kernel did not take, or a send that throws, count as failed; the batch is emptied', () => {
  const block = new Uint8Array(256);
  const calls: number[] = [];
  const tx = new TxBatch(addon('throw', calls), ring);
  tx.addFromBlock(block, 0, 60);
  tx.addFromBlock(block, 60, 60);
  tx.addCopy(block, new Uint8Array(64), 64);
  tx.flush(block);
  assert.deepEqual([calls, tx.failed], [[2, 1], 3]);
  tx.flush(block);
  assert.deepEqual([calls, tx.failed], [[2, 1], 3]);
  const part = new TxBatch(addon(1, calls), ring);
  part.addFromBlock(block, 0, 60);
  part.addFromBlock(block, 60, 60);
  part.flush(block);
  assert.equal(part.failed, 1);
});

test('AggregateTx: a send that throws counts every queued aggregate as failed', () => {
  const block = new Uint8Array(4096);
  const calls: number[] = [];
  const whole = new AggregateTx(addon('throw', calls), ring);
  whole.add(block, 0, 3000, 1, 1448, 34, 16, 66);
  whole.add(block, 3000, 1000, 1, 1448, 34, 16, 66);
  whole.flush(block);
  assert.deepEqual([calls, whole.failed, whole.pending], [[2], 2, false]);
});
