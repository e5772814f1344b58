/**
 * Plain, JSON-serialisable views of the IPVS state. The daemon's API returns these; listings
 * (`ipvsadm -L`), `tsvs status` and the dashboard format them. No live objects leak out.
 */
import type { Family } from './addr.js';
import type { Ipvs } from './ipvs.js';
import type { Destination, FwdMethod, Protocol, SyncDaemon, Timeouts, TunnelCsum, TunnelType, VirtualService } from './model.js';
import type { RateSnapshot, Stats, StatsSnapshot } from './stats.js';

export interface DestView {
  readonly family: Family;
  readonly addr: string;
  readonly port: number;
  readonly fwd: FwdMethod;
  readonly weight: number;
  readonly uThreshold: number;
  readonly lThreshold: number;
  readonly tunType: TunnelType;
  readonly tunPort: number;
  readonly tunFlags: TunnelCsum;
  readonly activeConns: number;
  readonly inactConns: number;
  readonly persistConns: number;
  readonly overloaded: boolean;
  readonly stats: StatsSnapshot;
  readonly rates: RateSnapshot;
}

export interface ServiceView {
  readonly family: Family;
  /** 'fwmark' services have fwmark > 0, protocol 'tcp' and addr 0.0.0.0 / ::. */
  readonly kind: 'addr' | 'fwmark';
  readonly protocol: Protocol;
  readonly addr: string;
  readonly port: number;
  readonly fwmark: number;
  readonly scheduler: string;
  /** SVC_F bits. */
  readonly flags: number;
  readonly timeout: number;
  readonly netmask: number;
  readonly pe: string;
  readonly stats: StatsSnapshot;
  readonly rates: RateSnapshot;
  /** Destinations in kernel order (newest first); listings sort them unless --nosort. */
  readonly dests: readonly DestView[];
}

/** One connection entry as `ipvsadm -L -c` and /proc/net/ip_vs_conn show it. */
export interface ConnView {
  /** Protocol label as printed: TCP, UDP, SCTP, or IP for fwmark templates. */
  readonly protocol: string;
  readonly family: Family;
  readonly caddr: string;
  readonly cport: number;
  readonly vaddr: string;
  readonly vport: number;
  readonly daddr: string;
  readonly dport: number;
  /** State name as printed (ESTABLISHED, FIN_WAIT, UDP, NONE, ASSURED, ...). */
  readonly state: string;
  /** Milliseconds until the entry's timer fires. */
  readonly expiresMs: number;
  readonly template: boolean;
  /** Persistence engine name and data (SIP Call-ID), '' when none. */
  readonly pe: string;
  readonly peData: string;
  readonly fwd: FwdMethod;
}

export interface IpvsSnapshot {
  /** Connection hash table size printed in the header (2^conn_tab_bits). */
  readonly connTabSize: number;
  readonly services: readonly ServiceView[];
  readonly timeouts: Timeouts;
  readonly daemons: readonly SyncDaemon[];
  readonly totals: StatsSnapshot;
  readonly totalRates: RateSnapshot;
}

function statsOf(s: Stats): { stats: StatsSnapshot; rates: RateSnapshot } {
  return { stats: s.snapshot(), rates: s.rates() };
}

export function destView(d: Destination): DestView {
  return {
    family: d.family,
    addr: d.addr,
    port: d.port,
    fwd: d.fwd,
    weight: d.weight,
    uThreshold: d.uThreshold,
    lThreshold: d.lThreshold,
    tunType: d.tunType,
    tunPort: d.tunPort,
    tunFlags: d.tunFlags,
    activeConns: d.activeConns,
    inactConns: d.inactConns,
    persistConns: d.persistConns,
    overloaded: d.overloaded,
    ...statsOf(d.stats),
  };
}

export function serviceView(s: VirtualService): ServiceView {
  return {
    family: s.family,
    kind: s.key.kind,
    protocol: s.protocol,
    addr: s.addr,
    port: s.port,
    fwmark: s.fwmark,
    scheduler: s.scheduler,
    flags: s.flags,
    timeout: s.timeout,
    netmask: s.netmask,
    pe: s.pe,
    ...statsOf(s.stats),
    dests: s.dests.map(destView),
  };
}

export function snapshotIpvs(ipvs: Ipvs): IpvsSnapshot {
  const daemons = [ipvs.daemons.master, ipvs.daemons.backup].filter((d): d is SyncDaemon => d !== null);
  return {
    connTabSize: 2 ** ipvs.sysctls.conn_tab_bits,
    services: [...ipvs.services.values()].map(serviceView),
    timeouts: { ...ipvs.timeouts },
    daemons,
    totals: ipvs.totals.snapshot(),
    totalRates: ipvs.totals.rates(),
  };
}
