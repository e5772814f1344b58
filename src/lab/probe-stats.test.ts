import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { answerName, formatSummary, parseDuration, summarize, type ProbeSample } from './probe-stats.js';

const ok = (t: number, answer: string): ProbeSample => ({ t, answer });
const lost = (t: number): ProbeSample => ({ t, answer: null, error: 'timeout' });

test('summarize: shares in order of first answer, a gap from the last answer before to the first after', () => {
  const s = summarize([ok(0, 'RS1'), ok(100, 'RS2'), lost(200), lost(300), lost(400), ok(500, 'RS2'), ok(600, 'RS2')]);
  assert.deepEqual(s.shares, [['RS1', 1], ['RS2', 3]]);
  assert.deepEqual(s.gaps, [{ from: 100, to: 500, lost: 3, ms: 400 }]);
  assert.equal(s.lost, 3);
  assert.equal(s.answered, 4);
  assert.equal(s.maxGapMs, 400);
});

test('summarize: a gap at the start counts from the first failure; an open gap has no end and runs to the last sample', () => {
  const s = summarize([lost(0), ok(100, 'A'), ok(200, 'A'), lost(300), lost(400), lost(900)]);
  assert.deepEqual(s.gaps, [
    { from: 0, to: 100, lost: 1, ms: 100 },
    { from: 200, to: null, lost: 3, ms: null },
  ]);
  assert.equal(s.maxGapMs, 700);
});

test('summarize: no samples, no gaps', () => {
  assert.deepEqual(summarize([]), { requests: 0, answered: 0, lost: 0, shares: [], gaps: [], maxGapMs: 0 });
});

test('summarize: answered + lost = requests and the lost of the gaps add up (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.constantFrom('A', 'B', 'C'), { nil: null }), { maxLength: 60 }), (answers) => {
      const s = summarize(answers.map((answer, i) => ({ t: i * 100, answer })));
      assert.equal(s.answered + s.lost, answers.length);
      assert.equal(s.lost, answers.filter((a) => a === null).length);
      assert.equal(s.shares.reduce((a, [, n]) => a + n, 0), s.answered);
      for (const g of s.gaps) if (g.ms !== null) assert.ok(g.ms >= 100 * g.lost);
    }),
    { numRuns: 200 },
  );
});

test('answerName: the first non-empty line, trimmed', () => {
  assert.equal(answerName('\n  <h1>  web02 </h1>\n<p>x</p>\n'), '<h1>  web02 </h1>');
  assert.equal(answerName('This is RS1\n'), 'This is RS1');
  assert.equal(answerName(''), '');
});

test('parseDuration: ms, s, bare numbers; rejects the rest', () => {
  assert.equal(parseDuration('100ms'), 100);
  assert.equal(parseDuration('1s'), 1000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('250'), 250);
  for (const bad of ['', '0', '-1s', '1m', 'fast', '0ms']) assert.equal(parseDuration(bad), null, bad);
});

test('formatSummary: exact text', () => {
  const text = formatSummary(summarize([ok(0, 'RS1'), lost(100), ok(200, 'RS2'), ok(300, 'RS1')]));
  assert.equal(text, '4 requests, 3 answered, 1 lost\n  RS1: 2 (66.7%)\n  RS2: 1 (33.3%)\n  gap: 200 ms, 1 request lost\n');
  assert.equal(formatSummary(summarize([ok(0, 'A')])), '1 requests, 1 answered, 0 lost\n  A: 1 (100.0%)\n  no gap\n');
});
