import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedHarness } from './test-support.js';
import { WRR_ALL_OVERLOADED, type WeightedRoundRobin } from './wrr.js';

function wrr(weights: Record<string, number>): SchedHarness {
  return new SchedHarness('wrr').addAll(weights);
}

function state(h: SchedHarness): { cw: number; mw: number; di: number } {
  return { ...(h.sched as WeightedRoundRobin).state() };
}

test('wrr: A4 B3 C2 added in order → C B A A B A C B A … (ipvs.md §2.2 worked example)', () => {
  const h = wrr({ A: 4, B: 3, C: 2 });
  assert.equal(h.order(), 'C B A');
  assert.deepEqual(state(h), { cw: 1, mw: 4, di: 1 });
  // The first pick is the weight-2 server (ipvs.md §10 quirk 3).
  assert.equal(h.picks(18), 'C B A A B A C B A C B A A B A C B A');
});

test('wrr: A4 B2 → di 2, mw 3, cw 1 and B A A B A A (ipvs.md §2.2 worked example)', () => {
  const h = wrr({ A: 4, B: 2 });
  assert.deepEqual(state(h), { cw: 1, mw: 3, di: 2 });
  assert.equal(h.picks(6), 'B A A B A A');
});

test('wrr: gcd step with A4 B2 C6 gives weight/2 picks per cycle', () => {
  const h = wrr({ A: 4, B: 2, C: 6 });
  assert.deepEqual(state(h), { cw: 1, mw: 5, di: 2 });
  assert.equal(h.picks(12), 'C B A C C A C B A C C A');
});

test('wrr: equal weights behave as round robin', () => {
  assert.equal(wrr({ A: 1, B: 1, C: 1 }).picks(6), 'C B A C B A');
  assert.equal(wrr({ A: 5, B: 5 }).picks(4), 'B A B A');
});

test('wrr: an edit resets the cursor to head and keeps cw when still in range', () => {
  const h = wrr({ A: 4, B: 3, C: 2 });
  assert.equal(h.picks(4), 'C B A A');
  assert.equal(state(h).cw, 4);
  h.edit('C', 4);
  assert.deepEqual(state(h), { cw: 4, mw: 4, di: 1 });
  assert.equal(h.picks(13), 'C A C B A C B A C B A C A');
});

test('wrr: a delete recomputes over the remaining destinations and clamps cw to mw', () => {
  const h = wrr({ A: 4, B: 3, C: 2 });
  assert.equal(h.picks(4), 'C B A A');
  h.del('A');
  assert.deepEqual(state(h), { cw: 3, mw: 3, di: 1 });
  assert.equal(h.picks(10), 'B C B C B B C B C B');
});

test('wrr: an add rounds cw to the new gcd grid', () => {
  const h = wrr({ A: 4 });
  assert.deepEqual(state(h), { cw: 1, mw: 1, di: 4 });
  h.add('B', 8);
  // di = 4, mw = 8 - 3 = 5; cw = (1 div 4) * 4 + 1 = 1.
  assert.deepEqual(state(h), { cw: 1, mw: 5, di: 4 });
  assert.equal(h.picks(6), 'B A B B A B');
});

test('wrr: overloaded destinations are skipped within the weighted cycle', () => {
  const h = wrr({ A: 4, B: 3, C: 2 });
  h.load('A', 0, 0, true);
  assert.equal(h.picks(12), 'C B B C B C B B C B C B');
});

test('wrr: weight 0 is never chosen; all weights 0 fails without the overload suffix', () => {
  const h = wrr({ A: 0, B: 2 });
  assert.equal(h.picks(3), 'B B B');
  h.edit('B', 0);
  assert.equal(state(h).mw, 0);
  assert.equal(h.pick(), '-');
  assert.equal(h.sched.lastFailure, undefined);
});

test('wrr: all overloaded fails with "all destinations are overloaded", from head and mid-cycle', () => {
  const h = wrr({ A: 1, B: 1 });
  h.load('A', 0, 0, true);
  h.load('B', 0, 0, true);
  assert.equal(h.pick(), '-');
  assert.equal(h.sched.lastFailure, WRR_ALL_OVERLOADED);
  assert.equal(WRR_ALL_OVERLOADED, 'all destinations are overloaded');
  const g = wrr({ A: 3, B: 2 });
  assert.equal(g.picks(2), 'B A');
  g.load('A', 0, 0, true);
  g.load('B', 0, 0, true);
  assert.equal(g.pick(), '-');
  assert.equal(g.sched.lastFailure, WRR_ALL_OVERLOADED);
  g.load('B', 0, 0, false);
  assert.equal(g.picks(3), 'B B B');
});

test('wrr: empty service fails', () => {
  assert.equal(new SchedHarness('wrr').pick(), '-');
});
