/**
 * MISC_CHECK (check_misc.c): run misc_path's program with its arguments (no shell), as its
 * `user`, for at most misc_timeout seconds (default: the virtual server's delay_loop), and report
 * how it ended. A program that cannot be executed counts as passing, as in keepalived, whose
 * child exits 0 after a failed exec (keepalived.md §1.10, issue #2126) - the problem is logged.
 */
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker } from '../../lang/keepalived/model.js';
import type { CheckerContext } from './context.js';
import type { ScriptUsers } from './script-user.js';
import { startCommand, type RunningCommand } from './spawn-command.js';

type MiscChecker = Extract<Checker, { type: 'MISC_CHECK' }>;

export class MiscCheck implements HealthProbe {
  private readonly checker: MiscChecker;
  private running: RunningCommand | null = null;

  constructor(
    private readonly target: ProbeTarget,
    private readonly ctx: CheckerContext,
    private readonly users: ScriptUsers,
  ) {
    this.checker = target.checker as MiscChecker;
  }

  async run(): Promise<CheckResult> {
    const s = this.checker.script;
    const seconds = this.checker.timeout || this.target.vs.delayLoop;
    const su = this.target.scriptUser;
    const runAs = this.checker.user !== null ? this.users.runAs(this.checker.user, null) : this.users.runAs(su?.user ?? null, su?.group ?? null);
    this.running = startCommand(s.args, seconds * 1000, this.ctx.timers, runAs);
    const end = await this.running.done;
    this.running = null;
    if (end.kind === 'exec-error') {
      this.ctx.logger.error(`Error exec-ing command '${s.args[0] ?? ''}', error ${end.errno}: ${end.message}`);
      return { kind: 'exit', status: 0 };
    }
    return end;
  }

  /** Stop a program still running (shutdown, checker removed). */
  close(): void {
    this.running?.kill();
  }
}
