/**
 * notify_up / notify_down / quorum_up / quorum_down commands: run without a shell as their user,
 * bounded in time; anything but a clean exit is logged (keepalived itself ignores the outcome).
 */
import type { NotifyCommand } from '../../core/health/spec.js';
import type { Logger, Timers } from '../../core/ports.js';
import type { CommandRunner } from '../../engine/health/ports.js';
import type { ScriptUsers } from './script-user.js';
import { startCommand } from './spawn-command.js';

export class NotifyCommands implements CommandRunner {
  constructor(
    private readonly timers: Timers,
    private readonly logger: Logger,
    private readonly users: ScriptUsers,
  ) {}

  async run(command: NotifyCommand, timeoutMs: number): Promise<void> {
    const end = await startCommand(command.args, timeoutMs, this.timers, this.users.runAs(command.user, command.group)).done;
    if (end.kind === 'exec-error') this.logger.error(`Error exec-ing command '${command.args[0] ?? ''}', error ${end.errno}: ${end.message}`);
    else if (end.kind === 'signal') this.logger.warn(`notify ${command.text} ${end.timedOut ? `timed out after ${timeoutMs} ms` : `killed by signal ${end.signal}`}`);
    else if (end.status !== 0) this.logger.warn(`notify ${command.text} exited with status ${end.status}`);
  }
}
