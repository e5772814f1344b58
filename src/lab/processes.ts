/**
 * Processes the lab starts inside its namespaces: detached (so `tsvs lab up` can exit), output to a
 * log file in the state directory, a pid record written at once. Stopping goes by that record,
 * checked against the kernel's start time, so only the lab's own processes are ever signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nsName, sleep, until } from './shell.js';
import { forgetProcess, processRecord, recordProcess, type ProcRecord } from './state.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** argv that runs `tsvs ARGS` the way this process runs (sources through tsx, or dist/). */
export function tsvsArgv(args: readonly string[]): string[] {
  return [process.execPath, join(ROOT, 'bin/tsvs.js'), ...args];
}

/** argv that runs one of the lab's agents (src/lab/agents/NAME). */
export function agentArgv(name: string, args: readonly string[]): string[] {
  const file = fileURLToPath(new URL(`./agents/${name}.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
  return FROM_SOURCE ? [process.execPath, '--import', 'tsx', file, ...args] : [process.execPath, file, ...args];
}

/** Marks every process the lab starts (TSVS_LAB=1), so a test can tell that none is left. */
export const LAB_ENV_MARK = 'TSVS_LAB';

export const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env, [LAB_ENV_MARK]: '1', ...(FROM_SOURCE ? { TSVS_FROM_SOURCE: '1' } : {}) });

export function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Alive and still the process the record names (zombies count as gone). */
export function isRunning(p: ProcRecord): boolean {
  if (startTimeOf(p.pid) !== p.startTime) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Start `argv` in a node, detached, logging to DIR/NODE-NAME.log; returns its record. */
export function startInNode(dir: string, node: string, name: string, argv: readonly string[], cwd = ROOT): ProcRecord {
  const log = openSync(join(dir, `${node}-${name}.log`), 'a');
  // `ip netns exec` enters the namespace and execs the command: the pid is the command's own.
  const child = spawn('ip', ['netns', 'exec', nsName(node), ...argv], { detached: true, stdio: ['ignore', log, log], env: childEnv(), cwd });
  // A spawn that fails (no `ip`, no such cwd) is reported by the throw below; unheard, its 'error'
  // event would crash the CLI before `up` cleans up.
  child.on('error', () => {});
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${node}: cannot start ${argv.join(' ')} (ip netns exec did not start)`);
  const rec: ProcRecord = { node, name, pid, startTime: startTimeOf(pid) ?? '', argv };
  recordProcess(dir, rec);
  return rec;
}

export function logOf(dir: string, node: string, name: string): string {
  const f = join(dir, `${node}-${name}.log`);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

/**
 * Wait until `ready`, giving up at once when the process exits (a start-up failure costs no
 * timeout); throws with the end of its log, which says why.
 */
export async function waitForReady(dir: string, rec: ProcRecord, ready: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<void> {
  let up = false;
  await until(async () => (up = await ready()) || !isRunning(rec), timeoutMs, stepMs);
  if (!up) up = await ready();
  if (up) return;
  const why = isRunning(rec) ? `timed out after ${timeoutMs} ms` : 'exited';
  throw new Error(`${rec.node}: ${rec.name} did not become ready (${why}); the end of ${join(dir, `${rec.node}-${rec.name}.log`)}:\n${logOf(dir, rec.node, rec.name).slice(-2000)}`);
}

/** Wait until the process's log contains `text`; throws with the log when it exits or time runs out. */
export async function waitForLog(dir: string, rec: ProcRecord, text: string, timeoutMs: number): Promise<void> {
  await waitForReady(dir, rec, () => logOf(dir, rec.node, rec.name).includes(text), timeoutMs);
}

/** Signal the recorded process; with SIGTERM wait up to `graceMs`, then SIGKILL. Forget its record. */
export async function stopRecorded(dir: string, node: string, name: string, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<boolean> {
  const rec = processRecord(dir, node, name);
  if (!rec) return false;
  await stopProcess(rec, signal, graceMs);
  forgetProcess(dir, node, name);
  return true;
}

export async function stopProcess(rec: ProcRecord, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isRunning(rec)) return;
  try {
    process.kill(rec.pid, signal);
  } catch {
    return;
  }
  if (signal === 'SIGKILL') {
    await until(() => !isRunning(rec), 2_000, 20);
    return;
  }
  if (await until(() => !isRunning(rec), graceMs, 20)) return;
  try {
    process.kill(rec.pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
  await sleep(50);
}
