/**
 * All VRRP instances of one director, as keepalived's VRRP child runs them: start-up
 * (vrrp_init_state), the read dispatcher (vrrp_dispatcher_read), the timer dispatcher
 * (vrrp_dispatcher_read_timeout), tracker events and shutdown. Each entry point takes the event's
 * monotonic time and returns the effects, in the order they must be carried out.
 */
import type { Host } from './host.js';
import { Instance } from './instance.js';
import { cutReceived, type AdvertView } from './received.js';
import { RejectLog } from './reject-log.js';
import { matchInstances, vipDiff } from './reload.js';
import { SyncGroup } from './sync-group.js';
import { initGroup, initState } from './startup.js';
import { downInstance, initialTracker, interfaceChanged, scriptChanged, ScriptState, setEffectivePriority, tryUpInstance } from './tracking.js';
import type {
  Family,
  InstanceStatus,
  InterfaceFacts,
  ReceivedPacket,
  ScriptOutcome,
  SocketCounters,
  VrrpConfig,
  VrrpEffect,
  VrrpState,
  VrrpTimer,
} from './types.js';

/** A continuing instance takes over its predecessor's state, unless it is now in FAULT or waiting for scripts. */
function carryState(i: Instance, o: Instance): void {
  i.lastTransition = o.lastTransition;
  i.masterSaddr = o.masterSaddr;
  i.shownMaster = o.shownMaster;
  i.masterPriority = o.masterPriority;
  i.unicastChecksumCompat = o.unicastChecksumCompat;
  if (i.state === 'FAULT' || i.numScriptInit || (o.state !== 'MASTER' && o.state !== 'BACKUP')) return;
  i.state = o.state;
  i.wantState = o.state;
}

class EffectSink implements Host {
  readonly effects: VrrpEffect[] = [];
  constructor(readonly now: number) {}
  emit(e: VrrpEffect): void {
    this.effects.push(e);
  }
  debug(message: string): void {
    this.effects.push({ kind: 'log', level: 'debug', message });
  }
  info(message: string): void {
    this.effects.push({ kind: 'log', level: 'info', message });
  }
}

export interface SyncGroupStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly members: readonly string[];
}

export class VrrpMachine {
  private cfg: VrrpConfig;
  private instances: Instance[] = [];
  private byName = new Map<string, Instance>();
  private groups: SyncGroup[] = [];
  private scripts = new Map<string, ScriptState>();
  private readonly facts = new Map<string, InterfaceFacts>();
  private readonly addressFault = new Set<Instance>();
  private readonly sockets = new Map<string, SocketCounters>();
  private readonly shortLog: RejectLog;
  private started = false;
  /** What the last receive() handed to an instance that accepted it; null when nothing took it. */
  private accepted: AdvertView | null = null;

  constructor(cfg: VrrpConfig) {
    this.cfg = cfg;
    this.build(cfg);
    this.shortLog = new RejectLog(cfg.rejectLogIntervalMs);
  }

  /** Instances, sync groups and scripts of a configuration, all fresh. */
  private build(cfg: VrrpConfig): void {
    this.cfg = cfg;
    this.instances = cfg.instances.map((c) => new Instance(c, cfg.rejectLogIntervalMs));
    this.byName = new Map(this.instances.map((i) => [i.name, i]));
    this.groups = [];
    for (const g of cfg.syncGroups) {
      const group = new SyncGroup(g.name);
      for (const m of g.members) {
        const i = this.byName.get(m);
        if (!i || i.sync) continue;
        i.sync = group;
        group.members.push(i);
      }
      if (group.members.length > 0) this.groups.push(group);
    }
    this.scripts = new Map(cfg.scripts.map((s) => [s.name, new ScriptState(s)]));
  }

  /** Interfaces whose state the instances need (their own and the tracked ones). */
  interfaces(): string[] {
    const names = new Set<string>();
    for (const i of this.instances) {
      names.add(i.cfg.ifname);
      for (const v of [...i.cfg.vips, ...i.cfg.evips]) names.add(v.dev);
      for (const t of i.cfg.trackInterfaces) names.add(t.name);
    }
    return [...names];
  }

