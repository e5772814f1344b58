/**
 * The real-server pool of a virtual server, as keepalived keeps it (ipwrapper.c, ipvswrapper.c;
 * keepalived.md §3.3, §3.4): adding and removing real servers when their checkers change state,
 * inhibit_on_failure (weight 0 instead of removal), weight changes, the quorum with hysteresis,
 * the sorry server, and the notify commands each transition runs.
 */
import type { CheckerRuntime, Effects, PoolMember, RealServerRuntime, VirtualServerRuntime } from './runtime.js';
import { realWeight } from './weights.js';

type Cmd = 'add' | 'del' | 'edit';

/**
 * ipvs_cmd() for a destination: inhibit turns a removal into weight 0 and a re-add into an
 * edit; `set` records presence in IPVS. `force` removes even an inhibited server (shutdown,
 * deleted from the configuration).
 */
export function ipvsCmd(cmd: Cmd, vs: VirtualServerRuntime, m: PoolMember, out: Effects, force = false): void {
  const inhibit = m.inhibit && !force;
  let weight = realWeight(m.effectiveWeight);
  if (cmd === 'del' && inhibit) {
    cmd = 'edit';
    weight = 0;
  } else if (cmd === 'add' && inhibit && m.set) {
    cmd = 'edit';
  } else if (cmd === 'add' && !m.set) {
    m.set = true;
    if (inhibit && m.numFailedCheckers > 0) weight = 0;
  } else if (cmd === 'del' && m.set) {
    m.set = false;
  } else if (cmd === 'add' || cmd === 'del') {
    // Already in (or out of) the pool: IPVS would refuse with EEXIST / ENOENT and nothing changes.
    return;
  }
  if (cmd === 'edit' && !m.set) return;
  m.ipvsWeight = cmd === 'del' ? 0 : weight;
  out.dest(vs, m, cmd !== 'del', m.ipvsWeight);
}

/** weigh_live_realservers(): the sum of the weights of alive real servers. */
export function liveWeight(vs: VirtualServerRuntime): number {
  let sum = 0;
  for (const rs of vs.realServers) if (rs.alive) sum += realWeight(rs.effectiveWeight);
  return sum;
}

/** do_rs_notifies(): notify_up or notify_down, by the server's new state. */
export function rsNotifies(rs: PoolMember, stopping: boolean, out: Effects): void {
  out.notify(rs.alive ? rs.notifyUp : rs.notifyDown, stopping);
}

/** do_vs_notifies(): quorum_up or quorum_down; at shutdown only with omega. */
export function vsNotifies(vs: VirtualServerRuntime, stopping: boolean, out: Effects): void {
  if (stopping && !vs.spec.omega) return;
  out.notify(vs.quorumUp ? vs.spec.quorumUp : vs.spec.quorumDown, stopping);
}

/** perform_quorum_state(): put every alive real server back into the pool, or take them out. */
function quorumPool(vs: VirtualServerRuntime, add: boolean, out: Effects): void {
  out.log(`${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${vs.name}`);
  for (const rs of vs.realServers) if (rs.alive) ipvsCmd(add ? 'add' : 'del', vs, rs, out);
}

/** The sorry server is in use: real server changes are recorded but not programmed. */
function sorryActive(vs: VirtualServerRuntime): boolean {
  return !vs.quorumUp && vs.sorry !== null && vs.sorry.alive;
}

/** update_quorum_state(): gain or lose the quorum (with hysteresis) and swap the sorry server. */
export function updateQuorum(vs: VirtualServerRuntime, init: boolean, out: Effects): void {
  const { quorum, hysteresis } = vs.spec;
  const sum = liveWeight(vs);
  const threshold = quorum + (vs.quorumUp ? -1 : 1) * hysteresis;
  const sorry = vs.sorry;
  if (!vs.quorumUp && sum >= threshold) {
    vs.quorumUp = true;
    out.log(`Gained quorum ${quorum}+${hysteresis}=${threshold} <= ${sum} for VS ${vs.name}`);
    if (sorry && sorry.alive) {
      out.log(`${sorry.inhibit ? 'Disabling' : 'Removing'} sorry server ${sorry.name} from VS ${vs.name}`);
      ipvsCmd('del', vs, sorry, out);
      sorry.alive = false;
      quorumPool(vs, true, out);
    }
    vsNotifies(vs, false, out);
    return;
  }
  const lost = vs.quorumUp && (sum === 0 || sum < threshold);
  if (!lost && !(init && !vs.quorumUp && sorry && !sorry.alive)) return;
  vs.quorumUp = false;
  out.log(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${quorum}-${hysteresis}=${threshold} > ${sum} for VS ${vs.name}`);
  if (sorry && !sorry.alive) {
    out.log(`${sorry.inhibit ? 'Enabling' : 'Adding'} sorry server ${sorry.name} to VS ${vs.name}`);
    quorumPool(vs, false, out);
    ipvsCmd('add', vs, sorry, out);
    sorry.alive = true;
  }
  vsNotifies(vs, false, out);
}

/** perform_svr_state(): a real server goes up or down. */
export function setServerAlive(rs: RealServerRuntime, alive: boolean, out: Effects): void {
  const vs = rs.vs;
  if (rs.alive === alive) return;
  const verb = alive ? (rs.inhibit ? 'Enabl' : 'Add') : rs.inhibit ? 'Disabl' : 'Remov';
  out.log(`${verb}ing service ${rs.name} ${rs.inhibit ? 'of' : alive ? 'to' : 'from'} VS ${vs.name}`);
  if (!sorryActive(vs)) ipvsCmd(alive ? 'add' : 'del', vs, rs, out);
  rs.alive = alive;
  rsNotifies(rs, false, out);
  updateQuorum(vs, false, out);
}

/** set_checker_state(): count failed checkers on the real server. */
export function setCheckerState(c: CheckerRuntime, up: boolean): void {
  if (c.isUp === up) return;
  c.isUp = up;
  if (!up) c.rs.numFailedCheckers++;
  else if (c.rs.numFailedCheckers > 0) c.rs.numFailedCheckers--;
}

/**
 * update_svr_checker_state(): a checker reached a verdict. The real server changes only with its
 * first failing checker and its last recovering one (checkers are AND-ed).
 */
export function checkerVerdict(c: CheckerRuntime, up: boolean, out: Effects): void {
  if (c.isUp === up) {
    if (!c.hasRun) {
      if (c.spec.alpha || !up) rsNotifies(c.rs, false, out);
      c.hasRun = true;
    }
    return;
  }
  c.hasRun = true;
  if (up && c.rs.numFailedCheckers <= 1) setServerAlive(c.rs, true, out);
  else if (!up && c.rs.numFailedCheckers === 0) setServerAlive(c.rs, false, out);
  setCheckerState(c, up);
}

/** update_svr_wgt(): a new effective weight, programmed at once only where it matters now. */
export function setServerWeight(rs: RealServerRuntime, weight: number, updateQuorumToo: boolean, out: Effects): void {
  const vs = rs.vs;
  const next = realWeight(weight);
  const prev = realWeight(rs.effectiveWeight);
  rs.effectiveWeight = weight;
  if (next === prev) return;
  out.log(`Changing weight from ${prev} to ${next} for ${rs.alive ? '' : 'in'}active service ${rs.name} of VS ${vs.name}`);
  if (rs.set && rs.alive && !sorryActive(vs)) ipvsCmd('edit', vs, rs, out);
  if (updateQuorumToo) updateQuorum(vs, false, out);
}
