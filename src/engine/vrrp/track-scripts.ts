/**
 * vrrp_script runs (keepalived vrrp_scheduler.c vrrp_script_thread): each tracked script runs at
 * once and then every `interval`, timed from the start of a run; a run still going when the next
 * is due is not started twice. Outcomes go to the machine.
 */
import type { Logger, TimerHandle, Timers } from '../../core/ports.js';
import type { ScriptRunner } from '../../core/vrrp/ports.js';
import type { ScriptOutcome } from '../../core/vrrp/types.js';
import type { TrackScriptRun } from './config.js';

export class TrackScripts {
  private readonly handles = new Map<string, TimerHandle>();
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(
    private readonly runs: readonly TrackScriptRun[],
    private readonly timers: Timers,
    private readonly runner: ScriptRunner,
    private readonly log: Logger,
    private readonly onOutcome: (name: string, outcome: ScriptOutcome) => void,
  ) {}

  start(): void {
    for (const r of this.runs) this.tick(r);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.handles.values()) this.timers.clear(h);
    this.handles.clear();
  }

  private tick(r: TrackScriptRun): void {
    if (this.stopped) return;
    this.handles.set(r.name, this.timers.set(r.intervalMs, () => this.tick(r)));
    if (this.running.has(r.name)) {
      this.log.info(`Track script ${r.name} is already running, expect idle - skipping run`);
      return;
    }
    this.running.add(r.name);
    void this.runner.run(r.script.args, r.timeoutMs).then((outcome) => {
      this.running.delete(r.name);
      if (!this.stopped) this.onOutcome(r.name, outcome);
    });
  }
}
