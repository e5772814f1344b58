import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Stats } from './stats.js';

test('rate estimator follows the kernel sequence for a constant 100 conn/s', () => {
  const s = new Stats();
  const shown: number[] = [];
  const internal: number[] = [];
  for (let step = 0; step < 10; step++) {
    s.conns += 200; // 100 per second over the 2 s period
    s.estimate();
    shown.push(s.rates().cps);
    internal.push(s.internalAverages().cps);
  }
  assert.deepEqual(shown, [25, 44, 58, 68, 76, 82, 87, 90, 92, 94]);
  assert.deepEqual(internal.slice(0, 10), [25600, 44800, 59200, 70000, 78100, 84175, 88731, 92148, 94711, 96633]);
});

test('byte rates use the 2^5 scale and decay after traffic stops', () => {
  const s = new Stats();
  s.countIn(1000);
  s.countIn(1000); // 2000 bytes in 2 s = 1000 B/s
  s.estimate();
  assert.deepEqual(s.rates(), { cps: 0, inpps: 0, outpps: 0, inbps: 250, outbps: 0 });
  assert.equal(s.internalAverages().inbps, 8000);
  s.estimate(); // no traffic: avg += (0 - 8000) >> 2
  assert.equal(s.internalAverages().inbps, 6000);
  assert.equal(s.rates().inpps, 0);
});

test('zero keeps raw counters but shows zero and restarts the estimator', () => {
  const s = new Stats();
  s.conns = 7;
  s.countIn(60);
  s.countOut(40);
  s.estimate();
  s.zero();
  assert.deepEqual(s.snapshot(), { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 });
  assert.deepEqual(s.internalAverages(), { cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 });
  s.conns += 1;
  s.countIn(100);
  assert.deepEqual(s.snapshot(), { conns: 1, inpkts: 1, outpkts: 0, inbytes: 100, outbytes: 0 });
  s.estimate(); // delta since the zero point only
  assert.equal(s.internalAverages().cps, 128);
});

test('negative averages round like an arithmetic shift', () => {
  const s = new Stats();
  s.conns = 1;
  s.estimate(); // avg = 512 >> 2 = 128
  s.estimate(); // avg = 128 + ((0 - 128) >> 2) = 96
  s.estimate(); // 96 - 24 = 72
  s.estimate(); // 72 - 18 = 54
  s.estimate(); // 54 + floor(-54/4) = 54 - 14 = 40
  assert.equal(s.internalAverages().cps, 40);
});
