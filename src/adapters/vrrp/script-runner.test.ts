import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChildScriptRunner, EXEC_FAILED } from './script-runner.js';

const runner = new ChildScriptRunner();

/** Running (a zombie waiting for a reaper that may never come in a container counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('exit status, no shell: arguments are passed as they are', async () => {
  assert.deepEqual(await runner.run(['/bin/sh', '-c', 'exit 3'], 5_000), { kind: 'exit', status: 3 });
  // A shell would expand $HOME; an argument vector keeps it literally.
  assert.deepEqual(await runner.run(['/usr/bin/test', '$HOME', '=', '$HOME'], 5_000), { kind: 'exit', status: 0 });
});

test('a program that does not exist is a failure (127)', async () => {
  assert.deepEqual(await runner.run(['/nonexistent/tsvs-script'], 5_000), { kind: 'exit', status: EXEC_FAILED });
});

test('killed by a signal of its own', async () => {
  assert.deepEqual(await runner.run(['/bin/sh', '-c', 'kill -USR1 $$'], 5_000), { kind: 'signal', signal: 10 });
});

test('the time bound kills the script and what it started', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-script-'));
  const pidFile = join(dir, 'pid');
  try {
    const r = await runner.run(['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], 300);
    assert.deepEqual(r, { kind: 'timeout' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(alive(pid), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
