/**
 * Health checking as one value: the runtime state of every virtual server, real server and
 * checker, changed only through the methods here, each returning the effects to carry out.
 * Start-up and reload produce a new state (planned on a copy, see {@link planHealth}); results,
 * file changes and address changes update it in place.
 */
import { buildVirtualServer, copyState } from './build.js';
import { fileCheckChanged } from './checker-file.js';
import { genericResult } from './checker-generic.js';
import { httpFail, httpPass } from './checker-http.js';
import { miscResult } from './checker-misc.js';
import { reloadAll } from './reload.js';
import { Effects, type CheckerRuntime, type VirtualServerRuntime } from './runtime.js';
import type { CheckResult, HealthEffect, HealthSpec, NextRun } from './spec.js';
import { startAll, type StartInputs } from './start.js';
import { shutdownAll } from './teardown.js';

export interface Outcome {
  readonly effects: readonly HealthEffect[];
  readonly next: NextRun;
}

export interface HealthPlan {
  readonly state: HealthState;
  readonly effects: readonly HealthEffect[];
  /** Old checker → the new checker that continues it (reload only). */
  readonly continued: ReadonlyMap<CheckerRuntime, CheckerRuntime>;
}

export class HealthState {
  private constructor(
    readonly virtualServers: readonly VirtualServerRuntime[],
    private readonly logAllFailures: boolean,
  ) {}

  /** Every checker, in configuration order. */
  checkers(): CheckerRuntime[] {
    return this.virtualServers.flatMap((vs) => vs.realServers.flatMap((rs) => rs.checkers));
  }

  /** Apply one run's result to a checker of this state. */
  result(c: CheckerRuntime, r: CheckResult): Outcome {
    const out = new Effects();
    const next = this.decide(c, r, out);
    return { effects: out.list, next };
  }

  private decide(c: CheckerRuntime, r: CheckResult, out: Effects): NextRun {
    const s = c.spec;
    if (r.kind === 'skipped') {
      out.log(r.reason);
      return { delayMs: s.delayLoopMs, from: s.variant.kind === 'misc' ? 'start' : 'end' };
    }
    switch (s.variant.kind) {
      case 'http':
        if (r.kind === 'pass') return httpPass(c, r.detail ?? 'HTTP status code', out);
        return httpFail(c, r.kind === 'fail' ? r.reason : 'Read error with', this.logAllFailures, out);
      case 'misc': {
        const end = r.kind === 'exit' || r.kind === 'signal' ? r : { kind: 'exit' as const, status: r.kind === 'pass' ? 0 : 1 };
        return miscResult(c, end, this.logAllFailures, out);
      }
      default: {
        const ok = r.kind === 'pass' || (r.kind === 'exit' && r.status === 0);
        return genericResult(c, ok, r.kind === 'fail' ? r.reason : 'failed', this.logAllFailures, out);
      }
    }
  }

  /** A FILE_CHECK's tracked file now holds `value`. */
  fileChanged(c: CheckerRuntime, value: number): readonly HealthEffect[] {
    const out = new Effects();
    fileCheckChanged(c, value, out);
    return out.list;
  }

  /**
   * ha_suspend (check_api.c update_checker_activity): the virtual server's address appeared on
   * (+1) or disappeared from (−1) this host; its checkers run only while it is present.
   */
  addressChanged(vsId: string, delta: 1 | -1): readonly HealthEffect[] {
    const out = new Effects();
    for (const vs of this.virtualServers) {
      if (vs.id !== vsId || !vs.spec.haSuspend) continue;
      vs.addressCount = Math.max(0, vs.addressCount + delta);
      const enable = delta > 0;
      for (const rs of vs.realServers) {
        for (const c of rs.checkers) {
          if (c.spec.variant.kind === 'file' || c.enabled === enable || (!enable && vs.addressCount > 0)) continue;
          out.log(`${enable ? 'Activat' : 'Suspend'}ing healthchecker for service ${rs.name} for VS ${vs.name}`);
          c.enabled = enable;
        }
      }
    }
    return out.list;
  }

  /** Shutdown: take everything out; with omega, run the down notifications. */
  shutdown(): readonly HealthEffect[] {
    const out = new Effects();
    shutdownAll(this.virtualServers, out);
    return out.list;
  }

  static create(vss: readonly VirtualServerRuntime[], logAllFailures: boolean): HealthState {
    return new HealthState(vss, logAllFailures);
  }
}

/**
 * The state a configuration leads to: from nothing (start-up) or from `current` (reload).
 * `current` is not changed: the plan is made on a copy, so a reload that is refused later leaves
 * the running state as it was.
 */
export function planHealth(current: HealthState | null, spec: HealthSpec, inputs: StartInputs): HealthPlan {
  const out = new Effects();
  if (current === null) {
    const vss = spec.virtualServers.map(buildVirtualServer);
    startAll(vss, inputs, out);
    return { state: HealthState.create(vss, spec.logAllFailures), effects: out.list, continued: new Map() };
  }
  const copy = copyState(current.virtualServers);
  const { vss, pairs } = reloadAll(copy.vss, spec, inputs, out);
  const continued = new Map<CheckerRuntime, CheckerRuntime>();
  for (const [orig, copied] of copy.checkers) {
    const next = pairs.get(copied);
    if (next) continued.set(orig, next);
  }
  return { state: HealthState.create(vss, spec.logAllFailures), effects: out.list, continued };
}
