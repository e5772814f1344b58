/**
 * Runs the VRRP machine on the ports: interface facts and link events from NetControl, adverts
 * through VrrpIo raw sockets, its timer effects on the Timers port, VIP changes, GARP/NA bursts
 * and notify scripts in the order the machine gave them. Adverts and timers are carried out at
 * once; VIP changes, GARPs and notify starts go through one queue so each waits for the previous
 * (a GARP is sent once its VIP is on the interface, as keepalived does).
 */
import type { Clock, Logger, TimerHandle, Timers } from '../../core/ports.js';
import { VrrpMachine, type SyncGroupStatus } from '../../core/vrrp/machine.js';
import { advertDatagram, type SendEffect } from '../../core/vrrp/packet.js';
import type { InterfaceInfo, NetControl, ScriptRunner, VrrpIo, VrrpSocket } from '../../core/vrrp/ports.js';
import type { Family, GarpTarget, InstanceStatus, InterfaceFacts, ReceivedPacket, SocketCounters, VipSpec, VrrpEffect, VrrpTimer } from '../../core/vrrp/types.js';
import { nextIpId } from '../../wire/vrrp-ip.js';
import { encodeGratuitousArp, encodeUnsolicitedNa } from '../../wire/vrrp-garp.js';
import type { VrrpSetup } from './config.js';
import { runNotify } from './notify.js';
import { warmTakeoverPath } from './warm-up.js';
import { TrackScripts } from './track-scripts.js';
import { AdvertMemory, type TransitionCause, type TransitionListener, type VrrpPeer, type VrrpTransition } from './transitions.js';

export interface VrrpEngineOptions {
  readonly setup: VrrpSetup;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly io: VrrpIo;
  readonly net: NetControl;
  readonly scripts: ScriptRunner;
  readonly logger: Logger;
  /**
   * Told of every state transition with its reason, right after the batch's VIP and GARP work
   * (so it never delays a takeover) and before the batch's log lines.
   */
  readonly onTransition?: TransitionListener;
}

export interface VrrpInstanceReport extends InstanceStatus {
  /** Milliseconds since the last state change (null before the first). */
  readonly sinceTransitionMs: number | null;
  /**
   * The other directors of this instance heard in adverts (and configured unicast peers).
   * Optional: reports built elsewhere (a client's fixtures, an older daemon) may not have it.
   */
  readonly peers?: readonly VrrpPeer[];
}

export interface VrrpStatusReport {
  readonly running: boolean;
  /** Why VRRP is not running (no native addon, socket refused, ...); null when it runs or was stopped. */
  readonly reason: string | null;
  readonly instances: readonly VrrpInstanceReport[];
  readonly syncGroups: readonly SyncGroupStatus[];
  readonly sockets: Readonly<Record<string, SocketCounters>>;
}

/** The status when no VRRP instance runs: VRRP not part of the daemon, not configured, or unable to start (`reason` says why). */
export function idleVrrpStatus(reason: string | null): VrrpStatusReport {
  return { running: false, reason, instances: [], syncGroups: [], sockets: {} };
}

const NO_FACTS: InterfaceFacts = { up: false, primary4: null, linkLocal6: null, addresses: [] };

function factsOf(info: InterfaceInfo | null): InterfaceFacts {
  if (!info) return NO_FACTS;
  return { up: info.up, primary4: info.primary4, linkLocal6: info.linkLocal6, addresses: info.addresses };
}

/** The (interface, family) pairs a configuration sends and receives on. */
function socketsOf(setup: VrrpSetup): Array<{ ifname: string; family: Family }> {
  const seen = new Map<string, { ifname: string; family: Family }>();
  for (const i of setup.machine.instances) seen.set(`${i.ifname}/${i.family}`, { ifname: i.ifname, family: i.family });
  return [...seen.values()];
}

export class VrrpEngine {
  private readonly o: VrrpEngineOptions;
  private setup: VrrpSetup;
  private readonly machine: VrrpMachine;
  private readonly sockets = new Map<string, VrrpSocket>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly infos = new Map<string, InterfaceInfo | null>();
  private readonly ipIds = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private queue: Promise<void> = Promise.resolve();
  private unwatch: (() => void) | null = null;
  private tracks: TrackScripts | null = null;
  private running = false;
  private readonly adverts = new AdvertMemory();
  /** During a reload: the instances as they were, so one the new configuration drops can be reported. */
  private beforeReload: ReadonlyMap<string, InstanceStatus> | null = null;

