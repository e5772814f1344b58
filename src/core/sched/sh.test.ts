import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCHED_FLAG_FALLBACK, SCHED_FLAG_PORT } from '../model.js';
import type { SourceHashing } from './sh.js';
import { SchedHarness, setDestination, setSource } from './test-support.js';

/** Kernel list A(w1) B(w2) C(w1): added C, B, A. */
function shABC(flags = 0): SchedHarness {
  const h = new SchedHarness('sh', { flags });
  h.add('C', 1);
  h.add('B', 2);
  h.add('A', 1);
  return h;
}

function table(h: SchedHarness, n: number): string {
  return (h.sched as SourceHashing).table
    .slice(0, n)
    .map((d) => h.label(d))
    .join(' ');
}

function from(h: SchedHarness, saddr: string, sport = 40000): string {
  setSource(h.ctx, saddr, sport);
  return h.pick();
}

test('sh: buckets follow the list cyclically, weight buckets each: A B B C A B B C …', () => {
  const h = shABC();
  assert.equal(h.order(), 'A B C');
  assert.equal(table(h, 12), 'A B B C A B B C A B B C');
});

test('sh: §2.15 vectors — 192.168.1.1 → B, 10.0.0.7 → C, 203.0.113.45 → B', () => {
  const h = shABC();
  assert.equal(from(h, '192.168.1.1'), 'B');
  assert.equal(from(h, '10.0.0.7'), 'C');
  assert.equal(from(h, '203.0.113.45'), 'B');
});

test('sh: the source port counts only with sh-port (flag-2)', () => {
  // Bucket ≡ (low byte of addr + port) mod 4 here; port 3 moves 192.168.1.1 from bucket 177 (B) to 196 (A).
  assert.equal(from(shABC(), '192.168.1.1', 3), 'B');
  assert.equal(from(shABC(SCHED_FLAG_PORT), '192.168.1.1', 3), 'A');
  assert.equal(from(shABC(SCHED_FLAG_PORT), '192.168.1.1', 5000), 'B'); // bucket 185
});

test('sh: inverse (ICMP-scheduled) packets key on the destination address and port', () => {
  const h = shABC(SCHED_FLAG_PORT);
  setSource(h.ctx, '192.168.1.1', 3);
  setDestination(h.ctx, '10.0.0.7');
  h.ctx.dport = 0;
  h.ctx.inverse = true;
  assert.equal(h.pick(), 'C');
});

test('sh: a weight-0 destination keeps one bucket and fails there without sh-fallback', () => {
  const h = new SchedHarness('sh');
  h.add('C', 1);
  h.add('B', 0);
  h.add('A', 1);
  assert.equal(table(h, 6), 'A B C A B C');
  // Low byte 81 → bucket 1 (81·177 ≡ 1 mod 256) → B.
  assert.equal(from(h, '10.9.9.81'), '-');
  assert.equal(from(h, '192.168.1.1'), 'A'); // bucket 177 ≡ 0 mod 3
});

test('sh-fallback: an unavailable bucket probes h(roffset) = (roffset + h0) & 255 from roffset = h0', () => {
  const h = shABC(SCHED_FLAG_FALLBACK);
  h.load('B', 0, 0, true);
  // 192.168.1.1: h0 = 177 (B, overloaded); probe 354 & 255 = 98 (B), then 99 (C).
  assert.equal(from(h, '192.168.1.1'), 'C');
  const plain = shABC();
  plain.load('B', 0, 0, true);
  assert.equal(from(plain, '192.168.1.1'), '-');
  h.load('A', 0, 0, true);
  h.load('C', 0, 0, true);
  assert.equal(from(h, '192.168.1.1'), '-');
});

test('sh: the table is rebuilt on add, delete and edit; empty service fails', () => {
  const h = shABC();
  h.edit('B', 1);
  assert.equal(table(h, 6), 'A B C A B C');
  h.del('A');
  assert.equal(table(h, 4), 'B C B C');
  h.add('D', 3);
  assert.equal(table(h, 10), 'D D D B C D D D B C');
  h.del('B');
  h.del('C');
  h.del('D');
  assert.equal(table(h, 2), '- -');
  assert.equal(from(h, '192.168.1.1'), '-');
});
