import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rng } from '../ports.js';
import { SeededRng } from '../rng.js';
import { SchedHarness } from './test-support.js';

/** An Rng that replays given 32-bit values. */
class ScriptedRng implements Rng {
  private i = 0;
  constructor(private readonly values: number[]) {}
  next32(): number {
    const v = this.values[this.i++];
    if (v === undefined) throw new Error('script exhausted');
    return v;
  }
}

function twos(values: number[]): SchedHarness {
  // List C(1) B(2) A(3): total 6, draws mod 7; 0..1 → C, 2..3 → B, 4..6 → A.
  return new SchedHarness('twos', { rng: new ScriptedRng(values) }).addAll({ A: 3, B: 2, C: 1 });
}

test('twos: draws r mod (total+1) walk the eligible list; equal load keeps choice 1', () => {
  assert.equal(twos([0, 6]).pick(), 'C');
  assert.equal(twos([1, 0]).pick(), 'C');
  assert.equal(twos([2, 0]).pick(), 'B');
  assert.equal(twos([3, 0]).pick(), 'B');
  assert.equal(twos([4, 0]).pick(), 'A');
  assert.equal(twos([6, 0]).pick(), 'A');
  assert.equal(twos([7 + 2, 0]).pick(), 'B');
  assert.equal(twos([0xffffffff, 0]).pick(), 'B'); // 4294967295 mod 7 = 3
});

test('twos: choice 2 wins only when relatively less loaded: w2·overhead1 > w1·overhead2', () => {
  const h = twos([0, 6, 0, 6, 0, 6]);
  h.load('C', 1, 0); // overhead 256, weight 1
  h.load('A', 2, 0); // overhead 512, weight 3: 3·256 = 768 > 1·512
  assert.equal(h.pick(), 'A');
  h.load('A', 3, 0); // 768 vs 3·256 = 768 → not greater, choice 1
  assert.equal(h.pick(), 'C');
  h.load('A', 2, 255); // 767
  assert.equal(h.pick(), 'A');
});

test('twos: the product is a wrapping 32-bit int as in the kernel', () => {
  const h = new SchedHarness('twos', { rng: new ScriptedRng([0, 2]) }).addAll({ A: 256, B: 1 });
  // List B(1) A(256): r1 = 0 → B, r2 = 2 → A. B overhead 2^24 (65536 active); A idle.
  h.load('B', 65536, 0);
  // 256 · 2^24 = 2^32 wraps to 0, which is not > 1 · 0: B stays although it is far busier.
  assert.equal(h.pick(), 'B');
});

test('twos: weight 0 and overloaded destinations are not drawn; none eligible → null, no draw', () => {
  const h = twos([0, 0, 5, 5]);
  h.edit('C', 0);
  // List C(0) B(2) A(3): total 5, mod 6; r = 0 → B.
  assert.equal(h.pick(), 'B');
  h.load('B', 0, 0, true);
  // Only A(3): r = 5 mod 4 = 1 → A.
  assert.equal(h.pick(), 'A');
  h.load('A', 0, 0, true);
  assert.equal(h.pick(), '-');
  assert.equal(new SchedHarness('twos', { rng: new ScriptedRng([]) }).pick(), '-');
});

test('twos: with idle servers and a seeded Rng, shares follow (w + first·1)/(total + 1)', () => {
  const h = new SchedHarness('twos', { rng: new SeededRng(12345) }).addAll({ A: 5, B: 3, C: 2 });
  const n = 40_000;
  const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
  for (let i = 0; i < n; i++) counts[h.pick()]!++;
  // List C B A, total 10, r1 in [0, 10]: C takes r1 ∈ {0,1,2} (3/11), B 3/11, A 5/11.
  const expected: Record<string, number> = { C: 3 / 11, B: 3 / 11, A: 5 / 11 };
  for (const k of ['A', 'B', 'C']) assert.ok(Math.abs(counts[k]! / n - expected[k]!) < 0.01, `${k}: ${counts[k]! / n}`);
});