  constructor(opts: VrrpEngineOptions) {
    this.o = opts;
    this.setup = opts.setup;
    this.machine = new VrrpMachine(opts.setup.machine);
  }

  get log(): Logger {
    return this.o.logger;
  }

  /** Read the interfaces, open the sockets, start the instances and the track scripts. Throws when a socket cannot be opened. */
  async start(): Promise<void> {
    for (const p of this.setup.problems) this.log.error(p);
    const names = this.machine.interfaces();
    for (const n of names) this.infos.set(n, await this.o.net.interfaceInfo(n));
    try {
      for (const s of socketsOf(this.setup)) {
        // An interface that does not exist (yet) leaves its instances in FAULT; anything else is fatal.
        if (this.infos.get(s.ifname) === null) this.log.error(`VRRP: interface ${s.ifname} does not exist - its instances stay in FAULT`);
        else this.openSocket(s.ifname, s.family);
      }
    } catch (e) {
      for (const s of this.sockets.values()) s.close();
      this.sockets.clear();
      throw e;
    }
    this.running = true;
    this.watch(names);
    const facts = new Map([...this.infos].map(([k, v]) => [k, factsOf(v)]));
    warmTakeoverPath(this.setup.machine, facts);
    this.apply(this.machine.start(this.o.clock.now(), facts), { kind: 'start' });
    this.startTrackScripts();
  }

  private watch(names: readonly string[]): void {
    this.unwatch?.();
    this.unwatch = this.o.net.watch(names, (ifname, info) => {
      this.infos.set(ifname, info);
      this.apply(this.machine.interfaceChanged(this.o.clock.now(), ifname, factsOf(info)), { kind: 'interface', ifname, up: info?.up ?? false });
    });
  }

  private startTrackScripts(): void {
    this.tracks?.stop();
    const tracked = new Set(this.machine.trackedScripts());
    this.tracks = new TrackScripts(this.setup.scripts.filter((r) => tracked.has(r.name)), this.o.timers, this.o.scripts, this.log, (name, outcome) => {
      if (this.running) this.apply(this.machine.scriptOutcome(this.o.clock.now(), name, outcome), { kind: 'script', name, outcome });
    });
    this.tracks.start();
  }

  /**
   * SIGHUP: carry the instances over to a new configuration (VrrpMachine.reload). Sockets for new
   * interfaces are opened first; those no longer used are closed after. Throws (and changes
   * nothing) when a new socket cannot be opened.
   */
  async reload(setup: VrrpSetup): Promise<void> {
    if (!this.running) return;
    for (const p of setup.problems) this.log.error(p);
    const opened: string[] = [];
    try {
      for (const s of socketsOf(setup)) {
        if (this.sockets.has(`${s.ifname}/${s.family}`)) continue;
        this.openSocket(s.ifname, s.family, setup);
        opened.push(`${s.ifname}/${s.family}`);
      }
    } catch (e) {
      for (const k of opened) {
        this.sockets.get(k)?.close();
        this.sockets.delete(k);
      }
      throw e;
    }
    const previous = this.setup;
    // Notifies for instances that are gone still need their old scripts.
    this.setup = {
      ...setup,
      instanceNotify: new Map([...previous.instanceNotify, ...setup.instanceNotify]),
      groupNotify: new Map([...previous.groupNotify, ...setup.groupNotify]),
    };
    const names = [...new Set([...setup.machine.instances.flatMap((i) => [i.ifname, ...i.vips.map((v) => v.dev), ...i.evips.map((v) => v.dev), ...i.trackInterfaces.map((t) => t.name)])])];
    const fresh = new Map<string, InterfaceFacts>();
    for (const n of names) {
      if (this.infos.has(n)) continue;
      const info = await this.o.net.interfaceInfo(n);
      this.infos.set(n, info);
      fresh.set(n, factsOf(info));
    }
    this.beforeReload = new Map(this.machine.status().map((s) => [s.name, s]));
    try {
      this.apply(this.machine.reload(this.o.clock.now(), setup.machine, fresh), { kind: 'reload' });
    } finally {
      this.beforeReload = null;
    }
    const keep = new Set(socketsOf(setup).map((s) => `${s.ifname}/${s.family}`));
    for (const [k, sock] of [...this.sockets]) {
      if (keep.has(k)) continue;
      sock.close();
      this.sockets.delete(k);
    }
    this.watch(names);
    this.startTrackScripts();
  }

