/**
 * Health checking in the engine: runs every checker of the keepalived.conf on the Timers port,
 * feeds the results to the policy (core/health) and carries out what it asks: IPVS operations on
 * the director for real-server and sorry-server changes, notify commands, log lines.
 *
 * The configuration stays the desired state: a (re)load is planned against the current health
 * state ({@link HealthMonitor.plan}), the reload diff applies the configuration with health's
 * view of each real server, and only then is the plan committed (checkers started, continued or
 * stopped). A refused reload discards the plan and changes nothing.
 */
import type { CheckerRuntime } from '../../core/health/runtime.js';
import type { CheckResult, HealthEffect, NextRun } from '../../core/health/spec.js';
import { planHealth, type HealthPlan, type HealthState } from '../../core/health/state.js';
import { firstRunDelay } from '../../core/health/timing.js';
import type { Op } from '../../core/ops.js';
import type { Clock, Logger, Rng, Timers } from '../../core/ports.js';
import type { KeepalivedConfig } from '../../lang/keepalived/model.js';
import type { Director } from '../director.js';
import { CheckLoop, type LoopHost } from './check-loop.js';
import { destEffectOps } from './dest-ops.js';
import { healthModel, type HealthModel } from './from-model.js';
import { withHealth } from './overlay.js';
import type { AddressWatch, CommandRunner, HealthProbe, ProbeFactory, TrackFiles } from './ports.js';

/**
 * How long a notify command may run. COMPAT(keepalived): keepalived does not bound notify_up /
 * notify_down / quorum_up / quorum_down at run time (only at shutdown, to one second).
 */
export const NOTIFY_TIMEOUT_MS = 30_000;
export const SHUTDOWN_NOTIFY_TIMEOUT_MS = 1000;

export interface HealthMonitorOptions {
  readonly director: Director;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly probes: ProbeFactory;
  readonly commands: CommandRunner;
  /** The files of track_file blocks (FILE_CHECK, init_file); without it FILE_CHECKs are ignored (with a log line). */
  readonly trackFiles?: TrackFiles;
  /** Local addresses for ha_suspend; without it every virtual server counts as present. */
  readonly addresses?: AddressWatch;
  /** Called after health applied operations (e.g. to sync a data plane). */
  readonly applied?: () => void;
  /** Called when a check starts, with how late it is (benchmarks). */
  readonly started?: (lateMs: number) => void;
  /** Called after a check result was applied, with how long the check ran and whether the real server was alive before (metrics, the event log). */
  readonly checked?: (checker: CheckerRuntime, result: CheckResult, durationMs: number, wasAlive: boolean) => void;
}

/** A plan for the next configuration: its operations, to be committed or discarded. */
export interface PendingHealth {
  readonly ops: readonly Op[];
  commit(): void;
}

const EMPTY_MODEL: HealthModel = { spec: { virtualServers: [], logAllFailures: false }, byId: new Map(), byService: new Map(), problems: [] };

export class HealthMonitor {
  private state: HealthState | null = null;
  private model: HealthModel = EMPTY_MODEL;
  private loops = new Map<CheckerRuntime, CheckLoop>();
  private files = new Map<CheckerRuntime, () => void>();
  private readonly notifies = new Set<Promise<void>>();
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  private readonly loopHost: LoopHost;

  constructor(private readonly opts: HealthMonitorOptions) {
    this.loopHost = {
      clock: opts.clock,
      timers: opts.timers,
      result: (c: CheckerRuntime, r: CheckResult, startedAt?: number): NextRun => {
        const wasAlive = c.rs.alive;
        const outcome = this.state!.result(c, r);
        this.carryOut(outcome.effects, true);
        if (startedAt !== undefined) this.opts.checked?.(c, r, opts.clock.now() - startedAt, wasAlive);
        return outcome.next;
      },
      started: (late: number) => this.opts.started?.(late),
    };
  }

  /** The current state (tests, status). */
  get current(): HealthState | null {
    return this.state;
  }

  /** The loop running a checker (tests). */
  loopOf(c: CheckerRuntime): CheckLoop | undefined {
    return this.loops.get(c);
  }

  /**
   * Plan health for a configuration whose start-up operations are `ops`. Nothing changes until
   * commit, except that init_file writes its track files now, as keepalived does while reading.
   */
  plan(config: KeepalivedConfig | null, ops: readonly Op[]): PendingHealth {
    const files = this.opts.trackFiles;
    if (config && files) this.initialiseFiles(files, config.trackFiles);
    const model = config ? healthModel(config, files !== undefined) : EMPTY_MODEL;
    const plan = planHealth(this.state, model.spec, {
      fileValue: (path) => files?.read(path) ?? 0,
      addressCount: (vsId) => this.addressCount(model, vsId),
    });
    return { ops: withHealth(ops, plan.state, model), commit: () => this.commit(model, plan) };
  }

