/**
 * One lab at a time on a machine: `up`, `test` and `down` hold /run/tsvs/lab.lock (pid and kernel
 * start time) while they change the lab, so two of them (two shells, two test runs) never tear
 * down each other's namespaces halfway. A lock whose holder is gone is taken over.
 *
 * The lock file appears whole or not at all (written to a temporary file, then hard-linked to the
 * lock path, which fails if it exists), so a waiter never reads a half-written one. A dead holder's
 * lock is taken over by renaming it away (one waiter wins the rename) and checking that what was
 * moved is still the dead holder's lock; if not, it is put back.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRunning, startTimeOf } from './processes.js';
import { sleep } from './shell.js';
import { labRoot } from './state.js';

export const defaultLockPath = (): string => `${labRoot()}.lock`;

/**
 * An unparsable lock counts as held, unless it is older than this: then it is left from a crash
 * (only a lock written before locks were linked whole can be empty) and taken over like a dead one.
 */
export const UNREADABLE_LOCK_MAX_AGE_MS = 10_000;

type Holder = { readonly pid: number; readonly startTime: string } | 'unreadable' | null;

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function parseLock(text: string): { pid: number; startTime: string } | null {
  const m = /^([1-9]\d*) (\d+)\n?$/.exec(text);
  return m ? { pid: Number(m[1]), startTime: m[2]! } : null;
}

function holder(path: string): Holder {
  const text = readLock(path);
  if (text === null) return null;
  return parseLock(text) ?? 'unreadable';
}

const alive = (pid: number, startTime: string): boolean => isRunning({ node: '', name: '', pid, startTime, argv: [] });

let unique = 0;
const privateName = (path: string, what: string): string => `${path}.${what}.${process.pid}.${++unique}`;

/** Create the lock whole, or fail if it exists. */
export function tryTake(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = privateName(path, 'new');
  writeFileSync(tmp, `${process.pid} ${startTimeOf(process.pid) ?? ''}\n`);
  try {
    linkSync(tmp, path);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Remove the lock whose content was `seen` (a dead holder's). Of several waiters doing this at
 * once, one moves it away; another that then moves a newer lock (its winner's) puts it back.
 */
export function takeOverStale(path: string, seen: string): void {
  const moved = privateName(path, 'stale');
  try {
    renameSync(path, moved);
  } catch {
    return; // Gone already: someone else took it over or released it.
  }
  if (readLock(moved) !== seen) {
    try {
      linkSync(moved, path);
    } catch {
      // A third process created a lock in the instant it was away: nothing sane to restore.
    }
  }
  rmSync(moved, { force: true });
}

/** Whether the lock (as read: `text`) belongs to nobody any more. */
function stale(path: string, text: string): boolean {
  const h = parseLock(text);
  if (h) return !alive(h.pid, h.startTime);
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_LOCK_MAX_AGE_MS;
  } catch {
    return false;
  }
}

/**
 * A process that holds the lock across several lab commands (a test driving up, probe, fail, down)
 * names itself in TSVS_LAB_LOCKED_BY for its children: they run under its lock.
 */
export const LOCK_ENV = 'TSVS_LAB_LOCKED_BY';

/** Wait for the lock (telling `log` once whom we wait for); resolves to its release function. */
export async function takeLabLock(log: (t: string) => void, timeoutMs = 600_000, path = defaultLockPath()): Promise<() => void> {
  const inherited = holder(path);
  if (inherited && inherited !== 'unreadable' && String(inherited.pid) === process.env[LOCK_ENV] && alive(inherited.pid, inherited.startTime)) return () => {};
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (tryTake(path)) break;
    const text = readLock(path);
    if (text === null) continue; // Released meanwhile.
    if (stale(path, text)) {
      takeOverStale(path, text);
      continue;
    }
    const who = parseLock(text)?.pid ?? '?';
    if (Date.now() > deadline) throw new Error(`another tsvs lab (pid ${who}) has held ${path} for too long`);
    if (!told) log(`tsvs lab: waiting for another tsvs lab command (pid ${who}) to finish\n`);
    told = true;
    await sleep(250);
  }
  return () => {
    const h = holder(path);
    if (h && h !== 'unreadable' && h.pid === process.pid) rmSync(path, { force: true });
  };
}
