import assert from 'node:assert/strict';
import { test } from 'node:test';
import { masterDownUs, prioritySkewUs, skewUs } from './timers.js';

test('master-down intervals from keepalived.md §4.2 (advert 1 s, v2)', () => {
  const rows: Array<[number, number]> = [
    [100, 3_609_375],
    [150, 3_414_062],
    [254, 3_007_812],
    [1, 3_996_093],
  ];
  for (const [prio, us] of rows) assert.equal(masterDownUs(2, 3, 1_000_000, prio), us, `priority ${prio}`);
});

test('v2 skew does not scale with advert_int; v3 skew does (centiseconds × 625 / 16)', () => {
  assert.equal(prioritySkewUs(2, 100, 5_000_000), 609_375);
  assert.equal(prioritySkewUs(3, 100, 1_000_000), 609_375);
  assert.equal(prioritySkewUs(3, 100, 100_000), 60_937);
  assert.equal(prioritySkewUs(3, 100, 500_000), 304_687);
  assert.equal(masterDownUs(3, 3, 100_000, 100), 360_937);
  assert.equal(masterDownUs(3, 3, 100_000, 254), 300_781);
  assert.equal(skewUs(2, 1, 1_000_000), 3906);
  assert.equal(skewUs(3, 1, 100_000), 390);
});
