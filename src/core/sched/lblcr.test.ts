import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LocalityLeastConnectionReplicated } from './lblcr.js';
import { setMax, setMin } from './lblcr.js';
import { LOCALITY_GC_INTERVAL_MS } from './locality-cache.js';
import { SchedHarness, setDestination } from './test-support.js';

const X = '203.0.113.1';

function lblcr(expiration?: number): SchedHarness {
  const h = new SchedHarness('lblcr', expiration === undefined ? {} : { sysctls: { lblcr_expiration: expiration } });
  return h.addAll({ A: 4, B: 1, C: 1 });
}

function entry(h: SchedHarness, addr = X) {
  return (h.sched as LocalityLeastConnectionReplicated).cache.get(addr);
}

function members(h: SchedHarness, addr = X): string {
  return entry(h, addr)!.set.map((d) => h.label(d)).join(' ');
}

function to(h: SchedHarness, daddr: string, now = 0): string {
  setDestination(h.ctx, daddr);
  h.ctx.now = now;
  return h.pick();
}

test('lblcr: a new address gets a one-member set chosen by wlc', () => {
  const h = lblcr();
  assert.equal(h.order(), 'C B A');
  assert.equal(to(h, X, 1000), 'C');
  assert.equal(members(h), 'C');
  assert.equal(entry(h)!.lastmod, 1000);
  assert.equal(entry(h)!.lastuse, 1000);
  assert.equal(to(h, X, 2000), 'C');
  assert.equal(entry(h)!.lastuse, 2000);
});

test('lblcr: when the set’s least loaded member is lblc-overloaded, wlc adds a server (newest first)', () => {
  const h = lblcr();
  assert.equal(to(h, X, 0), 'C');
  h.load('C', 2, 0); // 2 > weight 1, and A (0·2 < 4) is below half → overloaded
  assert.equal(to(h, X, 5000), 'B');
  assert.equal(members(h), 'B C');
  assert.equal(entry(h)!.lastmod, 5000);
  h.load('B', 2, 0);
  assert.equal(to(h, X, 6000), 'A');
  assert.equal(members(h), 'A B C');
  // Now A is the least loaded member (0/4) and is used without changing the set.
  assert.equal(to(h, X, 7000), 'A');
  assert.equal(entry(h)!.lastmod, 6000);
});

test('lblcr: a server wlc picks that is already a member is not added again (lastmod unchanged)', () => {
  const h = lblcr();
  assert.equal(to(h, X, 0), 'C');
  h.load('C', 2, 0);
  assert.equal(to(h, X, 10), 'B');
  assert.equal(members(h), 'B C');
  h.edit('C', 2);
  h.load('C', 4, 0); // 1024/2 = 512
  h.load('B', 2, 0); // 512/1, and 2 > weight 1
  h.load('A', 1, 10_000); // 2·1 < 4 (below half weight) but 10256/4 is the heaviest load
  // set_min: B (first in the set; C only ties). B is lblc-overloaded → wlc over the service: C
  // (first in list order on the tie), which is already in the set.
  assert.equal(to(h, X, 20), 'C');
  assert.equal(members(h), 'B C');
  assert.equal(entry(h)!.lastmod, 10);
});

test('lblcr: a set stable past lblcr_expiration (strictly) loses its most loaded member', () => {
  const h = lblcr(600);
  to(h, X, 0);
  h.load('C', 2, 0);
  assert.equal(to(h, X, 1000), 'B');
  h.load('C', 0, 0);
  h.load('B', 0, 0);
  h.load('A', 0, 0);
  // Exactly lastmod + 600 s: not yet.
  assert.equal(to(h, X, 601_000), 'B');
  assert.equal(members(h), 'B C');
  h.load('C', 1, 0);
  // One ms later: set_min = B is chosen first, then C (most loaded) is erased.
  assert.equal(to(h, X, 601_001), 'B');
  assert.equal(members(h), 'B');
  assert.equal(entry(h)!.lastmod, 601_001);
});

test('lblcr: the member chosen before the shrink is used even if it is the one erased', () => {
  const h = lblcr(600);
  to(h, X, 0);
  h.load('C', 2, 0);
  assert.equal(to(h, X, 1000), 'B'); // set B C
  h.load('C', 0, 0);
  h.edit('B', 0); // B can no longer be min; C (idle) is the min, and also the only max candidate
  assert.equal(to(h, X, 700_000), 'C');
  assert.equal(members(h), 'B');
});

test('lblcr: set_min skips overloaded/unavailable members; set_max ignores availability', () => {
  const h = lblcr();
  const [a, b, c] = [h.dest('A'), h.dest('B'), h.dest('C')];
  h.load('A', 1, 0);
  h.load('B', 1, 0);
  h.load('C', 0, 0, true);
  assert.equal(setMin([c, b, a]), a); // C overloaded; B 256/1 > A 256/4
  assert.equal(setMax([c, b, a]), b); // C 0/1, B 256/1 > C, A 256/4 < B
  h.del('B');
  assert.equal(setMin([b, a]), a);
  assert.equal(setMax([b, a]), b);
  h.edit('A', 0);
  assert.equal(setMin([a]), null);
  assert.equal(setMax([a]), null);
});

test('lblcr: full sweeps remove whole entries idle for lblcr_expiration', () => {
  const h = lblcr(600);
  to(h, X, 0);
  h.load('C', 2, 0);
  to(h, X, 1_199_999); // second member; lastuse 1 199 999 → expires at 1 799 999
  to(h, '203.0.113.2', 1_200_001);
  assert.equal(members(h), 'B C');
  let now = 0;
  for (let i = 0; i < 30; i++) h.sched.tick!(h.svc, (now += LOCALITY_GC_INTERVAL_MS));
  assert.equal(now, 1_800_000);
  assert.equal(entry(h), undefined);
  assert.equal(entry(h, '203.0.113.2')!.set.length, 1);
});

test('lblcr: no destination available → null and no entry', () => {
  const h = new SchedHarness('lblcr');
  assert.equal(to(h, X), '-');
  assert.equal(entry(h), undefined);
  h.add('A', 0);
  assert.equal(to(h, X), '-');
});
