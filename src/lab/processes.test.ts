import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startInNode, startTimeOf, waitForReady } from './processes.js';
import type { ProcRecord } from './state.js';

/** A process logging to DIR/n-x.log as startInNode's would, outside any namespace. */
function started(dir: string, script: string): { rec: ProcRecord; exited: Promise<unknown> } {
  const log = openSync(join(dir, 'n-x.log'), 'a');
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', log, log] });
  closeSync(log);
  const rec: ProcRecord = { node: 'n', name: 'x', pid: child.pid!, startTime: startTimeOf(child.pid!) ?? '', argv: [] };
  return { rec, exited: new Promise((r) => child.once('exit', r)) };
}

test('waitForReady: a process that exits before it is ready fails at once, with the end of its log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-proc-'));
  try {
    const { rec, exited } = started(dir, 'console.log("bad config: line 3"); process.exit(1)');
    await exited;
    // 60 s would time out the test if the exit were not noticed.
    await assert.rejects(waitForReady(dir, rec, () => false, 60_000), {
      message: `n: x did not become ready (exited); the end of ${join(dir, 'n-x.log')}:\nbad config: line 3\n`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitForReady: resolves once ready; says "timed out" when a live process never is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-proc-'));
  const { rec, exited } = started(dir, 'setTimeout(() => {}, 20000)');
  try {
    let calls = 0;
    await waitForReady(dir, rec, () => ++calls === 3, 10_000, 10);
    assert.equal(calls, 3);
    await assert.rejects(waitForReady(dir, rec, () => false, 100), { message: `n: x did not become ready (timed out after 100 ms); the end of ${join(dir, 'n-x.log')}:\n` });
  } finally {
    process.kill(rec.pid, 'SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('startInNode: a spawn that fails throws instead of crashing the process with an unheard error event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-proc-'));
  const path = process.env['PATH'];
  process.env['PATH'] = join(dir, 'nothing-here');
  try {
    assert.throws(() => startInNode(dir, 'n', 'x', ['true']), { message: 'n: cannot start true (ip netns exec did not start)' });
    // The 'error' event comes after the throw; an unheard one would fail this test as uncaught.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.env['PATH'] = path;
    rmSync(dir, { recursive: true, force: true });
  }
});
