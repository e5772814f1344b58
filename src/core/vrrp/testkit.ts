/**
 * A simulated LAN for VRRP tests: directors running {@link VrrpMachine} on one FakeClock, their
 * adverts encoded to real bytes and delivered to the others (multicast to all, unicast to the
 * owner of the address). Timer effects are armed on the clock; everything else is recorded in a
 * trace with its time, so tests can assert exact sequences.
 */
import { FakeClock } from '../fake-clock.js';
import type { TimerHandle } from '../ports.js';
import { advertDatagram } from './packet.js';
import { VrrpMachine } from './machine.js';
import type {
  InstanceConfig,
  InterfaceFacts,
  ReceivedPacket,
  ScriptOutcome,
  VipSpec,
  VrrpConfig,
  VrrpEffect,
  VrrpTimer,
} from './types.js';

export function vip(address: string, dev = 'eth0'): VipSpec {
  const family = address.includes(':') ? 6 : 4;
  return {
    address, family, prefix: family === 4 ? 32 : 128, dev, broadcast: null, scope: null, label: null, peer: null,
    noDad: false, noPrefixRoute: false, home: false, preferredLft: null,
  };
}

/** keepalived 2.2.7's defaults for an IPv4 VRRPv2 instance on eth0 (VRID 51, priority 100, one VIP). */
export function instanceConfig(over: Partial<InstanceConfig> = {}): InstanceConfig {
  return {
    name: 'VI_1', ifname: 'eth0', family: 4, vrid: 51, version: 2, priority: 100, wantMaster: false, advertIntUs: 1_000_000,
    nopreempt: false, preemptDelayUs: 0, authType: 0, authData: null, vips: [vip('10.0.0.100')], evips: [], srcIp: null,
    unicastPeers: [], mcastGroup: '224.0.0.18', unicastTtl: 255,
    garp: { masterDelayUs: 5_000_000, masterRepeat: 5, masterRefreshUs: 0, masterRefreshRepeat: 1, lowerPrioDelayUs: 5_000_000, lowerPrioRepeat: 5 },
    lowerPrioNoAdvert: false, higherPrioSendAdvert: false, downTimerAdverts: 3, skipCheckAdvAddr: false, checkUnicastSrc: false,
    oldUnicastChecksum: false, trackInterfaces: [{ name: 'eth0', weight: 0, reverse: false }], trackScripts: [], syncGroup: null,
    ...over,
  };
}

export function vrrpConfig(instances: readonly InstanceConfig[], over: Partial<VrrpConfig> = {}): VrrpConfig {
  return { instances, syncGroups: [], scripts: [], logUnknownVrids: false, rejectLogIntervalMs: 0, ...over };
}

export function facts(primary4: string | null, up = true, extra: Partial<InterfaceFacts> = {}): InterfaceFacts {
  return { up, primary4, linkLocal6: null, addresses: primary4 ? [primary4] : [], ...extra };
}

export interface TraceEntry {
  readonly t: number;
  readonly node: string;
  readonly effect: VrrpEffect;
}

export class SimNode {
  readonly vrrp: VrrpMachine;
  readonly timers = new Map<string, TimerHandle>();
  /** VIPs currently added, by address. */
  readonly vips = new Set<string>();
  dead = false;
  private ipId = 0;

  constructor(
    readonly lan: SimLan,
    readonly name: string,
    config: VrrpConfig,
    readonly facts: Map<string, InterfaceFacts>,
  ) {
    this.vrrp = new VrrpMachine(config);
  }

  start(): void {
    this.apply(this.vrrp.start(this.lan.clock.now(), this.facts));
  }

  /** SIGTERM: priority 0 from masters, VIPs removed, STOP notifications. */
  stop(): void {
    this.apply(this.vrrp.stop(this.lan.clock.now()));
  }

  /** kill -9: the node stops at once; nothing is sent, its VIPs stay where they are. */
  kill(): void {
    this.dead = true;
    for (const h of this.timers.values()) this.lan.clock.clear(h);
    this.timers.clear();
  }

  /** SIGHUP with a new configuration. */
  reload(config: VrrpConfig): void {
    this.apply(this.vrrp.reload(this.lan.clock.now(), config));
  }

  link(ifname: string, up: boolean): void {
    const f = { ...this.facts.get(ifname)!, up };
    this.facts.set(ifname, f);
    this.apply(this.vrrp.interfaceChanged(this.lan.clock.now(), ifname, f));
  }

