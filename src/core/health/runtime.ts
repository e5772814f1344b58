/**
 * The mutable runtime state of health checking, one object per virtual server, real server and
 * checker, with keepalived's field meanings (check_data.h): a checker's `isUp`/`hasRun`/`retryIt`,
 * a real server's `alive` (healthy as far as the checkers know), `set` (present in IPVS) and
 * `effectiveWeight` (configured weight plus dynamic adjustments), a virtual server's `quorumUp`.
 * `ipvsWeight` records the weight last programmed, so the whole state doubles as the desired
 * IPVS state for the real servers it manages.
 */
import type { CheckerSpec, HealthEffect, NotifyCommand, RealServerSpec, SorryServerSpec, VirtualServerSpec } from './spec.js';

export class CheckerRuntime {
  isUp = true;
  hasRun = false;
  retryIt = 0;
  /** Weight this checker adds to its real server's effective weight (misc_dynamic, FILE_CHECK). */
  curWeight = 0;
  /** False while suspended by ha_suspend. */
  enabled = true;
  /** HTTP: index of the URL to check next (keepalived's url_it; null = past the last). */
  urlIt: number | null = 0;
  /** HTTP: the URL that failed and is being re-polled (failed_url). */
  failedUrl: number | null = null;
  /** MISC: the exit status seen last (last_exit_code). */
  lastExitCode = 0;
  /** FILE: the tracked file's value seen last (last_status). */
  fileStatus = 0;

  constructor(
    public spec: CheckerSpec,
    public rs: RealServerRuntime,
  ) {}

  get retry(): number {
    return this.spec.retry;
  }
}

export class RealServerRuntime {
  alive = false;
  set = false;
  ipvsWeight = 0;
  effectiveWeight: number;
  numFailedCheckers = 0;
  /** Kept across a reload (keepalived's `reloaded`): not re-added just because of the reload. */
  reloaded = false;
  readonly checkers: CheckerRuntime[] = [];

  constructor(
    public spec: RealServerSpec,
    public vs: VirtualServerRuntime,
  ) {
    this.effectiveWeight = spec.weight;
  }

  get id(): string {
    return this.spec.id;
  }
  get name(): string {
    return this.spec.name;
  }
  get inhibit(): boolean {
    return this.spec.inhibit;
  }
  get notifyUp(): NotifyCommand | null {
    return this.spec.notifyUp;
  }
  get notifyDown(): NotifyCommand | null {
    return this.spec.notifyDown;
  }
  get sorry(): boolean {
    return false;
  }
}

/** The sorry server: a real server without checkers, switched by the quorum. */
export class SorryServerRuntime {
  alive = false;
  set = false;
  ipvsWeight = 0;
  /** keepalived programs a sorry server with weight 1 (0 while inhibited). */
  readonly effectiveWeight = 1;
  /** Only used to make the first, inhibited add carry weight 0. */
  numFailedCheckers = 0;

  constructor(public spec: SorryServerSpec) {}

  get id(): string {
    return this.spec.id;
  }
  get name(): string {
    return this.spec.name;
  }
  get inhibit(): boolean {
    return this.spec.inhibit;
  }
  get notifyUp(): NotifyCommand | null {
    return null;
  }
  get notifyDown(): NotifyCommand | null {
    return null;
  }
  get sorry(): boolean {
    return true;
  }
}

export type PoolMember = RealServerRuntime | SorryServerRuntime;

export class VirtualServerRuntime {
  quorumUp = false;
  /** Address appearances for ha_suspend (ha_suspend_addr_count). */
  addressCount = 0;
  readonly realServers: RealServerRuntime[] = [];
  sorry: SorryServerRuntime | null;

  constructor(public spec: VirtualServerSpec) {
    this.sorry = spec.sorry ? new SorryServerRuntime(spec.sorry) : null;
  }

  get id(): string {
    return this.spec.id;
  }
  get name(): string {
    return this.spec.name;
  }
}

/** Collects effects in order. */
export class Effects {
  readonly list: HealthEffect[] = [];

  log(message: string): void {
    this.list.push({ kind: 'log', message });
  }

  notify(command: NotifyCommand | null, stopping: boolean): void {
    if (command) this.list.push({ kind: 'notify', command, stopping });
  }

  dest(vs: VirtualServerRuntime, m: PoolMember, present: boolean, weight: number): void {
    this.list.push({ kind: 'dest', vs: vs.id, dest: m.id, sorry: m.sorry, present, weight });
  }
}
