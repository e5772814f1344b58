/**
 * Notify scripts (keepalived.md §4.10): on a transition the state's own script (notify_master,
 * notify_backup, notify_fault, notify_stop) runs as configured, then the generic `notify` with
 * `INSTANCE|GROUP NAME STATE PRIORITY` appended. Each runs as an argument vector without a shell
 * and is killed after a time bound (1 s for STOP, as keepalived gives stop scripts).
 */
import type { Logger } from '../../core/ports.js';
import type { ScriptRunner } from '../../core/vrrp/ports.js';
import type { NotifyState, VrrpEffect } from '../../core/vrrp/types.js';
import type { NotifyScripts, Script } from '../../lang/keepalived/model.js';

export const NOTIFY_TIMEOUT_MS = 10_000;
export const STOP_NOTIFY_TIMEOUT_MS = 1_000;

type NotifyEffect = Extract<VrrpEffect, { kind: 'notify' | 'notify-event' }>;

/** The argument vectors one notify effect runs, in order. */
export function notifyCommands(e: NotifyEffect, scripts: NotifyScripts | undefined): string[][] {
  if (!scripts) return [];
  if (e.kind === 'notify-event') return scripts.masterRxLowerPri ? [[...scripts.masterRxLowerPri.args]] : [];
  const own: Record<NotifyState, Script | null> = {
    MASTER: scripts.master, BACKUP: scripts.backup, FAULT: scripts.fault, STOP: scripts.stop, DELETED: scripts.deleted,
  };
  // An instance deleted by a reload notifies FAULT unless it has notify_deleted (keepalived.md §4.10).
  const state: NotifyState = e.state === 'DELETED' && !scripts.deleted ? 'FAULT' : e.state;
  const out: string[][] = [];
  const specific = own[state];
  if (specific) out.push([...specific.args]);
  if (scripts.any) out.push([...scripts.any.args, e.target, e.name, state, String(e.priority)]);
  return out;
}

/** Start the notify scripts of one effect; resolves when they have all ended (or were killed). */
export function runNotify(e: NotifyEffect, scripts: NotifyScripts | undefined, runner: ScriptRunner, log: Logger): Promise<void> {
  const timeout = e.kind === 'notify' && e.state === 'STOP' ? STOP_NOTIFY_TIMEOUT_MS : NOTIFY_TIMEOUT_MS;
  const runs = notifyCommands(e, scripts).map(async (args) => {
    const r = await runner.run(args, timeout);
    if (r.kind === 'timeout') log.warn(`notify script ${args[0]} timed out after ${timeout} ms - killed`);
    else if (r.kind === 'exit' && r.status === 127) log.warn(`notify script ${args[0]} could not be run`);
  });
  return Promise.all(runs).then(() => undefined);
}
