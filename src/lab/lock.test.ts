import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLock, takeLabLock, takeOverStale, tryTake } from './lock.js';
import { startTimeOf } from './processes.js';

function tempLock(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-lock-'));
  return { dir, path: join(dir, 'lab.lock') };
}

const mine = (): string => `${process.pid} ${startTimeOf(process.pid)}\n`;

async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

test('parseLock: "PID STARTTIME" only; anything else is unreadable', () => {
  assert.deepEqual(parseLock('123 456\n'), { pid: 123, startTime: '456' });
  assert.deepEqual(parseLock('123 456'), { pid: 123, startTime: '456' });
  for (const t of ['', '\n', '0 1\n', '123\n', '123 \n', 'x 1\n', '1 2 3\n']) assert.equal(parseLock(t), null, JSON.stringify(t));
});

test('tryTake: the lock appears whole, only once, and leaves no temporary file', () => {
  const { dir, path } = tempLock();
  try {
    assert.equal(tryTake(path), true);
    assert.equal(readFileSync(path, 'utf8'), mine());
    assert.equal(tryTake(path), false);
    assert.deepEqual(readdirSync(dir), ['lab.lock']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('takeLabLock: taken when free, removed on release', async () => {
  const { dir, path } = tempLock();
  try {
    const release = await takeLabLock(() => assert.fail('should not wait'), 1_000, path);
    assert.equal(readFileSync(path, 'utf8'), mine());
    release();
    assert.equal(existsSync(path), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('takeLabLock: a dead holder\'s lock is taken over', async () => {
  const { dir, path } = tempLock();
  try {
    writeFileSync(path, `${await deadPid()} 1\n`);
    const release = await takeLabLock(() => assert.fail('should not wait'), 1_000, path);
    assert.equal(readFileSync(path, 'utf8'), mine());
    release();
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('takeLabLock: a live holder and a fresh unreadable (empty) lock are waited for, never removed', async () => {
  const { dir, path } = tempLock();
  try {
    const live = `${process.ppid} ${startTimeOf(process.ppid)}\n`;
    for (const [content, who] of [[live, String(process.ppid)], ['', '?']] as const) {
      writeFileSync(path, content);
      const logged: string[] = [];
      await assert.rejects(takeLabLock((t) => logged.push(t), 300, path), { message: `another tsvs lab (pid ${who}) has held ${path} for too long` });
      assert.deepEqual(logged, [`tsvs lab: waiting for another tsvs lab command (pid ${who}) to finish\n`]);
      assert.equal(readFileSync(path, 'utf8'), content);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('takeLabLock: an unreadable lock older than the bound is taken over', async () => {
  const { dir, path } = tempLock();
  try {
    writeFileSync(path, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const release = await takeLabLock(() => assert.fail('should not wait'), 1_000, path);
    assert.equal(readFileSync(path, 'utf8'), mine());
    release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('takeOverStale: removes the lock it judged dead; a lock that changed meanwhile is put back', () => {
  const { dir, path } = tempLock();
  try {
    writeFileSync(path, '999999 1\n');
    takeOverStale(path, '999999 1\n');
    assert.deepEqual(readdirSync(dir), []);
    // Another waiter took the dead lock over first and now holds a new one: it must survive.
    writeFileSync(path, mine());
    takeOverStale(path, '999999 1\n');
    assert.deepEqual(readdirSync(dir), ['lab.lock']);
    assert.equal(readFileSync(path, 'utf8'), mine());
    // Nothing there: nothing happens.
    rmSync(path);
    takeOverStale(path, '999999 1\n');
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
