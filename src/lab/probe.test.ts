import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { probeLinePrinter, RunningProbe, type ProbeLine } from './probe.js';

test('probeLinePrinter: answers with their round trip, failures with the reason, a marker after a gap', () => {
  const out: string[] = [];
  const print = probeLinePrinter((t) => void out.push(t), 100);
  const lines: ProbeLine[] = [
    { i: 0, t: 0, ms: 3, answer: 'This is RS1' },
    { i: 1, t: 100, ms: 2, answer: 'This is RS2' },
    { i: 2, t: 200, ms: 1000, answer: null, error: 'timeout' },
    { i: 3, t: 300, ms: 1, answer: null },
    { i: 4, t: 400, ms: 4, answer: 'This is RS2' },
    { i: 5, t: 12345, ms: 5, answer: 'This is RS1' },
  ];
  lines.forEach(print);
  assert.deepEqual(out, [
    '    0.0 s  This is RS1  (3 ms)\n',
    '    0.1 s  This is RS2  (2 ms)\n',
    '    0.2 s  no answer (timeout)\n',
    '    0.3 s  no answer (error)\n',
    '    0.4 s  -- answers again after 300 ms\n',
    '    0.4 s  This is RS2  (4 ms)\n',
    '   12.3 s  -- answers again after 11945 ms\n',
    '   12.3 s  This is RS1  (5 ms)\n',
  ]);
});

test('RunningProbe: a spawn that fails rejects `done` (and stop() returns) instead of leaving it pending', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-probe-'));
  const path = process.env['PATH'];
  process.env['PATH'] = join(dir, 'nothing-here');
  try {
    const p = new RunningProbe('client', 'http://192.0.2.1/', 100, 1, 1_000);
    await assert.rejects(p.done, { message: 'probe did not start: spawn ip ENOENT' });
    await p.stop();
    assert.deepEqual(p.samples, []);
  } finally {
    process.env['PATH'] = path;
    rmSync(dir, { recursive: true, force: true });
  }
});
