import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimerWheel } from './timer-wheel.js';

function fire(w: TimerWheel, now: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  w.advance(now, (id, at) => out.push([id, at]));
  return out;
}

test('fires exactly at the expiry ms, in expiry order, whatever the call rate', () => {
  const w = new TimerWheel(16);
  w.begin(0);
  w.arm(1, 5000);
  w.arm(2, 1000);
  w.arm(3, 1001);
  assert.deepEqual(fire(w, 999), []);
  assert.deepEqual(fire(w, 1000), [[2, 1000]]);
  assert.deepEqual(fire(w, 4999), [[3, 1001]]);
  assert.deepEqual(fire(w, 5000), [[1, 5000]]);
  assert.equal(w.armed, 0);
});

test('re-arming later only moves the expiry; re-arming earlier takes effect at once', () => {
  const w = new TimerWheel(8, { tickMs: 100, slots: 16 });
  w.begin(0);
  w.arm(0, 1000);
  w.arm(0, 9000);
  assert.deepEqual(fire(w, 8999), []);
  w.arm(0, 9500);
  w.arm(0, 9100);
  assert.deepEqual(fire(w, 9099), []);
  assert.deepEqual(fire(w, 9100), [[0, 9100]]);
});

test('expiries beyond one lap of the wheel wait for their time', () => {
  const w = new TimerWheel(4, { tickMs: 10, slots: 4 });
  w.begin(0);
  w.arm(0, 1234);
  w.arm(1, 35);
  assert.deepEqual(fire(w, 40), [[1, 35]]);
  assert.deepEqual(fire(w, 1233), []);
  assert.deepEqual(fire(w, 100000), [[0, 1234]]);
});

test('a big jump fires everything in expiry order (ties by id), including re-arms made on the way', () => {
  const w = new TimerWheel(4, { tickMs: 128, slots: 64 });
  w.begin(0);
  w.arm(0, 70_000);
  w.arm(1, 10_000);
  const seen: Array<[number, number]> = [];
  let extended = 0;
  w.advance(200_000, (id, at) => {
    seen.push([id, at]);
    // id 1 stays alive twice for 60 s, like an entry that still controls others.
    if (id === 1 && extended++ < 2) w.arm(1, at + 60_000);
  });
  assert.deepEqual(seen, [
    [1, 10_000],
    [0, 70_000],
    [1, 70_000],
    [1, 130_000],
  ]);
});

test('ties break with the given order; disarm removes', () => {
  const w = new TimerWheel(8, { tieBreak: (a, b) => b - a });
  w.begin(0);
  for (const id of [1, 5, 3]) w.arm(id, 500);
  w.arm(7, 500);
  w.disarm(7);
  assert.equal(w.isArmed(7), false);
  assert.deepEqual(fire(w, 500).map(([id]) => id), [5, 3, 1]);
});

test('capacity grows and the clock starts at the first time it is given', () => {
  const w = new TimerWheel(2);
  w.ensureCapacity(100);
  w.begin(1_000_000_000);
  w.arm(99, 1_000_000_050);
  assert.deepEqual(fire(w, 1_000_000_049), []);
  assert.deepEqual(fire(w, 1_000_000_050), [[99, 1_000_000_050]]);
});
