/**
 * Start-up (keepalived's validate_check_config, set_quorum_states, init_services and
 * register_checkers_thread, in that order; keepalived.md §3.2–§3.5): alpha checkers start failed,
 * every checker's first failure is final, real servers without a failed checker are added, the
 * quorum is evaluated (installing the sorry server if it is not met) and an inhibited sorry
 * server is put in with weight 0.
 */
import { fileCheckInitial } from './checker-file.js';
import { ipvsCmd, liveWeight, setCheckerState, updateQuorum } from './pool.js';
import type { Effects, VirtualServerRuntime } from './runtime.js';

export interface StartInputs {
  /** The current value of a tracked file (0 when missing or unreadable). */
  fileValue(file: string): number;
  /** How many times the virtual server's address is configured on this host (ha_suspend). */
  addressCount(vsId: string): number;
}

/** validate_check_config() for a start (not a reload). */
export function prepareCheckers(vs: VirtualServerRuntime, inputs: StartInputs): void {
  for (const rs of vs.realServers) {
    for (const c of rs.checkers) {
      if (c.spec.variant.kind === 'file') {
        fileCheckInitial(c, inputs.fileValue(c.spec.variant.file));
        continue;
      }
      if (c.spec.alpha) {
        setCheckerState(c, false);
        rs.alive = false;
      }
      // Without alpha one failure is enough at first; with alpha the first failure is logged.
      c.retryIt = c.retry;
    }
    rs.effectiveWeight = rs.spec.weight + rs.checkers.reduce((a, c) => a + c.curWeight, 0);
  }
}

/** init_service_vs(): program the pool and evaluate the quorum. */
export function initPool(vs: VirtualServerRuntime, out: Effects): void {
  for (const rs of vs.realServers) {
    if (rs.reloaded) continue;
    if ((rs.numFailedCheckers === 0 && !rs.alive) || (rs.inhibit && !rs.set)) {
      ipvsCmd('add', vs, rs, out);
      if (rs.numFailedCheckers === 0) rs.alive = true;
    }
  }
  updateQuorum(vs, true, out);
  const sorry = vs.sorry;
  if (sorry && sorry.inhibit && !sorry.set) {
    // An inhibited sorry server is always present, with weight 0 until needed.
    sorry.numFailedCheckers = 1;
    ipvsCmd('add', vs, sorry, out);
    sorry.numFailedCheckers = 0;
  }
}

/** register_checkers_thread(): ha_suspend decides which checkers run, and each is announced. */
export function activateCheckers(vs: VirtualServerRuntime, out: Effects): void {
  for (const rs of vs.realServers) {
    for (const c of rs.checkers) {
      if (c.spec.variant.kind === 'file') continue;
      c.enabled = !(vs.spec.haSuspend && vs.addressCount === 0);
      out.log(`${c.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${rs.name} for VS ${vs.name}`);
    }
  }
}

export function startAll(vss: readonly VirtualServerRuntime[], inputs: StartInputs, out: Effects): void {
  for (const vs of vss) {
    vs.addressCount = inputs.addressCount(vs.id);
    prepareCheckers(vs, inputs);
  }
  // set_quorum_states(): before any server is added, so a met quorum is "gained" at start.
  for (const vs of vss) vs.quorumUp = liveWeight(vs) >= vs.spec.quorum + vs.spec.hysteresis;
  for (const vs of vss) initPool(vs, out);
  for (const vs of vss) activateCheckers(vs, out);
}
