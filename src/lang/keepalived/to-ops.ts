/**
 * The IPVS operations a keepalived.conf programs at start-up (keepalived.md §3.3, §3.4):
 * `lvs_flush` first, `lvs_timeouts`, then for each virtual server (each endpoint of a group) an
 * add-service followed by add-dest for every real server that starts in the pool. A real server
 * with an alpha checker starts down (or with weight 0 under inhibit_on_failure); when the initial
 * weight sum is below quorum + hysteresis and a sorry server exists, only the sorry server is added.
 */
import { SVC_F, type DestSpec, type ServiceKey, type ServiceSpec } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import type { KeepalivedConfig, RealServer, ServiceEndpoint, VirtualServer } from './model.js';

const IPVS_WEIGHT_LIMIT = 2147483647;

export function serviceKey(vs: VirtualServer, ep: ServiceEndpoint): ServiceKey {
  if (ep.kind === 'fwmark') return { kind: 'fwmark', family: ep.family, fwmark: ep.fwmark };
  return { kind: 'addr', family: ep.family, protocol: vs.protocol ?? 'udp', addr: ep.address, port: ep.port };
}

export function serviceSpec(vs: VirtualServer, ep: ServiceEndpoint): ServiceSpec {
  const persistent = vs.persistenceTimeout > 0;
  return {
    key: serviceKey(vs, ep),
    scheduler: vs.scheduler,
    flags: vs.flags | (persistent ? SVC_F.PERSISTENT : 0),
    timeout: vs.persistenceTimeout,
    netmask: vs.persistenceGranularity,
    pe: vs.persistenceEngine ?? '',
  };
}

export function destSpec(rs: RealServer, weight: number): DestSpec {
  return {
    family: rs.family,
    addr: rs.address,
    port: rs.port,
    fwd: rs.forwarding.method,
    weight: Math.min(weight, IPVS_WEIGHT_LIMIT),
    uThreshold: rs.uThreshold,
    lThreshold: rs.lThreshold,
    tunType: rs.forwarding.tunType,
    tunPort: rs.forwarding.tunPort,
    tunFlags: rs.forwarding.tunCsum,
  };
}

/** A real server is alive at start unless one of its checkers runs in alpha mode. */
export function startsAlive(rs: RealServer): boolean {
  return !rs.checkers.some((c) => c.alpha);
}

/** The destinations a virtual server starts with. */
export function initialDests(vs: VirtualServer): DestSpec[] {
  const alive = vs.realServers.filter(startsAlive);
  const weightSum = alive.reduce((a, r) => a + r.weight, 0);
  const quorumUp = weightSum >= vs.quorum + vs.hysteresis;
  const s = vs.sorryServer;
  if (!quorumUp && s) {
    return [
      {
        family: s.family, addr: s.address, port: s.port, fwd: s.forwarding.method, weight: s.inhibit ? 0 : 1, uThreshold: 0, lThreshold: 0,
        tunType: s.forwarding.tunType, tunPort: s.forwarding.tunPort, tunFlags: s.forwarding.tunCsum,
      },
    ];
  }
  const out: DestSpec[] = [];
  for (const rs of vs.realServers) {
    if (startsAlive(rs)) out.push(destSpec(rs, rs.weight));
    else if (rs.inhibitOnFailure) out.push(destSpec(rs, 0));
  }
  return out;
}

export function toIpvsOps(model: KeepalivedConfig): Op[] {
  const ops: Op[] = [];
  const g = model.globalDefs;
  if (g.lvsFlush) ops.push({ type: 'flush' });
  const t = g.lvsTimeouts;
  if (t.tcp || t.tcpfin || t.udp) ops.push({ type: 'set-timeouts', tcp: t.tcp, tcpfin: t.tcpfin, udp: t.udp });
  for (const vs of model.virtualServers) {
    const dests = initialDests(vs);
    for (const ep of vs.endpoints) {
      const service = serviceSpec(vs, ep);
      ops.push({ type: 'add-service', service });
      for (const dest of dests) {
        // Non-NAT destinations of fwmark services carry no port (keepalived clears it).
        const d = ep.kind === 'fwmark' && dest.fwd !== 'nat' ? { ...dest, port: 0 } : dest;
        ops.push({ type: 'add-dest', service: service.key, dest: d });
      }
    }
  }
  return ops;
}
