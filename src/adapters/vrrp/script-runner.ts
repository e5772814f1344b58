/**
 * Runs notify and track scripts as argument vectors, without a shell, in their own process group
 * (so a timeout kills what they started too): SIGTERM at the time bound, SIGKILL 2 s later, as
 * keepalived does with its script children.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ScriptRunner } from '../../core/vrrp/ports.js';
import type { ScriptOutcome } from '../../core/vrrp/types.js';

const KILL_GRACE_MS = 2_000;

/**
 * COMPAT(keepalived): keepalived treats a script it cannot execute as succeeding (its forked
 * child's exec failure, issue #2126); tsvs reports exit status 127, i.e. a failure.
 */
export const EXEC_FAILED = 127;

// COMPAT(keepalived): scripts run as the daemon's user; script_user and a vrrp_script's `user`
// are not applied yet (keepalived switches to them before exec).

export class ChildScriptRunner implements ScriptRunner {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  run(args: readonly string[], timeoutMs: number): Promise<ScriptOutcome> {
    return new Promise((resolve) => {
      if (args.length === 0) return resolve({ kind: 'exit', status: EXEC_FAILED });
      let timedOut = false;
      let settled = false;
      const child = spawn(args[0]!, args.slice(1), { detached: true, stdio: 'ignore', env: this.env });
      const kill = (signal: NodeJS.Signals): void => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      const term = setTimeout(() => {
        timedOut = true;
        kill('SIGTERM');
        hard = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
      }, timeoutMs);
      let hard: NodeJS.Timeout | undefined;
      const done = (o: ScriptOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(term);
        if (hard) clearTimeout(hard);
        resolve(o);
      };
      child.on('error', () => done({ kind: 'exit', status: EXEC_FAILED }));
      child.on('exit', (code, signal) => {
        if (timedOut) done({ kind: 'timeout' });
        else if (code !== null) done({ kind: 'exit', status: code });
        else done({ kind: 'signal', signal: signal ? (constants.signals[signal] ?? 0) : 0 });
      });
    });
  }
}
