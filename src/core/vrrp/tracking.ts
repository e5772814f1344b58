/**
 * Tracking (keepalived vrrp_track.c, vrrp_scheduler.c try_up_instance; keepalived.md §4.9):
 * an unweighted tracker that goes down puts the instance in FAULT; a weighted one moves the
 * effective priority, clamped to [1, 254] (owners at 255 never move). vrrp_script results pass
 * through a rise/fall counter first.
 */
import type { Host } from './host.js';
import type { Instance } from './instance.js';
import type { ScriptConfig, ScriptOutcome, TrackSpec } from './types.js';

const PRIO_OWNER = 255;

/** vrrp_set_effective_priority(): a change while BACKUP moves the pending down timer by the difference. */
export function setEffectivePriority(h: Host, vrrp: Instance): void {
  if (vrrp.basePriority === PRIO_OWNER) return;
  const prio = vrrp.totalPriority < 1 ? 1 : vrrp.totalPriority >= PRIO_OWNER ? PRIO_OWNER - 1 : vrrp.totalPriority;
  if (prio === vrrp.effectivePriority) return;
  h.info(`(${vrrp.name}) Changing effective priority from ${vrrp.effectivePriority} to ${prio}`);
  vrrp.effectivePriority = prio;
  const old = vrrp.msDownTimerUs;
  vrrp.msDownTimerUs = vrrp.masterDownUs();
  if (vrrp.state === 'BACKUP' && vrrp.sands !== null) {
    vrrp.sands += (vrrp.msDownTimerUs - old) / 1000;
    h.emit({ kind: 'timer', instance: vrrp.name, timer: 'instance', at: vrrp.sands });
  }
}

/** down_instance(): the first fault takes the instance (and its sync group) to FAULT. */
export function downInstance(h: Host, vrrp: Instance): void {
  if (vrrp.numScriptIfFault++ !== 0 && vrrp.state !== 'INIT') return;
  vrrp.wantState = 'FAULT';
  if (vrrp.state === 'MASTER') vrrp.leaveMaster(h, true);
  else vrrp.leaveFault(h);
  if (vrrp.sync && vrrp.sync.numMemberFault++ === 0) vrrp.sync.syncFault(h, vrrp);
}

/** try_up_instance(): the last fault cleared (or the last initialising script reported). */
export function tryUpInstance(h: Host, vrrp: Instance, leavingInit: boolean): void {
  const sync = vrrp.sync;
  if (leavingInit) {
    if (vrrp.numScriptIfFault) return;
  } else if (--vrrp.numScriptIfFault || vrrp.numScriptInit) {
    if (!vrrp.numScriptIfFault) {
      if (sync) {
        sync.numMemberFault--;
        sync.state = 'INIT';
      }
      vrrp.wantState = 'BACKUP';
    }
    return;
  }
  const owner = vrrp.wantState === 'MASTER' && vrrp.basePriority === PRIO_OWNER;
  if (!owner) vrrp.wantState = 'BACKUP';
  vrrp.masterAdverIntUs = vrrp.cfg.advertIntUs;
  vrrp.msDownTimerUs = owner ? vrrp.masterAdverIntUs + vrrp.skewUs() : vrrp.masterDownUs();
  if (sync) {
    if (leavingInit) {
      if (sync.numMemberFault) return;
    } else if (--sync.numMemberFault || sync.numMemberInit) return;
  }
  const want = vrrp.wantState;
  if (sync && vrrp.wantState === 'MASTER' && !sync.canGotoMaster(h, vrrp)) vrrp.wantState = 'BACKUP';
  vrrp.leaveFault(h);
  if (vrrp.unicast && vrrp.saddr !== null) {
    // Refresh the master's ARP cache for us, so its unicast adverts reach us without a delay.
    h.debug(`${vrrp.name}: sending gratuitous ${vrrp.cfg.family === 4 ? 'ARP' : 'NA'} for ${vrrp.saddr}`);
    h.emit({ kind: 'garp', instance: vrrp.name, targets: [{ ifname: vrrp.cfg.ifname, family: vrrp.cfg.family, address: vrrp.saddr }], repeat: 1 });
  }
  vrrp.initSands(h);
  vrrp.wantState = want;
  if (sync) {
    if (vrrp.state === 'MASTER') sync.syncMaster(h, vrrp);
    else sync.syncBackup(h, vrrp);
  }
}

const multiplier = (t: TrackSpec): number => (t.reverse ? -1 : 1);

