/**
 * One checker's life on the Timers port: wait, check, hand the result to the policy, wait as it
 * says (delay_loop, delay_before_retry, measured from the end of the run, or from its start for
 * MISC_CHECK), and so on. A loop survives a reload that keeps its checker: it keeps its timer
 * (its place in the schedule) and a run in progress reports to the continued checker.
 */
import { httpNextUrl } from '../../core/health/checker-http.js';
import type { CheckerRuntime } from '../../core/health/runtime.js';
import type { CheckResult, NextRun } from '../../core/health/spec.js';
import type { Clock, TimerHandle, Timers } from '../../core/ports.js';
import type { HealthProbe } from './ports.js';

export interface LoopHost {
  readonly clock: Clock;
  readonly timers: Timers;
  /** Apply a result to the checker; returns when to run next. */
  result(checker: CheckerRuntime, r: CheckResult, startedAt?: number): NextRun;
  /** A run started `lateMs` after it was due. */
  started?(lateMs: number): void;
}

export class CheckLoop {
  private timer: TimerHandle | null = null;
  private dueAt = 0;
  private startedAt = 0;
  private running = false;
  private stopped = false;
  /** A replaced probe whose run is still in progress: closed when that run ends. */
  private retired: HealthProbe | null = null;

  constructor(
    private checker: CheckerRuntime,
    private probe: HealthProbe,
    private readonly host: LoopHost,
  ) {}

  get current(): CheckerRuntime {
    return this.checker;
  }

  /** When the next run is due (ms on the host clock); NaN while a run is in progress. */
  get nextDue(): number {
    return this.running ? NaN : this.dueAt;
  }

  start(delayMs: number): void {
    this.arm(delayMs);
  }

  /** A reload kept this checker: carry on with the new runtime object and probe. */
  continueAs(checker: CheckerRuntime, probe: HealthProbe): void {
    this.checker = checker;
    if (this.running) this.retired = this.probe;
    else this.probe.close();
    this.probe = probe;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.host.timers.clear(this.timer);
    this.timer = null;
    this.probe.close();
    this.retired?.close();
  }

  private arm(delayMs: number): void {
    const d = Math.max(0, delayMs);
    this.dueAt = this.host.clock.now() + d;
    this.timer = this.host.timers.set(d, () => this.fire());
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped) return;
    // Suspended by ha_suspend: look again after delay_loop.
    if (!this.checker.enabled) return this.arm(this.checker.spec.delayLoopMs);
    void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    this.startedAt = this.host.clock.now();
    this.host.started?.(this.startedAt - this.dueAt);
    const c = this.checker;
    const url = c.spec.variant.kind === 'http' ? httpNextUrl(c) : 0;
    let r: CheckResult;
    try {
      r = await this.probe.run(url);
    } catch (e) {
      r = { kind: 'skipped', reason: `${c.spec.type} for service ${c.rs.name} could not run: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.running = false;
    this.retired?.close();
    this.retired = null;
    if (this.stopped) return;
    const next = this.host.result(this.checker, r, this.startedAt);
    const now = this.host.clock.now();
    this.arm(next.from === 'start' ? this.startedAt + next.delayMs - now : next.delayMs);
  }
}
