/**
 * Runtime objects from specs, and deep copies of them (a reload is planned on a copy so that a
 * refused reload leaves the running state untouched).
 */
import { CheckerRuntime, RealServerRuntime, VirtualServerRuntime } from './runtime.js';
import type { VirtualServerSpec } from './spec.js';

export function buildVirtualServer(spec: VirtualServerSpec): VirtualServerRuntime {
  const vs = new VirtualServerRuntime(spec);
  for (const rsSpec of spec.realServers) {
    const rs = new RealServerRuntime(rsSpec, vs);
    for (const c of rsSpec.checkers) rs.checkers.push(new CheckerRuntime(c, rs));
    vs.realServers.push(rs);
  }
  return vs;
}

export interface Copy {
  readonly vss: VirtualServerRuntime[];
  /** Original checker → its copy. */
  readonly checkers: Map<CheckerRuntime, CheckerRuntime>;
}

/** A deep copy of the runtime state (specs are shared: they are never changed). */
export function copyState(vss: readonly VirtualServerRuntime[]): Copy {
  const checkers = new Map<CheckerRuntime, CheckerRuntime>();
  const out = vss.map((vs) => {
    const v = new VirtualServerRuntime(vs.spec);
    Object.assign(v, { quorumUp: vs.quorumUp, addressCount: vs.addressCount });
    if (vs.sorry && v.sorry) Object.assign(v.sorry, { alive: vs.sorry.alive, set: vs.sorry.set, ipvsWeight: vs.sorry.ipvsWeight });
    for (const rs of vs.realServers) {
      const r = new RealServerRuntime(rs.spec, v);
      const { alive, set, ipvsWeight, effectiveWeight, numFailedCheckers, reloaded } = rs;
      Object.assign(r, { alive, set, ipvsWeight, effectiveWeight, numFailedCheckers, reloaded });
      for (const c of rs.checkers) {
        const k = new CheckerRuntime(c.spec, r);
        const { isUp, hasRun, retryIt, curWeight, enabled, urlIt, failedUrl, lastExitCode, fileStatus } = c;
        Object.assign(k, { isUp, hasRun, retryIt, curWeight, enabled, urlIt, failedUrl, lastExitCode, fileStatus });
        r.checkers.push(k);
        checkers.set(c, k);
      }
      v.realServers.push(r);
    }
    return v;
  });
  return { vss: out, checkers };
}
