/**
 * The event log: what happened to the cluster, for the dashboard's timeline, `tsvs status` and
 * GET /v1/events. A bounded ring buffer (old events fall off) with monotonic sequence numbers, so
 * a client that reconnects asks for "everything after N" and learns when it missed some.
 *
 * Fed through small hooks: VRRP transitions from the VRRP engine's `onTransition` hook as they
 * happen ({@link vrrpTransitionEvent}), health transitions and check latencies from the
 * HealthMonitor's `checked` hook ({@link HealthObserver}), reloads from the composition root;
 * data-plane problems are found by comparing successive reads ({@link StatusWatch}).
 */
import type { CheckerRuntime, RealServerRuntime } from '../core/health/runtime.js';
import type { CheckResult } from '../core/health/spec.js';
import type { HealthState } from '../core/health/state.js';
import type { DataplaneProblem, TimerHandle, Timers } from '../core/ports.js';
import type { VrrpStatusReport } from './vrrp/engine.js';
import type { VrrpTransition } from './vrrp/transitions.js';

export type EventKind = 'vrrp' | 'health' | 'reload' | 'config' | 'dataplane';
export type EventSeverity = 'info' | 'warn' | 'error';

export interface EngineEvent {
  /** 1, 2, 3, ... for the life of the daemon; never reused. */
  readonly seq: number;
  /** Wall-clock time of the event (ms since the epoch), for display. */
  readonly time: number;
  readonly kind: EventKind;
  readonly severity: EventSeverity;
  readonly message: string;
  /** Machine-readable facts (instance, from, to, service, server, ...). */
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

export type EventInput = Omit<EngineEvent, 'seq' | 'time'>;
export type EventListener = (e: EngineEvent) => void;

export const DEFAULT_EVENT_CAPACITY = 1000;

export class EventLog {
  private readonly ring: (EngineEvent | undefined)[];
  private next = 1;
  private readonly listeners = new Set<EventListener>();
  private readonly perKind: Partial<Record<EventKind, number>> = {};

  /** `wallNow` gives the time stamped on each event (injected: the engine reads no clock itself). */
  constructor(
    private readonly wallNow: () => number,
    readonly capacity = DEFAULT_EVENT_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<EngineEvent | undefined>(capacity);
  }

  /** The sequence number the next event will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** The oldest sequence number still held (nextSeq when empty). */
  get firstSeq(): number {
    return Math.max(1, this.next - this.capacity);
  }

  /** Add an event; `time` (wall clock, ms) when it happened a moment before it is recorded. */
  record(input: EventInput, time = this.wallNow()): EngineEvent {
    const e: EngineEvent = { seq: this.next, time, ...input };
    this.ring[(this.next - 1) % this.capacity] = e;
    this.next++;
    this.perKind[e.kind] = (this.perKind[e.kind] ?? 0) + 1;
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Events recorded so far (including those that fell off the ring), by kind. */
  counts(): Readonly<Partial<Record<EventKind, number>>> {
    return { ...this.perKind };
  }

  /** Events with seq > `after`, oldest first (at most the capacity). */
  since(after: number): EngineEvent[] {
    const from = Math.max(this.firstSeq, after + 1);
    const out: EngineEvent[] = [];
    for (let s = from; s < this.next; s++) out.push(this.ring[(s - 1) % this.capacity]!);
    return out;
  }

  /** The last `n` events, oldest first. */
  recent(n: number): EngineEvent[] {
    return this.since(this.next - 1 - n);
  }