/** process_if_status_change() for one tracking instance. */
export function interfaceChanged(h: Host, vrrp: Instance, t: TrackSpec, up: boolean): void {
  if (t.weight !== 0) {
    vrrp.totalPriority += (up ? 1 : -1) * Math.abs(t.weight) * multiplier(t);
    setEffectivePriority(h, vrrp);
    return;
  }
  if (up === (multiplier(t) === 1)) tryUpInstance(h, vrrp, false);
  else downInstance(h, vrrp);
}

/** Tracker state at start-up (initialise_interface_tracking_priorities and friends). */
export function initialTracker(h: Host, vrrp: Instance, t: TrackSpec, up: boolean | null, what: string): void {
  if (t.weight === 0) {
    if (up === null) vrrp.numScriptInit++;
    else if (up !== (multiplier(t) === 1)) {
      h.info(`(${vrrp.name}): entering FAULT state (${what})`);
      vrrp.setState(h, 'FAULT');
      vrrp.numScriptIfFault++;
    }
    return;
  }
  if (vrrp.basePriority === PRIO_OWNER || up === null) return;
  if (up ? t.weight > 0 : t.weight < 0) vrrp.totalPriority += t.weight * multiplier(t);
}

export type ScriptInit = 'INIT' | 'FAILED' | 'DONE';

/** A vrrp_script's rise/fall counter: result in [0, rise+fall−1], up iff result ≥ rise. */
export class ScriptState {
  readonly cfg: ScriptConfig;
  result: number;
  init: ScriptInit;
  lastStatus: number | null = null;

  constructor(cfg: ScriptConfig) {
    this.cfg = cfg;
    this.init = cfg.initFail ? 'FAILED' : 'INIT';
    this.result = cfg.initFail ? 0 : cfg.rise - 1;
  }

  /** Take over the counter of the same script before a reload (clamped to the new rise/fall). */
  carry(prev: ScriptState): void {
    this.init = prev.init;
    this.lastStatus = prev.lastStatus;
    this.result = Math.min(prev.result, this.cfg.rise + this.cfg.fall - 1);
  }

  /** Whether the script counts as up; null while it has not reported yet. */
  get up(): boolean | null {
    if (this.init === 'INIT') return null;
    return this.result >= this.cfg.rise;
  }

  /**
   * One run's outcome (vrrp_script_child_thread): returns the change to apply to the trackers
   * (null: none) and whether the script was still initialising; log lines go to `h`.
   */
  outcome(h: Host, o: ScriptOutcome): { readonly change: boolean | null; readonly wasInit: boolean } {
    const { rise, fall, name } = this.cfg;
    const wasInit = this.init === 'INIT';
    let ok: boolean;
    let text: string;
    if (o.kind === 'exit') {
      if (o.status !== this.lastStatus) h.info(`Script \`${name}\` now returning ${o.status}`);
      this.lastStatus = o.status;
      ok = o.status === 0;
      text = ok ? 'succeeded' : `failed (exited with status ${o.status})`;
    } else if (o.kind === 'signal') {
      ok = false;
      text = `failed (due to signal ${o.signal})`;
    } else {
      ok = false;
      text = 'timed_out';
    }
    let change: boolean | null = null;
    if (ok) {
      if (this.result < rise - 1) this.result++;
      else if (this.result !== rise + fall - 1) {
        if (this.result < rise) {
          h.info(`VRRP_Script(${name}) ${text}`);
          change = true;
        }
        this.result = rise + fall - 1;
      }
    } else if (this.result > rise) this.result--;
    else {
      if (this.result === rise || wasInit) {
        h.info(`VRRP_Script(${name}) ${text}`);
        change = false;
      }
      this.result = 0;
    }
    this.init = 'DONE';
    return { change, wasInit };
  }
}

/** process_script_update_priority() for one tracking instance. */
export function scriptChanged(h: Host, vrrp: Instance, t: TrackSpec, ok: boolean, wasInit: boolean): void {
  const m = multiplier(t);
  if (t.weight === 0) {
    let leftInit = false;
    if (wasInit && --vrrp.numScriptInit === 0) {
      leftInit = true;
      if (vrrp.sync) vrrp.sync.numMemberInit--;
    }
    if (ok !== (m === 1)) downInstance(h, vrrp);
    else if (!vrrp.numScriptInit && (!vrrp.sync || !vrrp.sync.numMemberInit)) tryUpInstance(h, vrrp, leftInit);
    return;
  }
  if (vrrp.basePriority === PRIO_OWNER) return;
  if (wasInit) {
    if (ok ? t.weight > 0 : t.weight < 0) vrrp.totalPriority += t.weight * m;
  } else vrrp.totalPriority += (ok ? 1 : -1) * Math.abs(t.weight) * m;
  setEffectivePriority(h, vrrp);
}
