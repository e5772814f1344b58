import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { largeNumber, u64 } from './format-number.js';

test('abbreviation boundaries: 10^8 K, 10^9 M, 10^11 G, 10^14 T (1000-based, truncating)', () => {
  const cases: Array<[number, string]> = [
    [0, '        0'],
    [7, '        7'],
    [99_999_999, ' 99999999'],
    [100_000_000, '  100000K'],
    [123_456_789, '  123456K'],
    [999_999_999, '  999999K'],
    [1_000_000_000, '    1000M'],
    [2_345_678_901, '    2345M'],
    [99_999_999_999, '   99999M'],
    [100_000_000_000, '     100G'],
    [99_999_999_999_999, '   99999G'],
    [100_000_000_000_000, '     100T'],
    [9_007_199_254_740_991, '    9007T'],
  ];
  for (const [n, cell] of cases) assert.equal(largeNumber(n, false), cell, String(n));
});

test('--exact: width 9, or the number plus one leading space past 8 digits', () => {
  assert.equal(largeNumber(0, true), '        0');
  assert.equal(largeNumber(12_345_678, true), ' 12345678');
  assert.equal(largeNumber(123_456_789, true), ' 123456789');
  assert.equal(largeNumber(2_345_678_901, true), ' 2345678901');
  assert.equal(largeNumber(100_000_000_000_000, true), ' 100000000000000');
});

test('u64 prints integers past 2^53 in full, never in exponent form', () => {
  assert.equal(u64(42), '42');
  assert.equal(u64(1e21), '1000000000000000000000');
});

test('property: a non-exact cell is 9 wide, right aligned, and never overstates the value', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
      const cell = largeNumber(n, false);
      assert.equal(cell.length, 9);
      const m = /^ *(\d+)([KMGT]?)$/.exec(cell);
      assert.ok(m, cell);
      const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
      const shown = Number(m[1]) * scale;
      assert.ok(shown <= n && n - shown < scale, `${n} -> ${cell}`);
    }),
    { numRuns: 300 },
  );
});
