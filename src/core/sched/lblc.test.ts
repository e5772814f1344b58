import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldIp } from '../addr.js';
import type { LocalityLeastConnection } from './lblc.js';
import { LOCALITY_GC_INTERVAL_MS, LOCALITY_MAX_SIZE, localityBucket } from './locality-cache.js';
import { SchedHarness, setDestination } from './test-support.js';

const MIN = 60_000;

function lblc(expiration?: number): SchedHarness {
  const h = new SchedHarness('lblc', expiration === undefined ? {} : { sysctls: { lblc_expiration: expiration } });
  return h.addAll({ A: 1, B: 1, C: 1 });
}

function cache(h: SchedHarness): LocalityLeastConnection['cache'] {
  return (h.sched as LocalityLeastConnection).cache;
}

/** Pick for packet destination `daddr` at time `now` (ms). */
function to(h: SchedHarness, daddr: string, now = 0): string {
  setDestination(h.ctx, daddr);
  h.ctx.now = now;
  return h.pick();
}

/** Run the 60 s collection `n` times, the k-th at start + k·60 s. */
function ticks(h: SchedHarness, n: number, start = 0): number {
  let now = start;
  for (let i = 0; i < n; i++) {
    now += LOCALITY_GC_INTERVAL_MS;
    h.sched.tick!(h.svc, now);
  }
  return now;
}

test('lblc: a destination address sticks to the server wlc first chose for it', () => {
  const h = lblc();
  assert.equal(to(h, '203.0.113.1'), 'C');
  h.load('C', 1, 50);
  assert.equal(to(h, '203.0.113.1', 1000), 'C');
  assert.equal(cache(h).get('203.0.113.1')!.lastuse, 1000);
  // A new address is scheduled by wlc: B is now least loaded.
  assert.equal(to(h, '203.0.113.2', 2000), 'B');
  assert.equal(cache(h).size, 2);
});

test('lblc: the cached server is replaced when lblc-overloaded (active > weight while some m has 2·active < weight)', () => {
  const h = lblc();
  h.edit('A', 4);
  assert.equal(to(h, '203.0.113.1'), 'C');
  h.load('C', 2, 0);
  h.load('B', 1, 0);
  h.load('A', 2, 0); // 2·2 = 4 is not < 4: nobody below half weight, C stays
  assert.equal(to(h, '203.0.113.1', 4000), 'C');
  h.load('A', 1, 0); // 2·1 < 4: A is below half its weight → C counts as overloaded
  assert.equal(to(h, '203.0.113.1', 5000), 'A');
  assert.equal(cache(h).get('203.0.113.1')!.dest, h.dest('A'));
  assert.equal(cache(h).get('203.0.113.1')!.lastuse, 5000);
  // Nobody below half weight: C keeps the address although it is busier than its weight.
  const g = lblc();
  assert.equal(to(g, '203.0.113.1'), 'C');
  g.load('C', 9, 0);
  g.load('B', 1, 0);
  g.load('A', 1, 0);
  assert.equal(to(g, '203.0.113.1'), 'C');
});

test('lblc: the OVERLOAD flag is not checked on the cached path, but wlc skips it for new addresses', () => {
  const h = lblc();
  assert.equal(to(h, '203.0.113.1'), 'C');
  h.load('C', 0, 0, true);
  assert.equal(to(h, '203.0.113.1'), 'C');
  assert.equal(to(h, '203.0.113.2'), 'B');
});

test('lblc: a quiesced or deleted cached server is rescheduled and the entry replaced', () => {
  const h = lblc();
  assert.equal(to(h, '203.0.113.1'), 'C');
  h.edit('C', 0);
  assert.equal(to(h, '203.0.113.1'), 'B');
  h.del('B');
  assert.equal(to(h, '203.0.113.1'), 'A');
  h.add('B', 1); // back from the trash: the entry already points at A
  assert.equal(to(h, '203.0.113.1'), 'A');
  h.edit('A', 0);
  h.edit('B', 0);
  assert.equal(to(h, '203.0.113.1'), '-');
  assert.equal(cache(h).get('203.0.113.1')!.dest, h.dest('A'));
});

test('lblc: a full sweep on every 30th run drops entries with now ≥ lastuse + lblc_expiration', () => {
  const h = lblc(600);
  to(h, '203.0.113.1', 0);
  to(h, '203.0.113.2', 1_200_000); // expires exactly at 1 800 000
  to(h, '203.0.113.3', 1_200_001);
  let now = ticks(h, 29);
  assert.equal(now, 29 * MIN);
  assert.equal(cache(h).size, 3);
  now = ticks(h, 1, now); // 30th run at 1 800 000 ms
  assert.deepEqual([...cache(h).values()].map((e) => e.addr), ['203.0.113.3']);
  // The next full sweep is 30 runs later; the expiry sysctl is read at each run.
  h.ipvs.sysctls.lblc_expiration = 60;
  now = ticks(h, 29, now);
  assert.equal(cache(h).size, 1);
  ticks(h, 1, now);
  assert.equal(cache(h).size, 0);
});

test('lblc: the default expiration is a day', () => {
  const h = lblc();
  to(h, '203.0.113.1', 0);
  let now = 0;
  for (let run = 0; run < 48 * 2; run++) now = ticks(h, 30, now); // 48 h of runs
  assert.equal(cache(h).size, 0);
  const g = lblc();
  to(g, '203.0.113.1', 0);
  ticks(g, 30 * 47); // 23.5 h: not yet a day idle at any full sweep
  assert.equal(cache(g).size, 1);
});

test('lblc: past 16384 entries a run sweeps buckets from the rover, idle ≥ 6 min, until 4/3 of the excess is gone', () => {
  const h = lblc();
  const addrs: string[] = [];
  for (let i = 0; i < LOCALITY_MAX_SIZE + 3; i++) addrs.push(`10.200.${i >> 8}.${i & 255}`);
  for (const a of addrs) to(h, a, 0);
  assert.equal(cache(h).size, LOCALITY_MAX_SIZE + 3);
  const inBucket = (b: number): string[] => addrs.filter((a) => localityBucket(foldIp(a)) === b);
  // Keep one bucket-1 entry fresh: the sweep skips it.
  const fresh = inBucket(1)[0]!;
  to(h, fresh, 360_000);
  // goal = 3·4/3 = 4: bucket 1 (rover 0 + 1) alone removes enough.
  h.sched.tick!(h.svc, 360_000);
  const gone1 = inBucket(1).length - 1;
  assert.ok(gone1 >= 4);
  assert.equal(cache(h).size, LOCALITY_MAX_SIZE + 3 - gone1);
  assert.notEqual(cache(h).get(fresh), undefined);
  // Still ≤ max now → the counter advances instead; add entries to exceed it again: bucket 2 is next.
  const extra: string[] = [];
  for (let i = 0; cache(h).size <= LOCALITY_MAX_SIZE; i++) {
    extra.push(`10.201.${i >> 8}.${i & 255}`);
    to(h, extra[extra.length - 1]!, 360_000);
  }
  const before = cache(h).size;
  h.sched.tick!(h.svc, 360_000);
  const idleIn2 = inBucket(2).length;
  assert.equal(cache(h).size, before - idleIn2);
});