  /** Scripts tracked by at least one instance (keepalived runs no other). */
  trackedScripts(): string[] {
    const used = new Set<string>();
    for (const i of this.instances) for (const t of i.cfg.trackScripts) if (this.scripts.has(t.name)) used.add(t.name);
    return [...used];
  }

  start(now: number, facts: ReadonlyMap<string, InterfaceFacts>): VrrpEffect[] {
    const h = new EffectSink(now);
    if (this.started) return h.effects;
    this.started = true;
    for (const [k, v] of facts) this.facts.set(k, v);
    for (const i of this.instances) this.initTracking(h, i);
    for (const g of this.groups) initGroup(h, g);
    for (const i of this.instances) this.removeResidualVips(h, i);
    for (const g of this.groups) if (g.state === 'FAULT' || g.state === 'BACKUP') g.notify(h);
    for (const i of this.instances) initState(h, i);
    for (const i of this.instances) i.initSands(h);
    return h.effects;
  }

  private initTracking(h: Host, i: Instance): void {
    i.saddr = i.sourceFrom(this.facts.get(i.cfg.ifname));
    for (const t of i.cfg.trackInterfaces) initialTracker(h, i, t, this.facts.get(t.name)?.up ?? false, `interface ${t.name} down`);
    if (i.saddr === null) {
      h.info(`(${i.name}) entering FAULT state (no IPv${i.cfg.family} address for interface)`);
      i.setState(h, 'FAULT');
      i.numScriptIfFault++;
      this.addressFault.add(i);
    }
    for (const t of i.cfg.trackScripts) {
      const s = this.scripts.get(t.name);
      if (s) initialTracker(h, i, t, s.up, `script ${t.name}`);
    }
    setEffectivePriority(h, i);
  }

  /** VIPs an earlier run left on the interfaces are removed before anything else (remove_residual_vips). */
  private removeResidualVips(h: Host, i: Instance): void {
    const present = [...i.cfg.vips, ...i.cfg.evips].some((v) => this.facts.get(v.dev)?.addresses.includes(v.address));
    if (!present) return;
    i.vipSet = true;
    i.restoreInterface(h, false, true);
  }

  private socket(ifname: string, family: Family): SocketCounters {
    const key = `${ifname}/${family}`;
    let c = this.sockets.get(key);
    if (!c) this.sockets.set(key, (c = { too_short: 0, unknown_vrid: 0, not_ready: 0, wrong_cast: 0 }));
    return c;
  }

  private findInstance(p: ReceivedPacket, vrid: number): Instance | undefined {
    const found = this.instances.filter((i) => i.cfg.ifname === p.ifname && i.cfg.family === p.family && i.cfg.vrid === vrid);
    if (found.length <= 1) return found[0];
    return found.find((i) => i.unicast && i.cfg.unicastPeers.some((u) => u.address === p.src)) ?? found[0];
  }

  /** One received datagram (vrrp_dispatcher_read). */
  receive(now: number, p: ReceivedPacket): VrrpEffect[] {
    const h = new EffectSink(now);
    this.accepted = null;
    if (!this.started) return h.effects;
    const counters = this.socket(p.ifname, p.family);
    const cut = cutReceived(p);
    if (!cut.ok) {
      counters.too_short++;
      if (this.shortLog.shouldLog(`${p.ifname}/${p.family}`, now)) h.info(cut.message);
      return h.effects;
    }
    const v = cut.view;
    const i = this.findInstance(p, v.header.vrid);
    if (!i) {
      counters.unknown_vrid++;
      if (this.cfg.logUnknownVrids) h.info(`Unknown VRID(${v.header.vrid}) received on interface(${p.ifname}). ignoring...`);
      return h.effects;
    }
    if (i.state === 'FAULT' || i.state === 'INIT' || i.state === 'STOP') {
      counters.not_ready++;
      return h.effects;
    }
    if (p.family === 6 && v.multicast === i.unicast) {
      counters.wrong_cast++;
      h.debug(`(${i.name}) discarding ${v.multicast ? 'mult' : 'un'}icast packet on ${i.unicast ? 'un' : 'mult'}icast instance`);
      return h.effects;
    }
    const prev = i.state;
    i.lastRxAccepted = false;
    if (i.state === 'BACKUP') i.backupRx(h, v);
    else if (i.masterRx(h, v)) i.leaveMaster(h, false);
    if (i.lastRxAccepted) this.accepted = v;
    i.sync?.afterTransition(h, i, prev);
    if (i.state !== 'MASTER' || !i.cfg.lowerPrioNoAdvert) i.initSands(h);
    return h.effects;
  }

