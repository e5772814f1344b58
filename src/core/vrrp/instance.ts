/**
 * One vrrp_instance as keepalived 2.2.7 runs it (vrrp.c vrrp_state_*, vrrp_scheduler.c;
 * keepalived.md §4.2-§4.5): BACKUP waits for the master-down timer, MASTER advertises every
 * advert_int, FAULT waits for its trackers. Every method takes the {@link Host} of the event being
 * handled and reports what must happen as effects; nothing here does I/O or reads a clock.
 */
import { compareAddr } from '../../wire/vrrp-addr.js';
import type { VrrpAdvertSpec } from '../../wire/vrrp.js';
import type { Host } from './host.js';
import type { AdvertView } from './received.js';
import { RejectLog } from './reject-log.js';
import type { SyncGroup } from './sync-group.js';
import { masterDownUs, prioritySkewUs, skewUs, TIMER_HZ, usToMs } from './timers.js';
import {
  zeroCounters,
  type GarpTarget,
  type InstanceConfig,
  type InstanceCounters,
  type InstanceStatus,
  type InterfaceFacts,
  type VrrpState,
} from './types.js';
import { checkAdvert, type CheckResult } from './validate.js';

const PRIO_OWNER = 255;
const PRIO_STOP = 0;
const V3_CENTI_US = 10_000;

export class Instance {
  readonly cfg: InstanceConfig;
  readonly counters: InstanceCounters = zeroCounters();
  readonly rejects: RejectLog;
  sync: SyncGroup | null = null;

  state: VrrpState = 'INIT';
  wantState: VrrpState;
  basePriority: number;
  effectivePriority: number;
  /** Configured priority plus the tracker contributions, before clamping to [1, 254]. */
  totalPriority: number;
  masterAdverIntUs: number;
  msDownTimerUs: number;
  /** Deadline of the instance timer (monotonic ms), null while disabled (FAULT, INIT). */
  sands: number | null = null;
  preemptUntil: number | null = null;
  masterSaddr: string | null = null;
  masterPriority: number | null = null;
  /** Who the last accepted or winning advert came from (for status only). */
  shownMaster: string | null = null;
  /** The last advert checked by backupRx/masterRx passed every check (the engine's peer list reads it). */
  lastRxAccepted = false;
  vipSet = false;
  numScriptIfFault = 0;
  numScriptInit = 0;
  notifiesSent = false;
  garpRefreshAt: number | null = null;
  lastTransition: number | null = null;
  unicastChecksumCompat = false;
  /** Our advert source: configured, or the interface's primary address; null: none yet. */
  saddr: string | null = null;

  constructor(cfg: InstanceConfig, rejectLogIntervalMs: number) {
    this.cfg = cfg;
    this.rejects = new RejectLog(rejectLogIntervalMs);
    this.wantState = cfg.wantMaster ? 'MASTER' : 'BACKUP';
    this.basePriority = cfg.priority;
    this.effectivePriority = cfg.priority;
    this.totalPriority = cfg.priority;
    this.masterAdverIntUs = cfg.advertIntUs;
    this.msDownTimerUs = this.masterDownUs();
  }

  get name(): string {
    return this.cfg.name;
  }

  get unicast(): boolean {
    return this.cfg.unicastPeers.length > 0;
  }

  masterDownUs(): number {
    return masterDownUs(this.cfg.version, this.cfg.downTimerAdverts, this.masterAdverIntUs, this.effectivePriority);
  }

  skewUs(): number {
    return prioritySkewUs(this.cfg.version, this.effectivePriority, this.masterAdverIntUs);
  }

  minSkewUs(): number {
    return skewUs(this.cfg.version, 1, this.masterAdverIntUs);
  }

  /** The advert source for these interface facts (configured address first). */
  sourceFrom(facts: InterfaceFacts | undefined): string | null {
    if (this.cfg.srcIp) return this.cfg.srcIp;
    if (!facts) return null;
    return this.cfg.family === 4 ? facts.primary4 : facts.linkLocal6;
  }

  setState(h: Host, to: VrrpState): void {
    if (to === this.state) return;
    h.emit({ kind: 'transition', instance: this.name, from: this.state, to, at: h.now });
    this.state = to;
    this.lastTransition = h.now;
    this.rejects.reset();
  }

  /** vrrp_init_instance_sands(): re-arm the one instance timer for the current state. */
  initSands(h: Host): void {
    if (this.state === 'MASTER') this.sands = h.now + usToMs(this.cfg.advertIntUs);
    else if (this.state === 'BACKUP') this.sands = h.now + usToMs(this.msDownTimerUs);
    else this.sands = null;
    h.emit({ kind: 'timer', instance: this.name, timer: 'instance', at: this.sands });
  }