  script(name: string, outcome: ScriptOutcome): void {
    this.apply(this.vrrp.scriptOutcome(this.lan.clock.now(), name, outcome));
  }

  receive(p: ReceivedPacket): void {
    if (!this.dead) this.apply(this.vrrp.receive(this.lan.clock.now(), p));
  }

  address(ifname = 'eth0'): string | null {
    return this.facts.get(ifname)?.primary4 ?? this.facts.get(ifname)?.linkLocal6 ?? null;
  }

  apply(effects: readonly VrrpEffect[]): void {
    for (const e of effects) {
      if (this.dead) return;
      if (e.kind === 'timer') this.arm(e.instance, e.timer, e.at);
      else this.lan.record(this, e);
      if (e.kind === 'vips') for (const v of e.vips) (e.op === 'add' ? this.vips.add(v.address) : this.vips.delete(v.address));
      if (e.kind === 'send') for (const dst of e.dsts) this.lan.transmit(this, e.ifname, e.family, advertDatagram(e, dst, (this.ipId = (this.ipId % 0xffff) + 1)), e.src, dst, e.ttl);
    }
  }

  private arm(instance: string, timer: VrrpTimer, at: number | null): void {
    const key = `${instance}/${timer}`;
    const old = this.timers.get(key);
    if (old) this.lan.clock.clear(old);
    this.timers.delete(key);
    if (at === null) return;
    const h = this.lan.clock.set(at - this.lan.clock.now(), () => {
      this.timers.delete(key);
      this.apply(this.vrrp.timer(this.lan.clock.now(), instance, timer));
    });
    this.timers.set(key, h);
  }
}

export class SimLan {
  readonly clock = new FakeClock(0);
  readonly nodes: SimNode[] = [];
  readonly trace: TraceEntry[] = [];
  /** One-way delay of the simulated wire, in ms. */
  latencyMs = 0;

  add(name: string, config: VrrpConfig, ifaces: Record<string, InterfaceFacts>): SimNode {
    const n = new SimNode(this, name, config, new Map(Object.entries(ifaces)));
    this.nodes.push(n);
    return n;
  }

  record(node: SimNode, effect: VrrpEffect): void {
    this.trace.push({ t: this.clock.now(), node: node.name, effect });
  }

  transmit(from: SimNode, ifname: string, family: 4 | 6, bytes: Uint8Array, src: string, dst: string, ttl: number): void {
    for (const n of this.nodes) {
      if (n === from || n.dead) continue;
      const f = n.facts.get(ifname);
      if (!f || !f.up || !from.facts.get(ifname)?.up) continue;
      const multicast = family === 4 ? dst.startsWith('224.') : dst.startsWith('ff');
      if (!multicast && !f.addresses.includes(dst)) continue;
      const copy = bytes.slice();
      this.clock.set(this.latencyMs, () => n.receive({ ifname, family, bytes: copy, src, dst, ttl }));
    }
  }

  run(ms: number): void {
    this.clock.advance(ms);
  }

  /** The trace reduced to one string per entry, e.g. `3609.375 B VI_1 BACKUP->MASTER`, filtered by kind. */
  lines(kinds: ReadonlyArray<VrrpEffect['kind']>, from = 0): string[] {
    return this.trace.filter((e) => e.t >= from && kinds.includes(e.effect.kind)).map((e) => `${e.t} ${e.node} ${describe(e.effect)}`);
  }
}

export function describe(e: VrrpEffect): string {
  switch (e.kind) {
    case 'send':
      return `send ${e.instance} prio ${e.advert.priority} -> ${e.dsts.join(',')}`;
    case 'timer':
      return `timer ${e.instance} ${e.timer} ${e.at === null ? 'off' : e.at}`;
    case 'vips':
      return `vips ${e.op} ${e.vips.map((v) => v.address).join(',')}`;
    case 'garp':
      return `garp ${e.targets.map((t) => t.address).join(',')} x${e.repeat}`;
    case 'notify':
      return `notify ${e.target} ${e.name} ${e.state} ${e.priority}`;
    case 'notify-event':
      return `event ${e.name} ${e.event} ${e.priority}`;
    case 'log':
      return `${e.level}: ${e.message}`;
    case 'transition':
      return `${e.instance} ${e.from}->${e.to}`;
  }
}
