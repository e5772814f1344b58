import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { foldIp } from '../addr.js';
import { SCHED_FLAG_FALLBACK, SCHED_FLAG_PORT, type Destination } from '../model.js';
import { MH_KEY1, hsiphash32 } from './hash.js';
import { MH_TAB_SIZE, mhPermutation, type MaglevHashing } from './mh.js';
import { SchedHarness, setSource } from './test-support.js';

/** Kernel list A=10.0.0.1:80, B=10.0.0.2:80, C=10.0.0.3:80 (added C, B, A), weights 1. */
function mhABC(flags = 0, weights: [number, number, number] = [1, 1, 1]): SchedHarness {
  const h = new SchedHarness('mh', { flags });
  h.add('C', weights[2]);
  h.add('B', weights[1]);
  h.add('A', weights[0]);
  return h;
}

function tbl(h: SchedHarness): readonly (Destination | null)[] {
  return (h.sched as MaglevHashing).table;
}

function counts(h: SchedHarness): Record<string, number> {
  const c: Record<string, number> = {};
  for (const d of tbl(h)) c[h.label(d)] = (c[h.label(d)] ?? 0) + 1;
  return c;
}

function from(h: SchedHarness, saddr: string, sport = 40000): string {
  setSource(h.ctx, saddr, sport);
  return h.pick();
}

test('mh: M = 4093 and the per-destination permutations of ipvs.md §2.15', () => {
  assert.equal(MH_TAB_SIZE, 4093);
  assert.deepEqual(mhPermutation(foldIp('10.0.0.1'), 80), { offset: 3167, skip: 700 });
  assert.deepEqual(mhPermutation(foldIp('10.0.0.2'), 80), { offset: 1231, skip: 3544 });
  assert.deepEqual(mhPermutation(foldIp('10.0.0.3'), 80), { offset: 1631, skip: 3453 });
});

test('mh: slot counts A 1365 B 1364 C 1364 and slots 0..9 = A B B C C A B C C A', () => {
  const h = mhABC();
  assert.equal(h.order(), 'A B C');
  assert.deepEqual(counts(h), { A: 1365, B: 1364, C: 1364 });
  assert.equal(
    tbl(h)
      .slice(0, 10)
      .map((d) => h.label(d))
      .join(' '),
    'A B B C C A B C C A',
  );
});

test('mh: lookups 192.168.1.1 → slot 2456 (A), 10.0.0.7 → 754 (A), 203.0.113.45 → 2657 (C)', () => {
  const h = mhABC();
  const slot = (a: string): number => hsiphash32(foldIp(a), MH_KEY1) % MH_TAB_SIZE;
  assert.deepEqual([slot('192.168.1.1'), slot('10.0.0.7'), slot('203.0.113.45')], [2456, 754, 2657]);
  assert.equal(from(h, '192.168.1.1'), 'A');
  assert.equal(from(h, '10.0.0.7'), 'A');
  assert.equal(from(h, '203.0.113.45'), 'C');
});

test('mh: removing C reassigns C’s slots and changes exactly 2 others (minimal disruption)', () => {
  const h = mhABC();
  const before = tbl(h).map((d) => h.label(d));
  h.del('C');
  const after = tbl(h).map((d) => h.label(d));
  const moved: string[] = [];
  for (let i = 0; i < MH_TAB_SIZE; i++) {
    if (before[i] !== 'C' && before[i] !== after[i]) moved.push(`${i}:${before[i]}>${after[i]}`);
  }
  assert.deepEqual(moved, ['3522:B>A', '3760:A>B']);
  assert.equal(after.includes('C'), false);
});

test('mh: weights scale slots; gcd divides them out', () => {
  const h = mhABC(0, [2, 1, 1]);
  const c = counts(h);
  assert.equal(c.A! + c.B! + c.C!, MH_TAB_SIZE);
  // A claims two slots per round: ceil/floor of 4093/4 · 2.
  assert.deepEqual(c, { A: 2047, B: 1023, C: 1023 });
  // Same ratio with a common factor: identical table.
  const g = mhABC(0, [20, 10, 10]);
  assert.deepEqual(
    tbl(g).map((d) => g.label(d)),
    tbl(h).map((d) => h.label(d)),
  );
});

test('mh: large weight ratios are shifted down to 6 bits (turns = (lw/g) >> shift, at least 1)', () => {
  // lw/g: A 200, B 1 → max 200 has 8 bits → shift 2: A 50 turns, B (1>>2 = 0 → 1) turn.
  const h = new SchedHarness('mh');
  h.add('B', 1);
  h.add('A', 200);
  const c = counts(h);
  assert.equal(c.A! + c.B!, MH_TAB_SIZE);
  // 4093 = 80 rounds of 51 + 13 → A gets 80·50 + 13 = 4013, B 80.
  assert.deepEqual(c, { A: 4013, B: 80 });
});

