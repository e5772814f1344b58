/**
 * Test support for the listing and save formatters: builds real IPVS state through
 * {@link Ipvs.apply} and snapshots it, the way the daemon's API does. Used only by *.test.ts.
 */
import type { Family } from '../../core/addr.js';
import { Ipvs } from '../../core/ipvs.js';
import { SVC_F, type Destination, type DestSpec, type Protocol, type ServiceKey, type ServiceSpec } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { snapshotIpvs, type ConnView, type IpvsSnapshot } from '../../core/snapshot.js';
import type { Stats } from '../../core/stats.js';
import { DEFAULT_LIST_OPTIONS, type ListOptions } from './command.js';

export function addrKey(protocol: Protocol, addr: string, port: number): ServiceKey {
  return { kind: 'addr', family: addr.includes(':') ? 6 : 4, protocol, addr, port };
}

export function fwmKey(fwmark: number, family: Family = 4): ServiceKey {
  return { kind: 'fwmark', family, fwmark };
}

/** A service spec with ipvsadm's defaults (no flags, /32 or /128 netmask, no pe). */
export function serviceSpec(key: ServiceKey, scheduler: string, over: Partial<Omit<ServiceSpec, 'key' | 'scheduler'>> = {}): ServiceSpec {
  return { key, scheduler, flags: 0, timeout: 0, netmask: key.family === 4 ? 0xffffffff : 128, pe: '', ...over };
}

/** A destination spec with ipvsadm's defaults (DR, weight 1, no thresholds, ipip/nocsum). */
export function destSpec(addr: string, port: number, over: Partial<Omit<DestSpec, 'addr' | 'port'>> = {}): DestSpec {
  return {
    family: addr.includes(':') ? 6 : 4,
    addr,
    port,
    fwd: 'dr',
    weight: 1,
    uThreshold: 0,
    lThreshold: 0,
    tunType: 'ipip',
    tunPort: 0,
    tunFlags: 'nocsum',
    ...over,
  };
}

/** Apply operations, failing loudly on the first the reducer refuses. */
export function applyAll(ipvs: Ipvs, ...ops: Op[]): Ipvs {
  for (const op of ops) {
    const r = ipvs.apply(op);
    if (!r.ok) throw new Error(`${op.type} failed: ${r.errno} ${r.detail}`);
  }
  return ipvs;
}

export function addService(ipvs: Ipvs, spec: ServiceSpec): void {
  applyAll(ipvs, { type: 'add-service', service: spec });
}

/** Add a destination and return the live object, so a test can set its counters. */
export function addDest(ipvs: Ipvs, key: ServiceKey, spec: DestSpec): Destination {
  applyAll(ipvs, { type: 'add-dest', service: key, dest: spec });
  const dest = ipvs.getService(key)?.findDest(spec);
  if (!dest) throw new Error('destination not found after add');
  return dest;
}

export function setConns(d: Destination, active: number, inactive: number, persistent = 0): void {
  d.activeConns = active;
  d.inactConns = inactive;
  d.persistConns = persistent;
}

/** Raw counters, as if that much traffic had been counted. */
export function setCounters(s: Stats, c: { conns: number; inpkts: number; outpkts: number; inbytes: number; outbytes: number }): void {
  s.conns = c.conns;
  s.inpkts = c.inpkts;
  s.outpkts = c.outpkts;
  s.inbytes = c.inbytes;
  s.outbytes = c.outbytes;
}

/**
 * Feed the estimator a constant per-second rate until it settles on exactly that rate (the
 * EWMA gets within a few units of its target; the rounding then reports the rate itself).
 */
export function settleRates(s: Stats, perSecond: { cps: number; inpps: number; outpps: number; inbps: number; outbps: number }, steps = 120): void {
  for (let i = 0; i < steps; i++) {
    s.conns += 2 * perSecond.cps;
    s.inpkts += 2 * perSecond.inpps;
    s.outpkts += 2 * perSecond.outpps;
    s.inbytes += 2 * perSecond.inbps;
    s.outbytes += 2 * perSecond.outbps;
    s.estimate();
  }
}

export function snapshot(ipvs: Ipvs): IpvsSnapshot {
  return snapshotIpvs(ipvs);
}

export function listOptions(over: Partial<ListOptions> = {}): ListOptions {
  return { ...DEFAULT_LIST_OPTIONS, ...over };
}

/** The table of ipvs.md §6.6's default-format example. */
export function referenceTable(): Ipvs {
  const ipvs = new Ipvs();
  const web = addrKey('tcp', '10.0.0.100', 80);
  addService(ipvs, serviceSpec(web, 'wlc'));
  setConns(addDest(ipvs, web, destSpec('192.168.1.12', 8080, { fwd: 'nat', weight: 3 })), 40, 7);
  setConns(addDest(ipvs, web, destSpec('192.168.1.11', 80, { fwd: 'nat' })), 12, 3);
  const tls = addrKey('tcp', '10.0.0.100', 443);
  addService(ipvs, serviceSpec(tls, 'rr', { flags: SVC_F.PERSISTENT, timeout: 360, netmask: 0xffffff00 }));
  addDest(ipvs, tls, destSpec('10.0.0.21', 443));
  setConns(addDest(ipvs, tls, destSpec('10.0.0.22', 443, { weight: 0 })), 5, 2);
  const dns = addrKey('udp', '10.0.0.100', 53);
  addService(ipvs, serviceSpec(dns, 'sh', { flags: SVC_F.ONEPACKET | SVC_F.SCHED1 | SVC_F.SCHED2 }));
  setConns(addDest(ipvs, dns, destSpec('10.0.0.31', 53, { fwd: 'tun', weight: 2 })), 0, 17);
  const v6 = addrKey('tcp', '2001:db8::100', 80);
  addService(ipvs, serviceSpec(v6, 'mh', { flags: SVC_F.SCHED2 }));
  addDest(ipvs, v6, destSpec('2001:db8::a', 80, { fwd: 'nat' }));
  addService(ipvs, serviceSpec(fwmKey(1), 'wlc', { flags: SVC_F.PERSISTENT, timeout: 300 }));
  addDest(ipvs, fwmKey(1), destSpec('192.168.1.11', 0, { fwd: 'nat' }));
  addService(ipvs, serviceSpec(fwmKey(2, 6), 'rr'));
  addDest(ipvs, fwmKey(2, 6), destSpec('2001:db8::b', 0));
  return ipvs;
}

/** A connection entry as listings show it: an established NAT TCP connection unless `over` says otherwise. */
export function conn(over: Partial<ConnView>): ConnView {
  return {
    protocol: 'TCP',
    family: 4,
    caddr: '203.0.113.7',
    cport: 51514,
    vaddr: '10.0.0.100',
    vport: 80,
    daddr: '192.168.1.11',
    dport: 80,
    state: 'ESTABLISHED',
    expiresMs: 899_999,
    template: false,
    pe: '',
    peData: '',
    fwd: 'nat',
    ...over,
  };
}