  advert(priority: number): VrrpAdvertSpec {
    const c = this.cfg;
    const v2 = c.version === 2;
    return {
      version: c.version,
      vrid: c.vrid,
      priority,
      authType: v2 ? c.authType : 0,
      interval: v2 ? Math.floor(c.advertIntUs / TIMER_HZ) : Math.floor(c.advertIntUs / V3_CENTI_US),
      addresses: c.vips.map((v) => v.address),
      authData: v2 && c.family === 4 ? (c.authData ?? new Uint8Array(8)) : null,
    };
  }

  /** vrrp_send_adv(). */
  sendAdv(h: Host, priority: number): void {
    const c = this.cfg;
    if (this.saddr === null) return;
    const dsts = this.unicast ? c.unicastPeers.map((p) => p.address) : [c.mcastGroup];
    const pseudoDst = c.version === 3 && c.family === 4 && this.unicast && (c.oldUnicastChecksum || this.unicastChecksumCompat) ? c.mcastGroup : null;
    h.emit({
      kind: 'send', instance: this.name, ifname: c.ifname, family: c.family, advert: this.advert(priority), src: this.saddr, dsts,
      ttl: this.unicast ? c.unicastTtl : 255, pseudoDst,
    });
    this.counters.advert_sent++;
  }

  garpTargets(): GarpTarget[] {
    return [...this.cfg.vips, ...this.cfg.evips].map((v) => ({ ifname: v.dev, family: v.family, address: v.address }));
  }

  /** vrrp_send_link_update(): `repeat` rounds of GARP/NA for every VIP and eVIP, only while they are set. */
  linkUpdate(h: Host, repeat: number): void {
    if (!this.vipSet || repeat <= 0) return;
    const targets = this.garpTargets();
    if (targets.length === 0) return;
    for (const t of targets) {
      h.debug(`(${this.name}) Sending/queueing ${t.family === 4 ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts'} on ${t.ifname} for ${t.address}`);
    }
    h.emit({ kind: 'garp', instance: this.name, targets, repeat });
  }

  sendInstanceNotifies(h: Host): void {
    if (this.notifiesSent && this.sync && this.state === this.sync.state) return;
    this.notifiesSent = true;
    const state = this.state;
    if (state === 'INIT') return;
    h.emit({ kind: 'notify', target: 'INSTANCE', name: this.name, state, priority: this.effectivePriority });
  }

  private setVips(h: Host, op: 'add' | 'remove'): void {
    const word = op === 'add' ? 'setting' : 'removing';
    if (this.cfg.vips.length > 0) {
      h.debug(`(${this.name}) ${word} VIPs.`);
      h.emit({ kind: 'vips', instance: this.name, op, vips: this.cfg.vips });
    }
    if (this.cfg.evips.length > 0) {
      h.debug(`(${this.name}) ${word} E-VIPs.`);
      h.emit({ kind: 'vips', instance: this.name, op, vips: this.cfg.evips });
    }
    this.vipSet = op === 'add';
  }

  /** vrrp_state_become_master(). */
  private becomeMaster(h: Host): void {
    this.counters.become_master++;
    if (this.cfg.version === 3 && this.masterAdverIntUs !== this.cfg.advertIntUs) {
      h.debug(`(${this.name}) changing advert interval from ${this.masterAdverIntUs / 1000}ms to locally configured ${this.cfg.advertIntUs / 1000}ms`);
      // COMPAT(keepalived): 2.2.7 resets the interval only when detailed logging is on; tsvs always does (RFC 5798).
      this.masterAdverIntUs = this.cfg.advertIntUs;
    }
    this.setVips(h, 'add');
    this.linkUpdate(h, this.cfg.garp.masterRepeat);
    if (this.cfg.garp.masterRefreshUs > 0) this.garpRefreshAt = h.now + usToMs(this.cfg.garp.masterRefreshUs);
    this.sendInstanceNotifies(h);
    this.lastTransition = h.now;
  }

  /** vrrp_state_master_tx(): the advert first, so the old master drops the VIPs before our GARPs. */
  masterTx(h: Host): void {
    this.sendAdv(h, this.effectivePriority);
    if (!this.vipSet) {
      h.info(`(${this.name}) Entering MASTER STATE`);
      this.becomeMaster(h);
      if (this.cfg.garp.masterDelayUs > 0) h.emit({ kind: 'timer', instance: this.name, timer: 'garp', at: h.now + usToMs(this.cfg.garp.masterDelayUs) });
    } else if (this.garpRefreshAt !== null && h.now > this.garpRefreshAt) {
      this.linkUpdate(h, this.cfg.garp.masterRefreshRepeat);
      this.garpRefreshAt = h.now + usToMs(this.cfg.garp.masterRefreshUs);
    }
  }