  private openSocket(ifname: string, family: Family, setup: VrrpSetup = this.setup): void {
    const groups = new Set(setup.machine.instances.filter((i) => i.ifname === ifname && i.family === family && i.unicastPeers.length === 0).map((i) => i.mcastGroup));
    if (groups.size > 1) this.log.warn(`several multicast groups on ${ifname} (IPv${family}): only ${[...groups][0]} is joined`);
    const group = groups.size > 0 ? [...groups][0]! : null;
    const socket = this.o.io.open(ifname, family, group, (p: ReceivedPacket) => {
      if (!this.running) return;
      const now = this.o.clock.now();
      const effects = this.machine.receive(now, p);
      // Only an advert the machine accepted (authenticated, well formed, its VRID) names a peer.
      const accepted = this.machine.lastAccepted();
      if (accepted) this.adverts.note(p.ifname, p.family, accepted.header.vrid, p.src, accepted.header.priority, now);
      this.apply(effects, { kind: 'advert', packet: p });
    });
    this.sockets.set(`${ifname}/${family}`, socket);
    this.log.debug(`VRRP sockpool: [ifname(${ifname}), family(IPv${family}), proto(112), ${group ? `multicast, address(${group})` : 'unicast'}]`);
  }

  /** SIGTERM: priority 0 from masters, VIPs removed, STOP notifies (1 s bound), sockets closed, host restored. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.tracks?.stop();
    this.apply(this.machine.stop(this.o.clock.now()), { kind: 'stop' });
    this.running = false;
    for (const h of this.timers.values()) this.o.timers.clear(h);
    this.timers.clear();
    this.unwatch?.();
    await this.queue;
    await Promise.all([...this.pending]);
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.o.io.close();
    await this.o.net.restore();
  }

  status(): VrrpStatusReport {
    const now = this.o.clock.now();
    return {
      running: this.running,
      reason: null,
      instances: this.machine.status().map((s) => ({
        ...s,
        sinceTransitionMs: s.lastTransition === null ? null : Math.round(now - s.lastTransition),
        peers: this.adverts.peers(s, now, this.unicastPeers(s.name), this.ownAddresses(s.ifname)),
      })),
      syncGroups: this.machine.syncGroups(),
      sockets: this.machine.socketCounters(),
    };
  }

  private unicastPeers(instance: string): string[] {
    return this.setup.machine.instances.find((i) => i.name === instance)?.unicastPeers.map((p) => p.address) ?? [];
  }

  private ownAddresses(ifname: string): ReadonlySet<string> {
    return new Set(this.infos.get(ifname)?.addresses ?? []);
  }

  /** The transitions of one batch with their reason (status read once, after the batch). */
  private transitions(list: ReadonlyArray<Extract<VrrpEffect, { kind: 'transition' }>>, cause: TransitionCause): VrrpTransition[] {
    const status = new Map(this.machine.status().map((s) => [s.name, s]));
    const out: VrrpTransition[] = [];
    for (const t of list) {
      const s = status.get(t.instance);
      if (!s) continue;
      const reason = this.adverts.reason(cause, s, t.from, t.to);
      out.push({ instance: t.instance, vrid: s.vrid, ifname: s.ifname, from: t.from, to: t.to, reason, priority: s.effectivePriority, masterAddress: s.masterAddress, at: t.at });
    }
    return out;
  }

  /** Instances a reload removed, reported as a last transition to STOP from the state they were in. */
  private removals(names: readonly string[]): VrrpTransition[] {
    const now = this.o.clock.now();
    return names.flatMap((name) => {
      const s = this.beforeReload?.get(name);
      if (!s) return [];
      return [{ instance: name, vrid: s.vrid, ifname: s.ifname, from: s.state, to: 'STOP' as const, reason: 'removed from the configuration by reload', priority: s.effectivePriority, masterAddress: null, at: now }];
    });
  }