  /**
   * The datagram of the last receive() if an instance accepted it (every receive check passed,
   * authentication included), else null: only such adverts may name a peer or explain a transition.
   */
  lastAccepted(): AdvertView | null {
    return this.accepted;
  }

  /** A timer the engine armed for an instance has fired. */
  timer(now: number, instance: string, timer: VrrpTimer): VrrpEffect[] {
    const h = new EffectSink(now);
    const i = this.byName.get(instance);
    if (!i || !this.started) return h.effects;
    if (timer === 'garp') i.linkUpdate(h, i.cfg.garp.masterRepeat);
    else if (timer === 'garp-lower') i.linkUpdate(h, i.cfg.garp.lowerPrioRepeat);
    else if (i.sands !== null) {
      const prev = i.state;
      if (i.state === 'BACKUP') {
        h.debug(`(${i.name}) Receive advertisement timeout`);
        i.wantState = 'MASTER';
        i.gotoMaster(h);
      } else if (i.state === 'MASTER') i.masterTx(h);
      i.sync?.afterTransition(h, i, prev);
      i.initSands(h);
    }
    return h.effects;
  }

  /** New facts about an interface (link up/down, addresses). */
  interfaceChanged(now: number, ifname: string, facts: InterfaceFacts): VrrpEffect[] {
    const h = new EffectSink(now);
    const old = this.facts.get(ifname);
    this.facts.set(ifname, facts);
    if (!this.started) return h.effects;
    const wasUp = old?.up ?? false;
    if (wasUp !== facts.up) {
      const tracking = this.instances.filter((i) => i.cfg.trackInterfaces.some((t) => t.name === ifname));
      if (tracking.length > 0) h.info(`Netlink reports ${ifname} ${facts.up ? 'up' : 'down'}`);
      for (const i of tracking) for (const t of i.cfg.trackInterfaces) if (t.name === ifname) interfaceChanged(h, i, t, facts.up);
    }
    for (const i of this.instances) if (i.cfg.ifname === ifname && i.cfg.srcIp === null) this.sourceChanged(h, i, i.sourceFrom(facts));
    return h.effects;
  }

  private sourceChanged(h: Host, i: Instance, saddr: string | null): void {
    if (saddr === null && !this.addressFault.has(i)) {
      this.addressFault.add(i);
      h.info(`(${i.name}) entering FAULT state (no IPv${i.cfg.family} address for interface)`);
      downInstance(h, i);
      i.saddr = null;
    } else if (saddr !== null) {
      i.saddr = saddr;
      if (this.addressFault.delete(i)) tryUpInstance(h, i, false);
    }
  }

  /** A tracking script run ended. */
  scriptOutcome(now: number, name: string, outcome: ScriptOutcome): VrrpEffect[] {
    const h = new EffectSink(now);
    const s = this.scripts.get(name);
    if (!s || !this.started) return h.effects;
    const { change, wasInit } = s.outcome(h, outcome);
    if (change === null) return h.effects;
    for (const i of this.instances) for (const t of i.cfg.trackScripts) if (t.name === name) scriptChanged(h, i, t, change, wasInit);
    return h.effects;
  }

  /** SIGTERM: masters send priority 0 and drop their VIPs; every instance and group notifies STOP. */
  stop(now: number): VrrpEffect[] {
    const h = new EffectSink(now);
    if (!this.started) return h.effects;
    this.started = false;
    for (const i of this.instances) if (i.state === 'MASTER') i.restoreInterface(h, true, false);
    for (const i of this.instances) {
      i.setState(h, 'STOP');
      i.notifiesSent = false;
      i.sendInstanceNotifies(h);
      for (const timer of ['instance', 'garp', 'garp-lower'] as const) h.emit({ kind: 'timer', instance: i.name, timer, at: null });
      i.sands = null;
    }
    for (const g of this.groups) {
      g.state = 'STOP';
      g.notify(h);
    }
    return h.effects;
  }

