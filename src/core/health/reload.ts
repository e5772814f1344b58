/**
 * Reload on the checker side (keepalived.md §3.6; ipwrapper.c clear_diff_services,
 * migrate_checkers, check_new_rs_state, init_services). Virtual servers and real servers keep
 * their identity across a reload; a kept real server keeps alive/set/weight and is not re-added
 * just because of the reload; a kept checker (same type and connection options) keeps its state.
 */
import { buildVirtualServer } from './build.js';
import { fileCheckChanged } from './checker-file.js';
import { ipvsCmd, setCheckerState, setServerAlive, setServerWeight } from './pool.js';
import type { CheckerRuntime, Effects, RealServerRuntime, VirtualServerRuntime } from './runtime.js';
import type { HealthSpec } from './spec.js';
import { activateCheckers, initPool, type StartInputs } from './start.js';
import { clearRealServer, clearVirtualServer, quorumAfterRemoval } from './teardown.js';

/** migrate_checkers(): carry state from the old checkers to the same new ones. */
function migrateCheckers(oldRs: RealServerRuntime, rs: RealServerRuntime, pairs: Map<CheckerRuntime, CheckerRuntime>, out: Effects): void {
  const unused = new Set(oldRs.checkers.filter((c) => c.spec.variant.kind !== 'file'));
  for (const c of rs.checkers) {
    if (c.spec.variant.kind === 'file') continue;
    const o = [...unused].find((x) => x.spec.type === c.spec.type && x.spec.identity === c.spec.identity);
    if (!o) continue;
    unused.delete(o);
    pairs.set(o, c);
    if (o.hasRun && o.isUp !== c.isUp) setCheckerState(c, o.isUp);
    c.hasRun = o.hasRun;
    // Enough retries already for the new retry count: one more failure brings it down.
    if (o.retryIt && c.retry) c.retryIt = o.retryIt >= c.retry ? c.retry - 1 : o.retryIt;
    // COMPAT(keepalived): keepalived drops a MISC_CHECK's dynamic weight on reload while keeping
    // the real server's effective weight, which double-counts it at the next exit status; tsvs
    // carries the dynamic part and recomputes the weight from the new configured one.
    c.lastExitCode = o.lastExitCode;
    const v = c.spec.variant;
    const dynamicWeight = v.kind === 'misc' && v.dynamic && o.isUp && o.lastExitCode >= 2;
    c.curWeight = dynamicWeight ? o.lastExitCode - 2 - rs.spec.weight : o.curWeight;
  }
  rs.numFailedCheckers = rs.checkers.filter((c) => c.hasRun && !c.isUp).length;
  const anyRun = rs.checkers.some((c) => c.hasRun);
  if (rs.numFailedCheckers > 0 || (!rs.alive && !anyRun)) {
    for (const c of rs.checkers) {
      if (c.hasRun) continue;
      if (c.spec.alpha) setCheckerState(c, false);
      c.retryIt = c.retry;
    }
  }
  if (rs.numFailedCheckers === 0 && !rs.alive) setServerAlive(rs, true, out);
  else if (rs.numFailedCheckers > 0 && rs.set !== rs.inhibit) ipvsCmd(rs.inhibit ? 'add' : 'del', rs.vs, rs, out);
}

/** clear_diff_rs(): removed real servers go, kept ones carry their state over. */
function diffRealServers(old: VirtualServerRuntime, vs: VirtualServerRuntime, pairs: Map<CheckerRuntime, CheckerRuntime>, out: Effects): void {
  const kept: [RealServerRuntime, RealServerRuntime][] = [];
  for (const o of old.realServers) {
    const rs = vs.realServers.find((r) => r.id === o.id);
    if (!rs) {
      out.log(`service ${o.name} no longer exist`);
      clearRealServer(old, o, false, out);
      continue;
    }
    Object.assign(rs, { alive: o.alive, set: o.set, ipvsWeight: o.ipvsWeight, effectiveWeight: o.effectiveWeight, reloaded: true });
    kept.push([o, rs]);
  }
  // Every kept server carries its state before any is migrated, so that a server coming up during
  // the migration sees the real weight sum (keepalived migrates one at a time).
  for (const [o, rs] of kept) migrateCheckers(o, rs, pairs, out);
  quorumAfterRemoval(old, false, out);
}

/** clear_diff_s_srv(): keep the same sorry server, remove a changed one. */
function diffSorry(old: VirtualServerRuntime, vs: VirtualServerRuntime, out: Effects): void {
  const o = old.sorry;
  if (!o) return;
  if (vs.sorry && vs.sorry.id === o.id) {
    Object.assign(vs.sorry, { alive: o.alive, set: o.set, ipvsWeight: o.ipvsWeight });
    return;
  }
  // An inhibited sorry server that is present counts as in use, so that it is removed.
  if (o.alive || o.set) {
    out.log(`Removing sorry server ${o.name} from VS ${old.name}`);
    ipvsCmd('del', old, o, out, true);
  }
}

/** The weight a kept real server now has: its configured weight plus the checkers' adjustments. */
function reweigh(vs: VirtualServerRuntime, out: Effects): void {
  for (const rs of vs.realServers) {
    if (!rs.reloaded) continue;
    // COMPAT(keepalived): keepalived keeps the old effective weight of a kept real server, so a
    // changed `weight` does not take effect on reload (issue #187); tsvs applies it.
    const weight = rs.spec.weight + rs.checkers.reduce((a, c) => a + c.curWeight, 0);
    setServerWeight(rs, weight, false, out);
  }
}

/**
 * Plan the new state from a copy of the old one. Returns the new virtual servers and, for each
 * old checker that continues, the new checker it became.
 */
export function reloadAll(
  old: readonly VirtualServerRuntime[],
  spec: HealthSpec,
  inputs: StartInputs,
  out: Effects,
): { vss: VirtualServerRuntime[]; pairs: Map<CheckerRuntime, CheckerRuntime> } {
  const vss = spec.virtualServers.map(buildVirtualServer);
  const pairs = new Map<CheckerRuntime, CheckerRuntime>();
  for (const o of old) {
    const vs = vss.find((v) => v.id === o.id);
    if (!vs) {
      out.log(`Removing Virtual Server ${o.name}`);
      clearVirtualServer(o, false, out);
      continue;
    }
    vs.quorumUp = o.quorumUp;
    vs.addressCount = o.addressCount;
    diffRealServers(o, vs, pairs, out);
    diffSorry(o, vs, out);
  }
  for (const vs of vss) {
    if (!old.some((o) => o.id === vs.id)) vs.addressCount = inputs.addressCount(vs.id);
    for (const rs of vs.realServers) {
      if (rs.reloaded) continue;
      // check_new_rs_state(): a new real server with alpha checkers starts down.
      for (const c of rs.checkers) if (c.spec.alpha && c.spec.variant.kind !== 'file') setCheckerState(c, false);
    }
  }
  for (const vs of vss) {
    reweigh(vs, out);
    initPool(vs, out);
  }
  for (const vs of vss) {
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) {
        if (c.spec.variant.kind !== 'file') continue;
        c.hasRun = true;
        fileCheckChanged(c, inputs.fileValue(c.spec.variant.file), out);
      }
    }
    activateCheckers(vs, out);
  }
  return { vss, pairs };
}
