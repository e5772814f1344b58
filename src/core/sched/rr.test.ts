import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchedHarness } from './test-support.js';

function abc(): SchedHarness {
  return new SchedHarness('rr').addAll({ A: 1, B: 1, C: 1 });
}

test('rr: added A, B, C → list C B A, picks C B A C B A … (ipvs.md §2.1)', () => {
  const h = abc();
  assert.equal(h.order(), 'C B A');
  assert.equal(h.picks(7), 'C B A C B A C');
});

test('rr: deleting the cursor moves it to its predecessor, so the next pick is its successor', () => {
  const h = abc();
  assert.equal(h.picks(2), 'C B');
  h.del('B');
  assert.equal(h.order(), 'C A');
  assert.equal(h.picks(3), 'A C A');
});

test('rr: deleting the cursor at the list front moves it to head', () => {
  const h = abc();
  assert.equal(h.pick(), 'C');
  h.del('C');
  assert.equal(h.picks(3), 'B A B');
});

test('rr: deleting a non-cursor destination keeps the cursor', () => {
  const h = abc();
  assert.equal(h.pick(), 'C');
  h.del('A');
  assert.equal(h.picks(3), 'B C B');
});

test('rr: a new destination joins at the front and is reached after the wrap', () => {
  const h = abc();
  assert.equal(h.picks(2), 'C B');
  h.add('D', 1);
  assert.equal(h.order(), 'D C B A');
  assert.equal(h.picks(5), 'A D C B A');
});

test('rr: weight 0 (quiesced) and overloaded destinations are skipped; edits need no hook', () => {
  const h = abc();
  h.edit('B', 0);
  assert.equal(h.picks(4), 'C A C A');
  h.edit('B', 3);
  h.load('C', 0, 0, true);
  assert.equal(h.picks(4), 'B A B A');
});

test('rr: when only the cursor is eligible the second pass returns it again', () => {
  const h = abc();
  assert.equal(h.pick(), 'C');
  h.edit('B', 0);
  h.edit('A', 0);
  assert.equal(h.picks(3), 'C C C');
});

test('rr: empty service, all weights 0 and all overloaded give no destination', () => {
  const h = new SchedHarness('rr');
  assert.equal(h.pick(), '-');
  h.add('A', 0);
  h.add('B', 0);
  assert.equal(h.picks(2), '- -');
  h.edit('A', 1);
  h.edit('B', 1);
  h.load('A', 0, 0, true);
  h.load('B', 0, 0, true);
  assert.equal(h.pick(), '-');
  h.load('B', 0, 0, false);
  assert.equal(h.picks(2), 'B B');
});

test('rr: changing the scheduler with -E starts again from head', () => {
  const h = abc();
  assert.equal(h.picks(2), 'C B');
  const spec = { key: h.svc.key, scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' };
  assert.equal(h.ipvs.apply({ type: 'edit-service', service: spec }).ok, true);
  assert.equal(h.ipvs.apply({ type: 'edit-service', service: { ...spec, scheduler: 'rr' } }).ok, true);
  assert.equal(h.picks(3), 'C B A');
});
