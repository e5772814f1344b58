import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../core/fake-clock.js';
import type { Logger } from '../../core/ports.js';
import type { ScriptOutcome } from '../../core/vrrp/types.js';
import { MemoryScriptRunner } from './memory-ports.js';
import { TrackScripts } from './track-scripts.js';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a tracked script runs at once, then every interval from the start of a run; a run still going is not doubled', async () => {
  const clock = new FakeClock(0);
  const runner = new MemoryScriptRunner(clock, (args) => ({ kind: 'exit', status: args[0] === '/ok' ? 0 : 1 }), 1_500);
  const logs: string[] = [];
  const log: Logger = { debug() {}, info: (m) => logs.push(m), warn() {}, error() {} };
  const outcomes: Array<[number, string, ScriptOutcome]> = [];
  const t = new TrackScripts(
    [{ name: 'chk', script: { text: '/ok', args: ['/ok'], user: null, group: null, loc: { file: 'k', line: 1, col: 1 } }, intervalMs: 1_000, timeoutMs: 1_000 }],
    clock,
    runner,
    log,
    (name, o) => outcomes.push([clock.now(), name, o]),
  );
  t.start();
  for (let i = 0; i < 39; i++) {
    clock.advance(100);
    await flush();
  }
  t.stop();
  // Runs start at 0, (1000 skipped: still running), 2000, (3000 skipped); each takes 1.5 s.
  assert.deepEqual(runner.calls.map((c) => [c.args, c.timeoutMs]), [[['/ok'], 1_000], [['/ok'], 1_000]]);
  assert.deepEqual(outcomes, [[1_500, 'chk', { kind: 'exit', status: 0 }], [3_500, 'chk', { kind: 'exit', status: 0 }]]);
  assert.deepEqual(logs, ['Track script chk is already running, expect idle - skipping run', 'Track script chk is already running, expect idle - skipping run']);
  assert.equal(clock.pendingCount, 0);
});
