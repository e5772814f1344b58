import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVerdict, lineCheck, sameAnswerCheck, sequenceCheck, sharesCheck } from './verdict.js';

test('sequenceCheck: exact order', () => {
  assert.deepEqual(sequenceCheck(['RS2', 'RS1'], ['RS2', 'RS1']), { name: 'answers in scheduler order', pass: true, detail: 'RS2, RS1' });
  assert.deepEqual(sequenceCheck(['RS2', 'RS1'], ['RS1', null]), { name: 'answers in scheduler order', pass: false, detail: 'expected RS2, RS1; got RS1, (no answer)' });
  assert.equal(sequenceCheck(['RS2'], ['RS2', 'RS1']).pass, false);
});

test('sharesCheck: exact counts, unexpected answers fail', () => {
  assert.deepEqual(sharesCheck({ RS1: 1, RS2: 2 }, ['RS2', 'RS1', 'RS2']), { name: 'answers per real server', pass: true, detail: 'RS1=1 RS2=2' });
  assert.deepEqual(sharesCheck({ RS1: 1, RS2: 2 }, ['RS2', 'RS2', null]), { name: 'answers per real server', pass: false, detail: 'expected RS1=1 RS2=2 (no answer)=0; got RS1=0 RS2=2 (no answer)=1' });
});

test('sameAnswerCheck: all equal and answered; empty fails', () => {
  assert.deepEqual(sameAnswerCheck('sticky', ['a', 'a']), { name: 'sticky', pass: true, detail: '2 × a' });
  assert.equal(sameAnswerCheck('sticky', ['a', 'b']).pass, false);
  assert.equal(sameAnswerCheck('sticky', [null, null]).pass, false);
  assert.equal(sameAnswerCheck('sticky', []).pass, false);
});

test('lineCheck: prefix match with blanks collapsed', () => {
  const out = 'Prot LocalAddress:Port Scheduler Flags\nTCP  10.0.0.100:80 wrr\n  -> 192.168.59.131:80            Tunnel  1      0          0\n';
  assert.equal(lineCheck('t', out, '-> 192.168.59.131:80 Tunnel 1').pass, true);
  assert.equal(lineCheck('t', out, 'TCP 10.0.0.100:80 rr').pass, false);
});

test('formatVerdict: one line per check, then the verdict', () => {
  assert.equal(
    formatVerdict('seed-x', [
      { name: 'a', pass: true, detail: '1' },
      { name: 'b', pass: false, detail: 'two\nlines' },
    ]),
    'PASS  a: 1\nFAIL  b: two\n        lines\nseed-x: FAIL (1 of 2 checks failed)\n',
  );
  assert.equal(formatVerdict('seed-y', [{ name: 'a', pass: true, detail: '1' }]), 'PASS  a: 1\nseed-y: PASS (1 checks)\n');
});
