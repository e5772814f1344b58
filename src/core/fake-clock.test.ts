import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './fake-clock.js';
import { SeededRng } from './rng.js';

test('FakeClock fires due timers in time then creation order, at their own time', () => {
  const c = new FakeClock(1000);
  const seen: string[] = [];
  c.set(50, () => seen.push(`b@${c.now()}`));
  c.set(10, () => {
    seen.push(`a@${c.now()}`);
    c.set(5, () => seen.push(`c@${c.now()}`));
  });
  const dropped = c.set(20, () => seen.push('never'));
  c.set(50, () => seen.push(`d@${c.now()}`));
  c.clear(dropped);
  c.advance(49);
  assert.deepEqual(seen, ['a@1010', 'c@1015']);
  assert.equal(c.now(), 1049);
  c.advance(1);
  assert.deepEqual(seen, ['a@1010', 'c@1015', 'b@1050', 'd@1050']);
  assert.equal(c.pendingCount, 0);
});

test('SeededRng is deterministic per seed and spreads over 32 bits', () => {
  const a = new SeededRng(42);
  const b = new SeededRng(42);
  const xs = Array.from({ length: 1000 }, () => a.next32());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next32()));
  const other = new SeededRng(43);
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => other.next32()));
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
  const high = xs.filter((x) => x >= 2 ** 31).length;
  assert.ok(high > 430 && high < 570, `high half ${high}`);
});