  /** vrrp_state_goto_master(). */
  gotoMaster(h: Host): void {
    if (this.sync && !this.sync.canGotoMaster(h, this)) {
      this.wantState = 'MASTER';
      return;
    }
    this.setState(h, 'MASTER');
    this.initSands(h);
    this.masterTx(h);
  }

  /** vrrp_restore_interface(): optionally a priority-0 advert, then the VIPs go. */
  restoreInterface(h: Host, advF: boolean, force: boolean): void {
    if (advF) {
      this.sendAdv(h, PRIO_STOP);
      this.counters.pri_zero_sent++;
      h.debug(`(${this.name}) sent 0 priority`);
    }
    h.emit({ kind: 'timer', instance: this.name, timer: 'garp', at: null });
    h.emit({ kind: 'timer', instance: this.name, timer: 'garp-lower', at: null });
    this.garpRefreshAt = null;
    if (force || this.vipSet) this.setVips(h, 'remove');
  }

  /** vrrp_state_leave_master(): to wantState (BACKUP or FAULT). */
  leaveMaster(h: Host, advF: boolean): void {
    if (this.wantState === 'BACKUP') {
      h.info(`(${this.name}) Entering BACKUP STATE`);
      this.preemptUntil = null;
    } else if (this.wantState === 'FAULT') {
      h.info(`(${this.name}) Entering FAULT STATE`);
      this.sendAdv(h, PRIO_STOP);
    } else {
      h.info(`(${this.name}) vrrp_state_leave_master called with invalid wantstate ${this.wantState}`);
      return;
    }
    this.restoreInterface(h, advF, false);
    this.setState(h, this.wantState);
    this.sendInstanceNotifies(h);
    this.msDownTimerUs = this.masterDownUs();
    this.initSands(h);
    this.counters.release_master++;
  }

  /** vrrp_state_leave_fault(): to wantState, with a fresh down timer. */
  leaveFault(h: Host): void {
    if (this.wantState === 'MASTER') this.gotoMaster(h);
    else {
      if (this.state !== this.wantState) h.info(`(${this.name}) Entering ${this.wantState === 'BACKUP' ? 'BACKUP' : 'FAULT'} STATE`);
      if (this.wantState === 'FAULT' && this.state === 'MASTER') {
        this.sendAdv(h, PRIO_STOP);
        this.restoreInterface(h, false, false);
      }
      this.setState(h, this.wantState);
      this.sendInstanceNotifies(h);
      if (this.state === 'BACKUP') this.preemptUntil = null;
    }
    this.masterAdverIntUs = this.cfg.advertIntUs;
    this.msDownTimerUs = this.masterDownUs();
    this.initSands(h);
  }

  /** Log what the checks noted, and a rejection (rate-limited per reason). */
  private report(h: Host, r: CheckResult): void {
    this.lastRxAccepted = r.verdict === 'ok';
    for (const n of r.notes) h.info(n);
    if (r.verdict !== 'ok' && this.rejects.shouldLog(r.reason, h.now)) h.info(r.message);
  }

  private adoptInterval(h: Host, v: AdvertView): void {
    if (this.cfg.version !== 3) return;
    const us = v.header.interval * V3_CENTI_US;
    if (us === this.masterAdverIntUs) return;
    h.debug(`(${this.name}) advertisement interval updated from ${this.masterAdverIntUs / 1000}ms to ${us / 1000}ms by master`);
    this.masterAdverIntUs = us;
  }

  /** vrrp_state_backup(). */
  backupRx(h: Host, v: AdvertView): void {
    const src = v.packet.src;
    const checkAddr = !this.cfg.skipCheckAdvAddr || this.masterSaddr === null || this.masterSaddr !== src;
    const r = checkAdvert(this, v, checkAddr);
    const prio = v.header.priority;
    let ignore = false;
    if (r.verdict !== 'ok') {
      this.report(h, r);
      ignore = true;
    } else if (prio === 0) {
      this.report(h, r);
      h.debug(`(${this.name}) Backup received priority 0 advertisement`);
      this.msDownTimerUs = this.skewUs();
    } else if (this.cfg.nopreempt || prio >= this.effectivePriority || (this.cfg.preemptDelayUs > 0 && (this.preemptUntil === null || this.preemptUntil > h.now))) {
      this.report(h, r);
      this.adoptInterval(h, v);
      this.msDownTimerUs = this.masterDownUs();
      if (this.masterSaddr !== src) this.rejects.reset();
      this.masterSaddr = src;
      this.shownMaster = src;
      this.masterPriority = prio;
      this.trackPreemptDelay(h, prio);
      this.wantState = 'BACKUP';
    } else {
      this.report(h, r);
      h.info(`(${this.name}) received lower priority (${prio}) advert from ${src} - discarding`);
      ignore = true;
      this.masterSaddr = src;
    }
    if (ignore && this.sands !== null) this.msDownTimerUs = Math.max(0, Math.round((this.sands - h.now) * 1000));
  }