  /**
   * Carry out the machine's effects in order. Log lines and transition reports go after the
   * batch's VIP and GARP work (the queue), so they never delay a takeover.
   */
  private apply(effects: readonly VrrpEffect[], cause: TransitionCause): void {
    const logs: Array<Extract<VrrpEffect, { kind: 'log' }>> = [];
    const changes: Array<Extract<VrrpEffect, { kind: 'transition' }>> = [];
    const removed: string[] = [];
    let queued = false;
    const enqueue = (task: () => Promise<void>): void => {
      queued = true;
      this.enqueue(task);
    };
    for (const e of effects) {
      switch (e.kind) {
        case 'timer':
          this.arm(e.instance, e.timer, e.at);
          break;
        case 'send':
          this.send(e);
          break;
        case 'vips':
          enqueue(() => this.changeVips(e.op, e.vips));
          break;
        case 'garp':
          enqueue(async () => this.garp(e.targets, e.repeat));
          break;
        case 'notify':
        case 'notify-event': {
          // An instance the reload removed: keepalived only notifies DELETED; the event log gets a transition to STOP.
          if (e.kind === 'notify' && e.target === 'INSTANCE' && e.state === 'DELETED') removed.push(e.name);
          const scripts = e.kind === 'notify' && e.target === 'GROUP' ? this.setup.groupNotify.get(e.name) : this.setup.instanceNotify.get(e.name);
          enqueue(async () => this.track(runNotify(e, scripts, this.o.scripts, this.log)));
          break;
        }
        case 'log':
          logs.push(e);
          break;
        case 'transition':
          changes.push(e);
          break;
      }
    }
    const report = changes.length > 0 && this.o.onTransition ? this.transitions(changes, cause) : [];
    if (this.o.onTransition) report.push(...this.removals(removed));
    if (logs.length === 0 && report.length === 0) return;
    const write = (): void => {
      for (const t of report) this.tell(t);
      for (const l of logs) this.log[l.level](l.message);
    };
    if (queued) this.enqueue(async () => write());
    else write();
  }

  private tell(t: VrrpTransition): void {
    try {
      this.o.onTransition?.(t);
    } catch (err) {
      this.log.error(`VRRP transition listener failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private arm(instance: string, timer: VrrpTimer, at: number | null): void {
    const key = `${instance}/${timer}`;
    const old = this.timers.get(key);
    if (old) this.o.timers.clear(old);
    this.timers.delete(key);
    if (at === null || !this.running) return;
    const handle = this.o.timers.set(Math.max(0, at - this.o.clock.now()), () => {
      this.timers.delete(key);
      if (this.running) this.apply(this.machine.timer(this.o.clock.now(), instance, timer), { kind: 'timer', instance });
    });
    this.timers.set(key, handle);
  }

  private send(e: SendEffect): void {
    const socket = this.sockets.get(`${e.ifname}/${e.family}`);
    if (!socket) return;
    for (const dst of e.dsts) {
      const id = nextIpId(this.ipIds.get(e.instance) ?? 0);
      this.ipIds.set(e.instance, id);
      try {
        socket.send(advertDatagram(e, dst, id), dst, e.family === 6 ? e.src : null);
      } catch (err) {
        this.log.info(`(${e.instance}): send advert error to ${dst} (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }

  private async changeVips(op: 'add' | 'remove', vips: readonly VipSpec[]): Promise<void> {
    for (const v of vips) {
      try {
        await (op === 'add' ? this.o.net.addVip(v) : this.o.net.removeVip(v));
      } catch (err) {
        this.log.error(`cannot ${op} VIP ${v.address}/${v.prefix} on ${v.dev}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** COMPAT(keepalived): vrrp_garp_interval / vrrp_gna_interval spacing is not applied; bursts go back to back (the default). */
  private garp(targets: readonly GarpTarget[], repeat: number): void {
    for (let round = 0; round < repeat; round++) {
      for (const t of targets) {
        const info = this.infos.get(t.ifname);
        if (!info?.mac) continue;
        try {
          const frame = t.family === 4 ? encodeGratuitousArp(info.mac, t.address) : encodeUnsolicitedNa(info.mac, t.address, info.ipv6Forwarding);
          this.o.io.sendFrame(t.ifname, frame);
          if (round === 0) this.log.debug(`Sending ${t.family === 4 ? 'gratuitous ARP' : 'unsolicited NA'} on ${t.ifname} for ${t.address}`);
        } catch (err) {
          this.log.info(`Error sending ${t.family === 4 ? 'gratuitous ARP' : 'unsolicited NA'} on ${t.ifname} for ${t.address}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err: unknown) => this.log.error(`VRRP task failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Notify scripts run on their own; stop() waits for them (within their time bound). */
  private track(p: Promise<void>): void {
    const q = p.finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}
