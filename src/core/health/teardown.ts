/**
 * Taking real servers and virtual servers out: at shutdown (keepalived's clear_services with
 * stopping set) and for what a reload no longer configures (clear_diff_services). With `omega`
 * the notify_down and quorum_down commands run at shutdown too (keepalived.md §3.3).
 */
import { ipvsCmd, liveWeight, rsNotifies } from './pool.js';
import type { Effects, RealServerRuntime, VirtualServerRuntime } from './runtime.js';

/** clear_service_rs(). */
export function clearRealServer(vs: VirtualServerRuntime, rs: RealServerRuntime, stopping: boolean, out: Effects): void {
  if (rs.set || stopping) {
    const inhibited = rs.inhibit && !rs.alive ? '(inhibited) ' : '';
    out.log(`${stopping ? 'Shutting down' : 'Removing'} ${inhibited}service ${rs.name} from VS ${vs.name}`);
  }
  if (!rs.set) return;
  ipvsCmd('del', vs, rs, out, true);
  if (!rs.alive) return;
  rs.alive = false;
  if (!vs.spec.omega && stopping) return;
  rsNotifies(rs, stopping, out);
}

/** update_vs_notifies(): the quorum is lost once servers are taken out (always, when stopping). */
export function quorumAfterRemoval(vs: VirtualServerRuntime, stopping: boolean, out: Effects): void {
  const threshold = vs.spec.quorum - vs.spec.hysteresis;
  const sum = liveWeight(vs);
  if (stopping || (vs.quorumUp && (sum === 0 || sum < threshold))) {
    vs.quorumUp = false;
    if (stopping && !vs.spec.omega) return;
    out.notify(vs.spec.quorumDown, stopping);
  }
}

/** clear_service_vs(): the sorry server, then every real server, then the quorum. */
export function clearVirtualServer(vs: VirtualServerRuntime, stopping: boolean, out: Effects): void {
  const sorry = vs.sorry;
  if (sorry && sorry.set) {
    ipvsCmd('del', vs, sorry, out, true);
    sorry.alive = false;
  }
  for (const rs of vs.realServers) clearRealServer(vs, rs, stopping, out);
  quorumAfterRemoval(vs, stopping, out);
}

/** Shutdown: what keepalived does to every virtual server when it stops. */
export function shutdownAll(vss: readonly VirtualServerRuntime[], out: Effects): void {
  for (const vs of vss) clearVirtualServer(vs, true, out);
}

