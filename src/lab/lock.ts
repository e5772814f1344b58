/**
 * One lab at a time on a machine: `up`, `test` and `down` hold /run/tsvs/lab.lock (pid and kernel
 * start time) while they change the lab, so two of them (two shells, two test runs) never tear
 * down each other's namespaces halfway. A lock whose holder is gone is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRunning, startTimeOf } from './processes.js';
import { sleep } from './shell.js';
import { labRoot } from './state.js';

const lockPath = (): string => `${labRoot()}.lock`;

function holder(): { pid: number; startTime: string } | null {
  try {
    const [pid, startTime] = readFileSync(lockPath(), 'utf8').trim().split(' ');
    return { pid: Number(pid), startTime: startTime ?? '' };
  } catch {
    return null;
  }
}

function tryTake(): boolean {
  try {
    mkdirSync(dirname(lockPath()), { recursive: true });
    writeFileSync(lockPath(), `${process.pid} ${startTimeOf(process.pid) ?? ''}\n`, { flag: 'wx' });
    return true;
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
export async function takeLabLock(log: (t: string) => void, timeoutMs = 600_000): Promise<() => void> {
  const inherited = holder();
  if (inherited && String(inherited.pid) === process.env[LOCK_ENV] && isRunning({ node: '', name: '', pid: inherited.pid, startTime: inherited.startTime, argv: [] })) return () => {};
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (tryTake()) break;
    const h = holder();
    if (h && !isRunning({ node: '', name: '', pid: h.pid, startTime: h.startTime, argv: [] })) {
      // The holder died without releasing it: take it over.
      rmSync(lockPath(), { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another tsvs lab (pid ${h?.pid ?? '?'}) has held ${lockPath()} for too long`);
    if (!told) log(`tsvs lab: waiting for another tsvs lab command (pid ${h?.pid ?? '?'}) to finish\n`);
    told = true;
    await sleep(250);
  }
  return () => {
    const h = holder();
    if (h?.pid === process.pid) rmSync(lockPath(), { force: true });
  };
}
