/**
 * The director: owns the IPVS state, applies operation batches to it, keeps its periodic work
 * running (the 2-second rate estimator, the 60-second trash reaper and scheduler maintenance) on
 * the Timers port, and hands out plain snapshots. A data plane ({@link Director.attachDataplane})
 * reads the same {@link Ipvs}, is brought in line after every applied batch, and supplies the
 * connection listing.
 */
import { Ipvs } from '../core/ipvs.js';
import type { Sysctls } from '../core/model.js';
import type { Errno, Op } from '../core/ops.js';
import { silentLogger, type Clock, type Dataplane, type DataplaneProblem, type Logger, type Rng, type TimerHandle, type Timers } from '../core/ports.js';
import { snapshotIpvs, type ConnView, type IpvsSnapshot } from '../core/snapshot.js';
import { ESTIMATOR_PERIOD_MS } from '../core/stats.js';
import { describeOp } from './describe-op.js';
import { rehearse } from './dry-run.js';

/** The kernel's trash timer period (ipvs.md §9.8); scheduler caches (lblc/lblcr) are swept on it too. */
export const MAINTENANCE_PERIOD_MS = 60_000;

/**
 * `atomic`: all operations or none (a failing batch changes nothing).
 * `continue`: apply each in turn and carry on past failures (`ipvsadm -R` semantics).
 */
export type ApplyMode = 'atomic' | 'continue';

export type OpOutcome =
  | { readonly status: 'applied' }
  | { readonly status: 'failed'; readonly errno: Errno; readonly detail: string }
  /** Not attempted: an atomic batch was abandoned because another operation failed. */
  | { readonly status: 'skipped' };

export interface ApplyReport {
  /** True when every operation was applied. */
  readonly ok: boolean;
  readonly outcomes: readonly OpOutcome[];
}

export interface DirectorOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger?: Logger;
  readonly rng?: Rng;
  readonly sysctls?: Partial<Sysctls>;
}

export type ConnectionSource = () => Iterable<ConnView>;

/** What the data plane is and how it is doing, for the API and `tsvs status`. */
export interface DataplaneInfo {
  readonly name: string;
  /** Services the data plane cannot carry, and why (re-evaluated after every change). */
  readonly problems: readonly DataplaneProblem[];
  readonly counters: Readonly<Record<string, number>>;
}

const APPLIED: OpOutcome = { status: 'applied' };
const SKIPPED: OpOutcome = { status: 'skipped' };

export class Director {
  readonly ipvs: Ipvs;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: Logger;
  private connSource: ConnectionSource = () => [];
  private dataplane: Dataplane | null = null;
  private problems: readonly DataplaneProblem[] = [];
  /** The last data-plane sync; syncs run one after another. */
  private syncing: Promise<void> = Promise.resolve();
  private estimatorTimer: TimerHandle | null = null;
  private maintenanceTimer: TimerHandle | null = null;

  constructor(opts: DirectorOptions) {
    this.clock = opts.clock;
    this.timers = opts.timers;
    this.log = opts.logger ?? silentLogger;
    this.ipvs = new Ipvs({ ...(opts.rng ? { rng: opts.rng } : {}), ...(opts.sysctls ? { sysctls: opts.sysctls } : {}) });
  }

  get running(): boolean {
    return this.estimatorTimer !== null;
  }

  /** Start the periodic work. Ticks are placed on a fixed grid from now, so they do not drift. */
  start(): void {
    if (this.running) return;
    const t0 = this.clock.now();
    this.estimatorTimer = this.every(t0, ESTIMATOR_PERIOD_MS, (h) => (this.estimatorTimer = h), () => this.ipvs.estimate());
    this.maintenanceTimer = this.every(t0, MAINTENANCE_PERIOD_MS, (h) => (this.maintenanceTimer = h), () => this.maintain());
  }

  stop(): void {
    if (this.estimatorTimer) this.timers.clear(this.estimatorTimer);
    if (this.maintenanceTimer) this.timers.clear(this.maintenanceTimer);
    this.estimatorTimer = this.maintenanceTimer = null;
  }