  /** init_file of every track_file block (whether or not a FILE_CHECK uses it, as keepalived). */
  private initialiseFiles(files: TrackFiles, blocks: KeepalivedConfig['trackFiles']): void {
    for (const t of blocks) {
      if (!t.init) continue;
      const r = files.initialise(t.path, t.init.value, t.init.overwrite, this.state !== null);
      if (r === 'not-regular') this.opts.logger.error(`Cannot initialise track file ${t.name} - it is not a regular file`);
      else if (r === 'failed') this.opts.logger.error(`Unable to initialise track file ${t.name}`);
    }
  }

  private addressCount(model: HealthModel, vsId: string): number {
    const vs = model.byId.get(vsId)?.vs;
    if (!this.opts.addresses || !vs) return 1;
    // keepalived matches only plain virtual server addresses (addr_matches).
    return vs.kind === 'addr' && vs.address !== null ? this.opts.addresses.count(vs.address) : 0;
  }

  private commit(model: HealthModel, plan: HealthPlan): void {
    if (this.stopped) return;
    for (const p of model.problems) this.opts.logger.warn(p);
    this.state = plan.state;
    this.model = model;
    this.carryOut(plan.effects, false);
    // COMPAT(keepalived): keepalived restarts every checker after a reload (1 s + warmup); tsvs
    // keeps an unchanged checker's loop, so it keeps its place in the schedule.
    const loops = new Map<CheckerRuntime, CheckLoop>();
    for (const [old, loop] of this.loops) {
      const next = plan.continued.get(old);
      if (next) {
        loop.continueAs(next, this.probeFor(next));
        loops.set(next, loop);
      } else loop.stop();
    }
    for (const stop of this.files.values()) stop();
    this.files = new Map();
    for (const c of plan.state.checkers()) {
      if (c.spec.variant.kind === 'file') this.watchFile(c);
      else if (!loops.has(c)) {
        const loop = new CheckLoop(c, this.probeFor(c), this.loopHost);
        loop.start(firstRunDelay(c.spec.warmupMs, this.opts.rng));
        loops.set(c, loop);
      }
    }
    this.loops = loops;
    this.followAddresses();
  }

  private probeFor(c: CheckerRuntime): HealthProbe {
    const entry = this.model.byId.get(c.rs.vs.id)!;
    const index = c.rs.checkers.indexOf(c);
    const checker = entry.checkers.get(c.rs.id)![index]!;
    return this.opts.probes({ checker, rs: entry.realServers.get(c.rs.id)!, vs: entry.vs, rsName: c.rs.name, vsName: c.rs.vs.name, scriptUser: entry.scriptUser });
  }

  private watchFile(c: CheckerRuntime): void {
    const v = c.spec.variant;
    const files = this.opts.trackFiles;
    if (v.kind !== 'file' || !files) return;
    const stop = files.watch(v.file, (value) => {
      if (this.stopped || this.files.get(c) === undefined) return;
      this.carryOut(this.state!.fileChanged(c, value), true);
    });
    this.files.set(c, stop);
    // A write between the plan's reading and the watch's start would otherwise go unnoticed.
    const now = files.read(v.file);
    if (now !== c.fileStatus) this.carryOut(this.state!.fileChanged(c, now), true);
  }

  /** ha_suspend: follow the addresses of virtual servers that use it. */
  private followAddresses(): void {
    const uses = this.state!.virtualServers.some((v) => v.spec.haSuspend);
    if (!uses || !this.opts.addresses) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      return;
    }
    this.unsubscribe ??= this.opts.addresses.subscribe((address, delta) => {
      for (const [id, entry] of this.model.byId) {
        if (entry.vs.kind === 'addr' && entry.vs.address === address) this.carryOut(this.state!.addressChanged(id, delta), false);
      }
    });
  }

  /** Logs, notify commands and (at run time) IPVS operations, in order. */
  private carryOut(effects: readonly HealthEffect[], program: boolean, stopping = false): void {
    const ops: Op[] = [];
    for (const e of effects) {
      if (e.kind === 'log') this.opts.logger.info(e.message);
      else if (e.kind === 'notify') this.notify(e.command, stopping || e.stopping);
      else if (program) {
        const entry = this.model.byId.get(e.vs);
        if (entry) ops.push(...destEffectOps(this.opts.director.ipvs, entry, e));
      }
    }
    if (ops.length === 0) return;
    this.opts.director.apply(ops, 'continue');
    this.opts.applied?.();
  }

  private notify(command: Extract<HealthEffect, { kind: 'notify' }>['command'], stopping: boolean): void {
    const run = this.opts.commands.run(command, stopping ? SHUTDOWN_NOTIFY_TIMEOUT_MS : NOTIFY_TIMEOUT_MS).catch((e: unknown) => {
      this.opts.logger.error(`notify ${command.text} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.notifies.add(run);
    void run.finally(() => this.notifies.delete(run));
  }

  /** Stop every checker; run the shutdown notifications (omega) and wait for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const loop of this.loops.values()) loop.stop();
    for (const stop of this.files.values()) stop();
    this.loops.clear();
    this.files.clear();
    this.unsubscribe?.();
    if (this.state) this.carryOut(this.state.shutdown(), false, true);
    await Promise.allSettled([...this.notifies]);
  }
}