  /** Be told of every new event; returns the way to stop. */
  subscribe(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

// ---------------------------------------------------------------------------------------------
// VRRP: each transition as the engine reports it, and whether VRRP runs at all.

/** The event for one VRRP transition (from the engine's `onTransition` hook). */
export function vrrpTransitionEvent(t: VrrpTransition): EventInput {
  const severity: EventSeverity = t.to === 'FAULT' ? 'error' : t.to === 'MASTER' || t.from === 'MASTER' ? 'warn' : 'info';
  return {
    kind: 'vrrp',
    severity,
    message: `VRRP_Instance(${t.instance}) ${t.from} -> ${t.to} (${t.reason})`,
    data: { instance: t.instance, vrid: t.vrid, ifname: t.ifname, from: t.from, to: t.to, reason: t.reason, priority: t.priority, master: t.masterAddress },
  };
}

/** The event saying VRRP started, or why it did not (null: the configuration has no VRRP). */
export function vrrpStartEvent(v: VrrpStatusReport): EventInput | null {
  if (v.running) return { kind: 'vrrp', severity: 'info', message: `VRRP running: ${v.instances.length} instance(s)`, data: { running: true } };
  if (v.reason === null) return null;
  return { kind: 'vrrp', severity: 'error', message: v.reason, data: { running: false } };
}

// ---------------------------------------------------------------------------------------------
// Data-plane problems: found by comparing one read with the previous one (the data plane has no
// hook for them; they change only when a batch is applied, so a short poll misses nothing that
// lasted).

const problemKey = (p: DataplaneProblem): string => `${p.service} ${p.code}`;

/** Data-plane problems that appeared or cleared between two reads. */
export function dataplaneChanges(prev: readonly DataplaneProblem[], next: readonly DataplaneProblem[]): EventInput[] {
  const before = new Set(prev.map(problemKey));
  const after = new Set(next.map(problemKey));
  const out: EventInput[] = [];
  for (const p of next) {
    if (!before.has(problemKey(p))) out.push({ kind: 'dataplane', severity: 'error', message: `${p.service}: ${p.message}`, data: { service: p.service, code: p.code, cleared: false } });
  }
  for (const p of prev) {
    if (!after.has(problemKey(p))) out.push({ kind: 'dataplane', severity: 'info', message: `${p.service}: resolved (${p.code})`, data: { service: p.service, code: p.code, cleared: true } });
  }
  return out;
}

export interface WatchedSources {
  readonly problems: () => readonly DataplaneProblem[];
}

/** Compares each read with the last and records the differences. Call {@link StatusWatch.poll} on a timer or before answering. */
export class StatusWatch {
  private lastProblems: readonly DataplaneProblem[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly sources: WatchedSources,
  ) {}

  poll(): void {
    const problems = this.sources.problems();
    for (const e of dataplaneChanges(this.lastProblems, problems)) this.log.record(e);
    this.lastProblems = problems;
  }
}

// ---------------------------------------------------------------------------------------------
// Health: check latency and transitions per real server, from the monitor's `checked` hook.

export interface CheckFigures {
  /** Checks run, and the sum of their durations (seconds), per result kind. */
  readonly checks: Map<CheckResult['kind'], { count: number; seconds: number }>;
  lastSeconds: number;
  /** Up→down plus down→up changes of the real server (not of a single checker). */
  transitions: number;
}

/** Key of a real server in health figures: the virtual server's and the real server's identities. */
export const healthKey = (vsId: string, rsId: string): string => `${vsId}#${rsId}`;

export class HealthObserver {
  private readonly figures = new Map<string, CheckFigures>();

  constructor(private readonly log: EventLog) {}

  /** The monitor applied a check result; `durationMs` is how long the check ran, `wasAlive` the real server's state before. */
  checked(c: CheckerRuntime, r: CheckResult, durationMs: number, wasAlive: boolean): void {
    const rs = c.rs;
    const key = healthKey(rs.vs.id, rs.id);
    const f = this.figuresOf(key);
    const seconds = Math.max(0, durationMs) / 1000;
    const k = f.checks.get(r.kind) ?? { count: 0, seconds: 0 };
    k.count++;
    k.seconds += seconds;
    f.checks.set(r.kind, k);
    f.lastSeconds = seconds;
    this.noteAlive(c, f, r, wasAlive);
  }

  private noteAlive(c: CheckerRuntime, f: CheckFigures, r: CheckResult, wasAlive: boolean): void {
    const rs: RealServerRuntime = c.rs;
    if (wasAlive === rs.alive) return;
    f.transitions++;
    const why = r.kind === 'fail' || r.kind === 'skipped' ? `: ${r.reason}` : r.kind === 'exit' ? `: exit status ${r.status}` : '';
    this.log.record({
      kind: 'health',
      severity: rs.alive ? 'info' : 'warn',
      message: `${rs.alive ? 'UP' : 'DOWN'} ${rs.name} in ${rs.vs.name}${rs.alive ? '' : why}`,
      data: { service: rs.vs.name, server: rs.name, vs: rs.vs.id, rs: rs.id, alive: rs.alive, checker: c.spec.type },
    });
  }

  private figuresOf(key: string): CheckFigures {
    let f = this.figures.get(key);
    if (!f) this.figures.set(key, (f = { checks: new Map(), lastSeconds: 0, transitions: 0 }));
    return f;
  }

  /** Figures for one real server, or undefined before its first check. */
  of(vsId: string, rsId: string): Readonly<CheckFigures> | undefined {
    return this.figures.get(healthKey(vsId, rsId));
  }
}

/** One real server as health checking sees it (GET /v1/status, /metrics, the dashboard). */
export interface RealServerHealth {
  /** Identities as the health model keys them: "tcp|VIP|port" (or "fwm|family|mark", "group|..."), "addr|port". */
  readonly vs: string;
  readonly rs: string;
  /** keepalived's names, e.g. `[10.0.0.1]:tcp:80`. */
  readonly vsName: string;
  readonly rsName: string;
  readonly alive: boolean;
  readonly weight: number;
  readonly checkers: number;
  readonly failedCheckers: number;
  /** Per result kind: checks run and their total duration in seconds. */
  readonly checks: Readonly<Record<string, { readonly count: number; readonly seconds: number }>>;
  readonly lastCheckSeconds: number | null;
  readonly transitions: number;
}

/** The health state's real servers with the observer's figures (empty without a health state). */
export function healthReport(state: HealthState | null, observer: HealthObserver): RealServerHealth[] {
  if (!state) return [];
  const out: RealServerHealth[] = [];
  for (const vs of state.virtualServers) {
    for (const rs of vs.realServers) {
      const f = observer.of(vs.id, rs.id);
      out.push({
        vs: vs.id,
        rs: rs.id,
        vsName: vs.name,
        rsName: rs.name,
        alive: rs.alive,
        weight: rs.effectiveWeight,
        checkers: rs.checkers.length,
        failedCheckers: rs.numFailedCheckers,
        checks: f ? Object.fromEntries([...f.checks].map(([k, v]) => [k, { ...v }])) : {},
        lastCheckSeconds: f ? f.lastSeconds : null,
        transitions: f?.transitions ?? 0,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reloads and configuration diagnostics.

/** Events for one (re)load: one per diagnostic (capped), then applied or refused. */
export function reloadEvents(r: { readonly ok: boolean; readonly refused?: string; readonly messages: readonly string[]; readonly ops: readonly unknown[] }, first: boolean): EventInput[] {
  const out: EventInput[] = [];
  // An unreadable configuration has no diagnostics, only the reason it could not be read.
  const unreadable = r.refused === 'unreadable';
  const shown = unreadable ? [] : r.messages.slice(0, MAX_DIAGNOSTIC_EVENTS);
  for (const m of shown) out.push({ kind: 'config', severity: /error/i.test(m) ? 'error' : 'warn', message: m, data: {} });
  if (!unreadable && r.messages.length > shown.length) {
    out.push({ kind: 'config', severity: 'warn', message: `${r.messages.length - shown.length} more diagnostics (see the log)`, data: { omitted: r.messages.length - shown.length } });
  }
  const what = first ? 'Configuration loaded' : 'Reload applied';
  out.push(
    r.ok
      ? { kind: 'reload', severity: 'info', message: `${what}: ${r.ops.length} operation(s)`, data: { ok: true, ops: r.ops.length, first } }
      : { kind: 'reload', severity: 'error', message: `${first ? 'Configuration' : 'Reload'} refused (${refusal(r)}); the running configuration is kept`, data: { ok: false, refused: r.refused ?? null, first } },
  );
  return out;
}

function refusal(r: { readonly refused?: string; readonly messages: readonly string[] }): string {
  const why = r.refused ?? 'unknown';
  return r.refused === 'unreadable' && r.messages.length > 0 ? `${why}: ${r.messages.at(-1)}` : why;
}

/** Diagnostics beyond this many per load are summarised in one event (the log has them all). */
export const MAX_DIAGNOSTIC_EVENTS = 20;

// ---------------------------------------------------------------------------------------------
// The parts together, as the composition root starts them.

export interface ObservabilityOptions {
  readonly timers: Timers;
  readonly wallNow: () => number;
  readonly sources: WatchedSources;
  /** How often data-plane problems are compared (default 500 ms). */
  readonly pollMs?: number;
  readonly capacity?: number;
}

export const DEFAULT_POLL_MS = 500;

export class Observability {
  readonly log: EventLog;
  readonly health: HealthObserver;
  readonly watch: StatusWatch;
  private timer: TimerHandle | null = null;

  constructor(private readonly opts: ObservabilityOptions) {
    this.log = new EventLog(opts.wallNow, opts.capacity);
    this.health = new HealthObserver(this.log);
    this.watch = new StatusWatch(this.log, opts.sources);
  }

  /** Take the first reading and keep comparing on the timer. */
  start(): void {
    if (this.timer) return;
    this.watch.poll();
    const tick = (): void => {
      this.timer = this.opts.timers.set(this.opts.pollMs ?? DEFAULT_POLL_MS, tick);
      this.watch.poll();
    };
    this.timer = this.opts.timers.set(this.opts.pollMs ?? DEFAULT_POLL_MS, tick);
  }

  stop(): void {
    if (this.timer) this.opts.timers.clear(this.timer);
    this.timer = null;
  }
}
