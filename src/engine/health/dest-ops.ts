/**
 * The health policy's `dest` effects as IPVS operations: the destination each virtual-server
 * service should have for a real server (or the sorry server), compared with what IPVS has now,
 * so that only a real difference becomes an operation (add, edit or delete).
 */
import type { HealthEffect } from '../../core/health/spec.js';
import type { Ipvs } from '../../core/ipvs.js';
import type { DestSpec, ServiceKey } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { destSpec } from '../../lang/keepalived/to-ops.js';
import { destSpecOf, sameDestAttrs } from '../specs.js';
import type { VsEntry } from './from-model.js';

type DestEffect = Extract<HealthEffect, { kind: 'dest' }>;

/** The destination of a real server or sorry server with `weight`, or null when not configured. */
export function memberDest(entry: VsEntry, dest: string, sorry: boolean, weight: number): DestSpec | null {
  if (!sorry) {
    const rs = entry.realServers.get(dest);
    return rs ? destSpec(rs, weight) : null;
  }
  const s = entry.vs.sorryServer;
  if (!s) return null;
  const f = s.forwarding;
  return { family: s.family, addr: s.address, port: s.port, fwd: f.method, weight, uThreshold: 0, lThreshold: 0, tunType: f.tunType, tunPort: f.tunPort, tunFlags: f.tunCsum };
}

/** Non-NAT destinations of fwmark services carry no port (keepalived clears it). */
export function forService(key: ServiceKey, d: DestSpec): DestSpec {
  return key.kind === 'fwmark' && d.fwd !== 'nat' ? { ...d, port: 0 } : d;
}

/** The operations that make every service of the entry agree with one effect. */
export function destEffectOps(live: Ipvs, entry: VsEntry, e: DestEffect): Op[] {
  const base = memberDest(entry, e.dest, e.sorry, e.weight);
  if (!base) return [];
  const ops: Op[] = [];
  for (const key of entry.keys) {
    const svc = live.getService(key);
    if (!svc) continue;
    const want = forService(key, base);
    const cur = svc.findDest(want);
    if (!e.present) {
      if (cur) ops.push({ type: 'delete-dest', service: key, dest: { family: want.family, addr: want.addr, port: want.port } });
    } else if (!cur) ops.push({ type: 'add-dest', service: key, dest: want });
    else if (!sameDestAttrs(destSpecOf(cur), want)) ops.push({ type: 'edit-dest', service: key, dest: want });
  }
  return ops;
}
