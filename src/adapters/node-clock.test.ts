import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeClock } from './node-clock.js';

test('timers fire once, in delay order, and clear() cancels', async () => {
  const clock = new NodeClock({ ref: true });
  const fired: string[] = [];
  clock.set(20, () => fired.push('b'));
  clock.set(0, () => fired.push('a'));
  const c = clock.set(5, () => fired.push('cancelled'));
  clock.clear(c);
  clock.clear(c); // twice is harmless
  assert.equal(clock.pendingCount, 2);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(fired, ['a', 'b']);
  assert.equal(clock.pendingCount, 0);
});

test('time is monotonic', () => {
  const clock = new NodeClock();
  const a = clock.now();
  const b = clock.now();
  assert.ok(b >= a);
});