test('mh: a quiesced destination keeps its slots (last_weight); it fails without mh-fallback', () => {
  const h = mhABC();
  const before = tbl(h).map((d) => h.label(d));
  h.edit('A', 0);
  assert.equal(h.dest('A').lastWeight, 1);
  assert.deepEqual(
    tbl(h).map((d) => h.label(d)),
    before,
  );
  assert.equal(from(h, '192.168.1.1'), '-');
  const f = mhABC(SCHED_FLAG_FALLBACK);
  f.edit('A', 0);
  const r = from(f, '192.168.1.1');
  assert.ok(r === 'B' || r === 'C');
  // Exact fallback: first available along slot = H1(roffset + fold) mod M from roffset = 2456.
  const fold = foldIp('192.168.1.1');
  let want = '-';
  for (let o = 0; o < MH_TAB_SIZE; o++) {
    const d = tbl(f)[hsiphash32((((o + 2456) % MH_TAB_SIZE) + fold) >>> 0, MH_KEY1) % MH_TAB_SIZE]!;
    if (d.weight > 0) {
      want = f.label(d);
      break;
    }
  }
  assert.equal(r, want);
  f.edit('B', 0);
  f.edit('C', 0);
  assert.equal(from(f, '192.168.1.1'), '-');
});

test('mh: a destination added with weight 0 gets no slots; all last weights 0 empties the table', () => {
  const h = new SchedHarness('mh');
  h.add('A', 0);
  assert.equal(h.dest('A').lastWeight, 0);
  assert.deepEqual(counts(h), { '-': MH_TAB_SIZE });
  assert.equal(from(h, '192.168.1.1'), '-');
  h.add('B', 1);
  assert.deepEqual(counts(h), { B: MH_TAB_SIZE });
  // Re-adding a deleted destination from the trash with weight 0 also resets last_weight to 0.
  h.del('B');
  h.add('B', 0);
  assert.equal(h.dest('B').lastWeight, 0);
  assert.deepEqual(counts(h), { '-': MH_TAB_SIZE });
});

test('mh-port: the source port is added to the hashed value only with flag-2', () => {
  const h = mhABC(SCHED_FLAG_PORT);
  const fold = foldIp('192.168.1.1');
  const slot = hsiphash32((fold + 1234) >>> 0, MH_KEY1) % MH_TAB_SIZE;
  assert.equal(from(h, '192.168.1.1', 1234), h.label(tbl(h)[slot]!));
  assert.equal(from(mhABC(), '192.168.1.1', 1234), 'A');
});

/** Slots that changed owner when `gone` left: its own, and those of the others. */
function disruption(weights: readonly number[], gone: number): { owned: number; others: number } {
  const h = new SchedHarness('mh');
  weights.forEach((w, i) => h.add(`D${i}`, w));
  const before = tbl(h).map((d) => h.label(d));
  h.del(`D${gone}`);
  const after = tbl(h).map((d) => h.label(d));
  let owned = 0;
  let others = 0;
  for (let i = 0; i < MH_TAB_SIZE; i++) {
    if (before[i] === `D${gone}`) owned++;
    else if (before[i] !== after[i]) others++;
  }
  return { owned, others };
}

test('mh: removing one of N equal destinations moves its 1/N share and under 0.3/N of the rest', () => {
  // Exhaustive over N = 3..10 and every leaving destination (deterministic).
  for (let n = 3; n <= 10; n++) {
    for (let k = 0; k < n; k++) {
      const { owned, others } = disruption(new Array<number>(n).fill(1), k);
      assert.ok(owned === Math.floor(MH_TAB_SIZE / n) || owned === Math.ceil(MH_TAB_SIZE / n), `n=${n} owned ${owned}`);
      assert.ok(others < 0.3 * (MH_TAB_SIZE / n), `n=${n} k=${k} others ${others}`);
    }
  }
});

test('mh: with random weights, removal disturbs other slots by under half the leaver\'s share', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 8 }), fc.nat(), (ws, p) => {
      const k = p % ws.length;
      const share = (MH_TAB_SIZE * ws[k]!) / ws.reduce((a, b) => a + b, 0);
      const { owned, others } = disruption(ws, k);
      assert.ok(Math.abs(owned - share) <= share * 0.1 + 2, `owned ${owned} of ${share}`);
      assert.ok(others < share * 0.5, `others ${others} vs share ${share}`);
    }),
    { numRuns: 60, seed: 20240601 },
  );
});