  /** Arm a repeating tick at t0 + k·period; `keep` records the current handle so stop() can clear it. */
  private every(t0: number, period: number, keep: (h: TimerHandle) => void, fn: () => void): TimerHandle {
    let k = 1;
    const arm = (): TimerHandle =>
      this.timers.set(t0 + k * period - this.clock.now(), () => {
        k++;
        keep(arm());
        fn();
      });
    return arm();
  }

  /** Trash reaping and scheduler cache maintenance. */
  private maintain(): void {
    const now = this.clock.now();
    this.ipvs.reapTrash(now);
    for (const svc of this.ipvs.services.values()) svc.sched?.tick?.(svc, now);
  }

  /** Apply a batch; see {@link ApplyMode}. */
  apply(ops: readonly Op[], mode: ApplyMode = 'atomic'): ApplyReport {
    if (mode === 'atomic' && ops.length > 1) {
      const rehearsal = rehearse(this.ipvs, ops);
      if (!rehearsal.ok) {
        const { index, result } = rehearsal;
        this.log.info(`operation refused: ${describeOp(ops[index]!)}: ${result.detail}`, { errno: result.errno, index, batch: ops.length });
        const outcomes = ops.map((_, i): OpOutcome => (i === index ? failed(result) : SKIPPED));
        return { ok: false, outcomes };
      }
    }
    const outcomes: OpOutcome[] = [];
    const now = this.clock.now();
    for (const op of ops) {
      const r = this.ipvs.apply(op, now);
      if (r.ok) {
        this.log.debug(`applied ${describeOp(op)}`);
        outcomes.push(APPLIED);
      } else {
        this.log.info(`operation refused: ${describeOp(op)}: ${r.detail}`, { errno: r.errno });
        outcomes.push(failed(r));
      }
    }
    if (outcomes.some((o) => o === APPLIED)) void this.syncDataplane();
    return { ok: outcomes.every((o) => o.status === 'applied'), outcomes };
  }

  /** Attach the data plane: it is synced now and after every applied batch, and lists the connections. */
  attachDataplane(dataplane: Dataplane, connections: ConnectionSource): Promise<void> {
    this.dataplane = dataplane;
    this.connSource = connections;
    return this.syncDataplane();
  }

  /** Bring the data plane in line with the IPVS state; resolves when this (and every earlier) sync is done. */
  syncDataplane(): Promise<void> {
    const dp = this.dataplane;
    if (!dp) return this.syncing;
    this.syncing = this.syncing.then(async () => {
      try {
        this.noteProblems(await dp.sync());
      } catch (e) {
        this.log.error(`data plane '${dp.name}' could not apply the rules: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return this.syncing;
  }

  /** Resolves when the data plane carries every change applied so far. */
  settled(): Promise<void> {
    return this.syncing;
  }

  private noteProblems(next: readonly DataplaneProblem[]): void {
    const before = new Set(this.problems.map((p) => `${p.service} ${p.code}`));
    for (const p of next) if (!before.has(`${p.service} ${p.code}`)) this.log.warn(`${p.service}: ${p.message}`, { code: p.code });
    this.problems = next;
  }

  dataplaneInfo(): DataplaneInfo {
    const dp = this.dataplane;
    return { name: dp?.name ?? 'none', problems: this.problems, counters: dp?.counters() ?? {} };
  }

  /** Stop the data plane: no new connections, existing ones get up to `graceMs` to finish. */
  async closeDataplane(graceMs: number): Promise<void> {
    const dp = this.dataplane;
    if (!dp) return;
    await this.syncing;
    await dp.close(graceMs);
  }

  snapshot(): IpvsSnapshot {
    return snapshotIpvs(this.ipvs);
  }

  /** The data plane's connection table; empty until one is attached. */
  setConnectionSource(source: ConnectionSource): void {
    this.connSource = source;
  }

  connections(): ConnView[] {
    return [...this.connSource()];
  }
}

function failed(r: { readonly errno: Errno; readonly detail: string }): OpOutcome {
  return { status: 'failed', errno: r.errno, detail: r.detail };
}
