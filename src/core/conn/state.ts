/**
 * Protocol state transitions of an entry (set_tcp_state, set_sctp_state, udp_state_transition):
 * direction selection (NOOUTPUT → INPUT_ONLY, cleared by the first reply), next state from the
 * tables, active/inactive moves on entering or leaving ESTABLISHED, the controlling template
 * becoming ASSURED, and the new timeout — read from the current `--set` values, so a change
 * applies from the next packet on.
 */
import type { Connections } from './connections.js';
import { CONN_F, PROTO, TEMPLATE_STATE } from './flags.js';
import { SCTP_STATE, SCTP_TIMEOUTS_S, sctpEvent, sctpNextState } from './sctp-table.js';
import { DIR, TCP_STATE, TCP_TABLE_NORMAL, TCP_TABLE_SECURE, TCP_TIMEOUTS_S, tcpEvent, tcpNextState } from './tcp-table.js';

export const DIR_INPUT = DIR.INPUT;
export const DIR_OUTPUT = DIR.OUTPUT;

/** Timeout in ms of a TCP state under the current `--set` values. */
export function tcpTimeoutMs(c: Connections, state: number): number {
  if (state === TCP_STATE.ESTABLISHED) return c.ipvs.timeouts.tcp * 1000;
  if (state === TCP_STATE.FIN_WAIT) return c.ipvs.timeouts.tcpfin * 1000;
  return TCP_TIMEOUTS_S[state]! * 1000;
}

/** INPUT becomes INPUT_ONLY while NOOUTPUT is set; an OUTPUT packet clears NOOUTPUT. */
function effectiveDir(c: Connections, idx: number, dir: number): number {
  const t = c.table;
  const f = t.flags(idx);
  if (!(f & CONN_F.NOOUTPUT)) return dir;
  if (dir === DIR.OUTPUT) {
    t.setFlags(idx, f & ~CONN_F.NOOUTPUT);
    return dir;
  }
  return DIR.INPUT_ONLY;
}

/** Move the entry between the destination's active and inactive counters on a state change. */
function changeState(c: Connections, idx: number, next: number, established: number): void {
  const t = c.table;
  if (next === t.state[idx]) return;
  const h = t.dest[idx]!;
  if (h >= 0) {
    const d = c.dests.get(h);
    const f = t.flags(idx);
    if (!(f & CONN_F.INACTIVE) && next !== established) {
      d.activeConns--;
      d.inactConns++;
      t.setFlags(idx, f | CONN_F.INACTIVE);
    } else if (f & CONN_F.INACTIVE && next === established) {
      d.activeConns++;
      d.inactConns--;
      t.setFlags(idx, f & ~CONN_F.INACTIVE);
    }
  }
  if (next === established) assureControl(c, idx);
}

/** A controlled entry confirmed its connection: its template becomes ASSURED. */
function assureControl(c: Connections, idx: number): void {
  const t = c.table;
  const ct = t.control[idx]!;
  if (ct >= 0 && t.flags(ct) & CONN_F.TEMPLATE) t.state[ct] = TEMPLATE_STATE.ASSURED;
}

export function tcpTransition(c: Connections, idx: number, dir: number, tcpFlags: number): void {
  const d = effectiveDir(c, idx, dir);
  const table = c.ipvs.sysctls.secure_tcp >= 2 ? TCP_TABLE_SECURE : TCP_TABLE_NORMAL;
  const next = tcpNextState(table, d, tcpEvent(tcpFlags), c.table.state[idx]!);
  changeState(c, idx, next, TCP_STATE.ESTABLISHED);
  c.table.state[idx] = next;
  c.table.timeout[idx] = tcpTimeoutMs(c, next);
}

export function sctpTransition(c: Connections, idx: number, dir: number, chunk: number, nextChunk: number): void {
  const d = effectiveDir(c, idx, dir);
  const next = sctpNextState(d, sctpEvent(chunk, nextChunk), c.table.state[idx]!);
  changeState(c, idx, next, SCTP_STATE.ESTABLISHED);
  c.table.state[idx] = next;
  c.table.timeout[idx] = SCTP_TIMEOUTS_S[next]! * 1000;
}

/** UDP has one state; every packet re-sets the UDP timeout and a reply assures the template. */
export function udpTransition(c: Connections, idx: number, dir: number): void {
  c.table.timeout[idx] = c.ipvs.timeouts.udp * 1000;
  if (dir === DIR.OUTPUT) assureControl(c, idx);
}

/** Run the transition of the entry's protocol for one packet. */
export function transition(c: Connections, idx: number, dir: number, tcpFlags: number, chunk: number, nextChunk: number): void {
  switch (c.table.proto(idx)) {
    case PROTO.TCP:
      return tcpTransition(c, idx, dir, tcpFlags);
    case PROTO.SCTP:
      return sctpTransition(c, idx, dir, chunk, nextChunk);
    case PROTO.UDP:
      return udpTransition(c, idx, dir);
  }
}