  /**
   * SIGHUP with a new configuration (keepalived.md §4.11): an instance that continues (same VRID,
   * family, interface, unicast source or multicast group) keeps its state, counters and VIPs (the
   * VIP lists are diffed, added ones announced); a continuing master advertises at once. Instances
   * gone send priority 0 when master and notify DELETED; new ones start as at start-up. Script
   * results carry over by name. `facts` adds what is known of interfaces new to the configuration.
   * COMPAT(keepalived): 2.2.7 sends one more advert with the old priority first; tsvs uses the new one.
   */
  reload(now: number, cfg: VrrpConfig, facts: ReadonlyMap<string, InterfaceFacts> = new Map()): VrrpEffect[] {
    const h = new EffectSink(now);
    for (const [k, v] of facts) if (!this.facts.has(k)) this.facts.set(k, v);
    if (!this.started) {
      this.build(cfg);
      return h.effects;
    }
    const old = this.instances;
    const oldScripts = this.scripts;
    const match = matchInstances(old.map((i) => i.cfg), cfg.instances);
    const kept = new Set(match.filter((m) => m >= 0));
    old.forEach((o, k) => kept.has(k) || this.retire(h, o));
    this.addressFault.clear();
    this.build(cfg);
    for (const [name, sc] of this.scripts) {
      const prev = oldScripts.get(name);
      if (prev) sc.carry(prev);
    }
    const prevOf = new Map(this.instances.map((i, k) => [i, match[k]! >= 0 ? old[match[k]!] : undefined]));
    const announce = this.instances.filter((i) => {
      const o = prevOf.get(i);
      return o !== undefined && this.carryVips(h, o, i);
    });
    for (const i of this.instances) this.initTracking(h, i);
    for (const i of this.instances) {
      const o = prevOf.get(i);
      if (o) carryState(i, o);
    }
    for (const g of this.groups) {
      initGroup(h, g);
      if (!g.numMemberFault && !g.numMemberInit && g.members.every((m) => m.state === 'MASTER')) g.state = 'MASTER';
    }
    for (const i of this.instances) {
      const reloadMaster = prevOf.get(i)?.state === 'MASTER' && i.state === 'MASTER';
      initState(h, i, reloadMaster);
      if (reloadMaster && i.state === 'MASTER') {
        // Carry on as master: advertise at once (vrrp_init_instance_sands with reload_master).
        i.sands = now;
        h.emit({ kind: 'timer', instance: i.name, timer: 'instance', at: now });
      } else i.initSands(h);
    }
    for (const i of announce) if (i.state === 'MASTER') i.linkUpdate(h, i.cfg.garp.masterRepeat);
    return h.effects;
  }

  /** An instance the new configuration no longer has. */
  private retire(h: Host, o: Instance): void {
    if (o.state === 'MASTER') o.restoreInterface(h, true, false);
    if (o.state !== 'FAULT') h.emit({ kind: 'notify', target: 'INSTANCE', name: o.name, state: 'DELETED', priority: o.effectivePriority });
    for (const timer of ['instance', 'garp', 'garp-lower'] as const) h.emit({ kind: 'timer', instance: o.name, timer, at: null });
  }

  /** clear_diff_vrrp_vip + restore_vrrp_state: true when VIPs were added (they get a GARP burst). */
  private carryVips(h: Host, o: Instance, i: Instance): boolean {
    Object.assign(i.counters, o.counters);
    if (!o.vipSet) return false;
    const { removed, added } = vipDiff([...o.cfg.vips, ...o.cfg.evips], [...i.cfg.vips, ...i.cfg.evips]);
    if (removed.length > 0) h.emit({ kind: 'vips', instance: i.name, op: 'remove', vips: removed });
    if (added.length > 0) h.emit({ kind: 'vips', instance: i.name, op: 'add', vips: added });
    i.vipSet = true;
    return added.length > 0;
  }

  status(): InstanceStatus[] {
    return this.instances.map((i) => i.status());
  }

  syncGroups(): SyncGroupStatus[] {
    return this.groups.map((g) => ({ name: g.name, state: g.state, members: g.members.map((m) => m.name) }));
  }

  socketCounters(): Record<string, SocketCounters> {
    return Object.fromEntries([...this.sockets].map(([k, v]) => [k, { ...v }]));
  }
}
