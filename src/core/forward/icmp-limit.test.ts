import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IcmpRateLimit } from './icmp-limit.js';

/** How many of `n` time-exceeded errors at `now` the bucket lets through. */
function allowed(l: IcmpRateLimit, n: number, now: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (l.allow(4, 11, 0, now)) k++;
  return k;
}

test('ICMP rate limit: a burst of 50, then 1000 a second in whole tokens, never above the burst', () => {
  const l = new IcmpRateLimit();
  assert.deepEqual([l.perSecond, l.burst], [1000, 50]);
  assert.deepEqual(
    [allowed(l, 60, 100), allowed(l, 5, 100), allowed(l, 5, 101), allowed(l, 20, 111), allowed(l, 100, 5000), allowed(l, 3, 4000)],
    // full burst; empty; 1 ms → 1; 10 ms → 10; long idle → the burst again; time going back adds nothing
    [50, 0, 1, 10, 50, 0],
  );
});

test('ICMP rate limit: a slow rate keeps the part of a token it has not given yet', () => {
  const l = new IcmpRateLimit(3, 2);
  // 3 a second: one token every 333⅓ ms.
  assert.deepEqual([allowed(l, 5, 0), allowed(l, 1, 300), allowed(l, 1, 340), allowed(l, 1, 600), allowed(l, 1, 670)], [2, 0, 1, 0, 1]);
});

test('ICMP rate limit: fragmentation needed and packet too big are never limited (PMTU discovery), other ICMPv6 errors are', () => {
  const l = new IcmpRateLimit(1000, 1);
  assert.deepEqual(
    [l.allow(6, 3, 0, 0), l.allow(6, 1, 4, 0), l.allow(4, 3, 3, 0), l.allow(4, 3, 4, 0), l.allow(6, 2, 0, 0), l.allow(4, 3, 4, 0)],
    [true, false, false, true, true, true],
  );
});
