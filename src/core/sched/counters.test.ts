// lc, wlc, sed, nq, fo, ovf: exact choices from hand-set counters, list-order tie-breaking and
// the strict comparisons of ipvs.md §2.3–§2.8. Destinations added A, B, C → list C B A.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { productGreater } from './load.js';
import { SchedHarness } from './test-support.js';

function svc(name: string, weights: Record<string, number>): SchedHarness {
  return new SchedHarness(name).addAll(weights);
}

test('lc: least overhead (active·256 + inactive), earliest in list order on ties', () => {
  const h = svc('lc', { A: 1, B: 1, C: 1 });
  assert.equal(h.order(), 'C B A');
  assert.equal(h.pick(), 'C');
  h.load('C', 1, 0); // 256
  h.load('B', 0, 255); // 255
  h.load('A', 0, 255); // 255
  assert.equal(h.pick(), 'B');
  h.load('B', 0, 256); // ties with C: the earlier C wins
  assert.equal(h.pick(), 'A');
  h.load('A', 0, 256);
  assert.equal(h.pick(), 'C');
});

test('lc: weights are ignored except 0; overloaded skipped; none eligible → null', () => {
  const h = svc('lc', { A: 100, B: 1, C: 1 });
  h.load('A', 2, 0);
  h.load('B', 1, 0);
  h.load('C', 1, 1);
  assert.equal(h.pick(), 'B');
  h.edit('B', 0);
  assert.equal(h.pick(), 'C');
  h.load('C', 1, 1, true);
  assert.equal(h.pick(), 'A');
  h.edit('A', 0);
  assert.equal(h.pick(), '-');
  assert.equal(new SchedHarness('lc').pick(), '-');
});

test('wlc: strictly smaller overhead/weight wins; equal ratios keep the earlier destination', () => {
  const h = svc('wlc', { A: 3, B: 2, C: 1 });
  h.load('C', 1, 0); // 256/1
  h.load('B', 1, 0); // 256/2
  h.load('A', 2, 0); // 512/3
  assert.equal(h.pick(), 'B');
  h.load('A', 1, 128); // 384/3 = 128 = B's 256/2 → tie, B stays
  assert.equal(h.pick(), 'B');
  h.load('A', 1, 127); // 383/3 < 128
  assert.equal(h.pick(), 'A');
});

test('wlc: all idle → the first eligible; weight-0 and overloaded skipped; later weight 0 never wins', () => {
  const h = svc('wlc', { A: 1, B: 5, C: 1 });
  assert.equal(h.pick(), 'C');
  h.edit('C', 0);
  assert.equal(h.pick(), 'B');
  h.load('B', 0, 0, true);
  assert.equal(h.pick(), 'A');
  const g = svc('wlc', { A: 0, B: 1 });
  g.load('B', 50, 0);
  assert.equal(g.pick(), 'B');
  g.edit('B', 0);
  assert.equal(g.pick(), '-');
  assert.equal(new SchedHarness('wlc').pick(), '-');
});

test('sed: (active + 1)/weight, inactive ignored, strict comparison', () => {
  const h = svc('sed', { A: 2, B: 3, C: 1 });
  h.load('C', 0, 0); // 1/1
  h.load('B', 2, 0); // 3/3 = 1 → tie with C, C stays
  h.load('A', 0, 1000); // 1/2
  assert.equal(h.pick(), 'A');
  h.load('A', 1, 0); // 2/2 = 1 → ties, C stays
  assert.equal(h.pick(), 'C');
  // wlc would differ: inactive connections count there.
  const w = svc('wlc', { A: 1, B: 1 });
  const s = svc('sed', { A: 1, B: 1 });
  for (const x of [w, s]) {
    x.load('B', 0, 10);
    x.load('A', 0, 0);
  }
  assert.equal(w.pick(), 'A');
  assert.equal(s.pick(), 'B');
});

test('sed: weight 0 first is skipped, later weight 0 never wins, none → null', () => {
  const h = svc('sed', { A: 1, B: 0 });
  assert.equal(h.order(), 'B A');
  h.load('A', 9, 0);
  assert.equal(h.pick(), 'A');
  h.load('A', 0, 0, true);
  assert.equal(h.pick(), '-');
});

test('nq: the first idle destination in list order wins regardless of weight', () => {
  const h = svc('nq', { A: 1, B: 5, C: 1 });
  h.load('C', 1, 0);
  h.load('B', 1, 0);
  assert.equal(h.pick(), 'A');
  h.load('A', 1, 0);
  // No idle one: (active+1)/weight → B 2/5 beats 2/1.
  assert.equal(h.pick(), 'B');
  h.load('B', 9, 0); // 10/5 = 2 = C's 2/1 → tie, C (earlier) stays
  assert.equal(h.pick(), 'C');
});

test('nq: idle but quiesced or overloaded destinations are not returned', () => {
  const h = svc('nq', { A: 0, B: 1, C: 1 });
  h.load('C', 3, 0);
  h.load('B', 0, 0, true);
  assert.equal(h.pick(), 'C');
  h.load('C', 3, 0, true);
  assert.equal(h.pick(), '-');
});

test('fo: highest weight among non-overloaded, earliest on ties, counters ignored', () => {
  const h = svc('fo', { A: 5, B: 5, C: 2 });
  assert.equal(h.pick(), 'B');
  h.load('B', 1000, 0);
  assert.equal(h.pick(), 'B');
  h.load('B', 0, 0, true);
  assert.equal(h.pick(), 'A');
  h.edit('A', 0);
  assert.equal(h.pick(), 'C');
  h.edit('C', 0);
  assert.equal(h.pick(), '-');
});

test('ovf: a destination takes connections until active > weight, then traffic overflows', () => {
  const h = svc('ovf', { A: 5, B: 5, C: 2 });
  h.load('B', 5, 0);
  assert.equal(h.pick(), 'B');
  h.load('B', 6, 0);
  assert.equal(h.pick(), 'A');
  h.load('A', 6, 999);
  assert.equal(h.pick(), 'C');
  h.load('C', 3, 0);
  assert.equal(h.pick(), '-');
  h.load('C', 0, 0, true);
  h.load('A', 0, 0);
  h.edit('A', 0);
  assert.equal(h.pick(), '-');
});

test('weighted comparisons are exact signed 64-bit products, also past 2^53', () => {
  assert.equal(productGreater(3, 4, 2, 6), false);
  assert.equal(productGreater(3, 5, 2, 7), true);
  // 2147483647 * 2147483647 = 4611686014132420609 vs 2147483646 * 2147483648 = 4611686014132420608.
  assert.equal(productGreater(2147483647, 2147483647, 2147483646, 2147483648), true);
  assert.equal(productGreater(2147483646, 2147483648, 2147483647, 2147483647), false);
  assert.equal(productGreater(-2147483648, 2147483647, -2147483647, 2147483647), false);
  assert.equal(productGreater(-2147483647, 2147483647, -2147483648, 2147483647), true);
});
