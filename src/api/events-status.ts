/**
 * GET /v1/status: one picture for `tsvs status` and the dashboard: the daemon, VRRP instances,
 * virtual services with their real servers (weight, health, connections, rates), data-plane
 * problems and recent events.
 */
import { serviceKeyString } from '../core/model.js';
import type { DestView, ServiceView } from '../core/snapshot.js';
import type { HealthInfo } from '../engine/control-plane.js';
import type { DataplaneProblem } from '../core/ports.js';
import type { EngineEvent, RealServerHealth } from '../engine/events.js';
import type { VrrpStatusReport } from '../engine/vrrp/engine.js';
import type { VrrpPeer } from '../engine/vrrp/transitions.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { RECENT_EVENTS } from './events.js';
import { serviceKeyOfView } from './routes.js';

export type HealthWord = 'up' | 'down' | 'unchecked';

/** Totals and rates as `ipvsadm -L --stats --rate` shows them, for a service or a real server. */
export interface StatusCounters {
  readonly conns: number;
  readonly cps: number;
  readonly inpps: number;
  readonly outpps: number;
  readonly inbps: number;
  readonly outbps: number;
}

export interface StatusRealServer extends StatusCounters {
  readonly address: string;
  readonly port: number;
  readonly forward: string;
  readonly weight: number;
  readonly health: HealthWord;
  readonly activeConns: number;
  readonly inactConns: number;
  readonly persistConns: number;
}

export interface StatusService extends StatusCounters {
  /** As ipvsadm lists it: "TCP 10.0.0.1:80", "FWM 7", "UDP [::1]:53". */
  readonly name: string;
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  readonly fwmark: number;
  readonly scheduler: string;
  readonly realServers: readonly StatusRealServer[];
}

export interface StatusInstance {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  readonly state: string;
  readonly priority: number;
  readonly basePriority: number;
  readonly masterAddress: string | null;
  readonly sinceTransitionMs: number | null;
  /** Other directors heard in adverts (most recent first) and configured unicast peers. */
  readonly peers: readonly VrrpPeer[];
}

export interface StatusReport {
  readonly daemon: HealthInfo;
  readonly vrrp: { readonly running: boolean; readonly reason: string | null; readonly instances: readonly StatusInstance[] };
  readonly services: readonly StatusService[];
  readonly problems: readonly DataplaneProblem[];
  readonly events: readonly EngineEvent[];
}

const hostPort = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

export function serviceName(s: ServiceView): string {
  return s.kind === 'fwmark' ? `FWM ${s.fwmark}` : `${s.protocol.toUpperCase()} ${hostPort(s.addr, s.port)}`;
}

function healthOf(index: ReadonlyMap<string, RealServerHealth>, svcKey: string, d: DestView): HealthWord {
  const h = index.get(`${svcKey}#${d.addr}|${d.port}`);
  return h === undefined ? 'unchecked' : h.alive ? 'up' : 'down';
}

function counters(v: Pick<DestView, 'stats' | 'rates'>): StatusCounters {
  return { conns: v.stats.conns, cps: v.rates.cps, inpps: v.rates.inpps, outpps: v.rates.outpps, inbps: v.rates.inbps, outbps: v.rates.outbps };
}

function realServer(d: DestView, health: HealthWord): StatusRealServer {
  return {
    address: d.addr, port: d.port, forward: d.fwd, weight: d.weight, health,
    activeConns: d.activeConns, inactConns: d.inactConns, persistConns: d.persistConns,
    ...counters(d),
  };
}

/** Services with health; real servers sorted by address and port as `ipvsadm -L -n` does. */
export function statusServices(services: readonly ServiceView[], health: readonly RealServerHealth[]): StatusService[] {
  const index = new Map(health.map((h) => [`${h.vs}#${h.rs}`, h]));
  return services.map((s) => {
    const key = serviceKeyString(serviceKeyOfView(s));
    const dests = [...s.dests].sort((a, b) => a.addr.localeCompare(b.addr, 'en', { numeric: true }) || a.port - b.port);
    return {
      name: serviceName(s), protocol: s.protocol, address: s.addr, port: s.port, fwmark: s.fwmark, scheduler: s.scheduler,
      ...counters(s),
      realServers: [...dests.map((d) => realServer(d, healthOf(index, key, d))), ...outOfTable(health, key, s.dests)],
    };
  });
}

/** Real servers health checking took out of the table (not inhibited): shown with weight 0 and no traffic. */
function outOfTable(health: readonly RealServerHealth[], svcKey: string, dests: readonly DestView[]): StatusRealServer[] {
  const present = new Set(dests.map((d) => `${d.addr}|${d.port}`));
  const out: StatusRealServer[] = [];
  for (const h of health) {
    if (h.vs !== svcKey || present.has(h.rs)) continue;
    const i = h.rs.lastIndexOf('|');
    out.push({
      address: h.rs.slice(0, i), port: Number(h.rs.slice(i + 1)), forward: '-', weight: 0, health: h.alive ? 'up' : 'down',
      activeConns: 0, inactConns: 0, persistConns: 0, conns: 0, cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0,
    });
  }
  return out;
}

export function statusInstances(v: VrrpStatusReport): StatusReport['vrrp'] {
  return {
    running: v.running,
    reason: v.reason,
    instances: v.instances.map((i) => ({
      name: i.name, interface: i.ifname, vrid: i.vrid, state: i.state, priority: i.effectivePriority,
      basePriority: i.basePriority, masterAddress: i.masterAddress, sinceTransitionMs: i.sinceTransitionMs, peers: i.peers ?? [],
    })),
  };
}

/** The report, read now from the control plane. */
export function buildStatus(c: ControlPlane, recent = RECENT_EVENTS): StatusReport {
  const obs = c.observability;
  obs?.pollStatus();
  return {
    daemon: c.health(),
    vrrp: statusInstances(c.vrrpStatus()),
    services: statusServices(c.snapshot().services, obs?.healthReport() ?? []),
    problems: c.dataplane().problems,
    events: obs?.events.recent(recent) ?? [],
  };
}
