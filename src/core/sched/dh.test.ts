import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DestinationHashing } from './dh.js';
import { SchedHarness, setDestination, setSource } from './test-support.js';

function to(h: SchedHarness, daddr: string): string {
  setDestination(h.ctx, daddr);
  return h.pick();
}

function table(h: SchedHarness, n: number): string {
  return (h.sched as DestinationHashing).table
    .slice(0, n)
    .map((d) => h.label(d))
    .join(' ');
}

test('dh: bucket i holds list position i mod n, weights ignored; keyed by packet destination', () => {
  const h = new SchedHarness('dh').addAll({ A: 1, B: 5, C: 1 });
  assert.equal(table(h, 7), 'C B A C B A C');
  // 192.168.1.1 → bucket 177, 177 mod 3 = 0 → C; 10.0.0.7 → 215 mod 3 = 2 → A; 203.0.113.45 → 29 mod 3 = 2 → A.
  assert.equal(to(h, '192.168.1.1'), 'C');
  assert.equal(to(h, '10.0.0.7'), 'A');
  assert.equal(to(h, '203.0.113.45'), 'A');
  // The source address plays no part.
  setSource(h.ctx, '10.0.0.7');
  assert.equal(to(h, '192.168.1.1'), 'C');
});

test('dh: quiesced or overloaded bucket owner fails, no fallback', () => {
  const h = new SchedHarness('dh').addAll({ A: 1, B: 1, C: 1 });
  h.edit('C', 0);
  assert.equal(to(h, '192.168.1.1'), '-');
  h.edit('C', 1);
  h.load('C', 0, 0, true);
  assert.equal(to(h, '192.168.1.1'), '-');
});

test('dh: rebuilt on add and delete (an edit leaves the weight-free table as it was)', () => {
  const h = new SchedHarness('dh').addAll({ A: 1, B: 1, C: 1 });
  h.edit('A', 7);
  assert.equal(table(h, 3), 'C B A');
  h.del('C');
  assert.equal(table(h, 4), 'B A B A');
  assert.equal(to(h, '192.168.1.1'), 'A'); // 177 mod 2 = 1
  h.add('D', 1);
  assert.equal(table(h, 4), 'D B A D');
  h.del('D');
  h.del('B');
  h.del('A');
  assert.equal(table(h, 2), '- -');
  assert.equal(to(h, '192.168.1.1'), '-');
});