  private trackPreemptDelay(h: Host, prio: number): void {
    if (this.cfg.preemptDelayUs <= 0) return;
    if (prio >= this.effectivePriority) {
      if (this.preemptUntil !== null) {
        h.debug(`(${this.name}) stop preempt delay`);
        this.preemptUntil = null;
      }
    } else if (this.preemptUntil === null) {
      const us = this.cfg.preemptDelayUs;
      h.debug(`(${this.name}) start preempt delay (${Math.floor(us / TIMER_HZ)}.${String(us % TIMER_HZ).padStart(6, '0')})`);
      this.preemptUntil = h.now + usToMs(us);
    }
  }

  /** vrrp_state_master_rx(): true when we must leave MASTER. */
  masterRx(h: Host, v: AdvertView): boolean {
    const r = checkAdvert(this, v, true);
    this.report(h, r);
    if (r.verdict !== 'ok') return false;
    const src = v.packet.src;
    const prio = v.header.priority;
    const eff = this.effectivePriority;
    const cmp = this.saddr === null ? 0 : compareAddr(src, this.saddr, this.cfg.family);
    if (prio === 0 || (this.cfg.higherPrioSendAdvert && (prio > eff || (prio === eff && cmp > 0)))) {
      this.sendAdv(h, eff);
      if (prio === 0) {
        h.debug(`(${this.name}) Master received priority 0 message`);
        return false;
      }
    }
    if (prio === eff) {
      if (cmp === 0) h.info(`(${this.name}) WARNING - equal priority advert received from remote host with our IP address.`);
      else if (eff === PRIO_OWNER) {
        h.info(`(${this.name}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`);
        this.effectivePriority = PRIO_OWNER - 1;
        this.basePriority = PRIO_OWNER - 1;
      }
    }
    if (prio < this.effectivePriority || (prio === this.effectivePriority && cmp < 0)) {
      this.answerLowerPriority(h, src, prio);
      return false;
    }
    if (prio > this.effectivePriority || (prio === this.effectivePriority && cmp > 0)) {
      h.info(
        prio > this.effectivePriority
          ? `(${this.name}) Master received advert from ${src} with higher priority ${prio}, ours ${this.effectivePriority}`
          : `(${this.name}) Master received advert from ${src} with same priority ${prio} but higher IP address than ours`,
      );
      this.adoptInterval(h, v);
      this.msDownTimerUs = this.masterDownUs();
      this.masterPriority = prio;
      this.shownMaster = src;
      this.wantState = 'BACKUP';
      return true;
    }
    return false;
  }

  /** A lower-priority router thinks it is master: re-advertise and refresh the ARP caches. */
  private answerLowerPriority(h: Host, src: string, prio: number): void {
    h.info(`(${this.name}) Received advert from ${src} with lower priority ${prio}, ours ${this.effectivePriority}${this.cfg.lowerPrioNoAdvert ? '' : ', forcing new election'}`);
    if (!this.cfg.lowerPrioNoAdvert) this.sendAdv(h, this.effectivePriority);
    this.lowerPrioGarps(h);
    for (const other of this.sync?.members ?? []) if (other !== this && other.cfg.garp.lowerPrioRepeat > 0) other.lowerPrioGarps(h);
    h.emit({ kind: 'notify-event', name: this.name, event: 'MASTER_RX_LOWER_PRI', priority: this.effectivePriority });
  }

  lowerPrioGarps(h: Host): void {
    const g = this.cfg.garp;
    if (g.lowerPrioRepeat <= 0) return;
    this.linkUpdate(h, g.lowerPrioRepeat);
    if (g.lowerPrioDelayUs > 0) h.emit({ kind: 'timer', instance: this.name, timer: 'garp-lower', at: h.now + usToMs(g.lowerPrioDelayUs) });
  }

  status(): InstanceStatus {
    const master = this.state === 'MASTER' ? this.saddr : this.state === 'BACKUP' ? this.shownMaster : null;
    return {
      name: this.name, ifname: this.cfg.ifname, family: this.cfg.family, vrid: this.cfg.vrid, version: this.cfg.version,
      state: this.state, wantState: this.wantState, basePriority: this.basePriority, effectivePriority: this.effectivePriority,
      masterAddress: master, masterPriority: this.state === 'MASTER' ? this.effectivePriority : this.state === 'BACKUP' ? this.masterPriority : null,
      lastTransition: this.lastTransition, vipsSet: this.vipSet, syncGroup: this.cfg.syncGroup, counters: { ...this.counters },
    };
  }
}
