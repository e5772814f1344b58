/**
 * Running a configured command as keepalived's system_call_script() does: the argument vector is
 * executed directly (no shell), in its own process group (so a timeout kills whatever it
 * started), with standard streams on /dev/null, as the configured user when tsvs can switch to
 * it; a command still running at its time limit gets SIGTERM, then SIGKILL two seconds later.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Timers } from '../../core/ports.js';
import type { RunAs } from './script-user.js';

export type CommandEnd =
  | { readonly kind: 'exit'; readonly status: number }
  | { readonly kind: 'signal'; readonly signal: number; readonly timedOut: boolean }
  /** The program could not be started (missing, not executable, cannot switch user). */
  | { readonly kind: 'exec-error'; readonly errno: number; readonly message: string };

/** keepalived waits this long between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

export interface RunningCommand {
  readonly done: Promise<CommandEnd>;
  /** Kill the process group now (SIGTERM then SIGKILL). */
  kill(): void;
}

function signalNumber(name: NodeJS.Signals | null): number {
  return name ? (constants.signals as Record<string, number>)[name] ?? 0 : 0;
}

export function startCommand(args: readonly string[], timeoutMs: number, timers: Timers, runAs: RunAs | null = null): RunningCommand {
  const [program, ...rest] = args;
  const child = spawn(program ?? '', rest, {
    stdio: 'ignore',
    detached: true,
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  let timedOut = false;
  let killTimer: ReturnType<Timers['set']> | null = null;
  const signalGroup = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  const kill = (): void => {
    signalGroup('SIGTERM');
    killTimer ??= timers.set(KILL_GRACE_MS, () => signalGroup('SIGKILL'));
  };
  const limit = timers.set(timeoutMs, () => {
    timedOut = true;
    kill();
  });
  const done = new Promise<CommandEnd>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      timers.clear(limit);
      resolve({ kind: 'exec-error', errno: typeof e.errno === 'number' ? -e.errno : 0, message: e.message });
    });
    child.once('exit', (code, sig) => {
      timers.clear(limit);
      if (killTimer) timers.clear(killTimer);
      // A terminated script may have left children behind: take the whole group down.
      if (sig === 'SIGTERM' && timedOut) signalGroup('SIGKILL');
      resolve(code !== null ? { kind: 'exit', status: code } : { kind: 'signal', signal: signalNumber(sig), timedOut });
    });
  });
  return { done, kill };
}
