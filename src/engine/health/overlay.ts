/**
 * The configuration's desired state with health applied: for every service of a health-managed
 * virtual server, the destinations are the ones the health state has programmed (present, with
 * their weight) instead of the configuration's start-up set. Feeding this to the reload diff is
 * what keeps a reload from resurrecting a real server that health checking took out, and from
 * dropping a sorry server that is in use.
 */
import type { VirtualServerRuntime } from '../../core/health/runtime.js';
import type { HealthState } from '../../core/health/state.js';
import { serviceKeyString, type ServiceKey } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { forService, memberDest } from './dest-ops.js';
import type { HealthModel, VsEntry } from './from-model.js';

/** The destinations health has set for one service, in configuration order (sorry server last). */
function programmed(entry: VsEntry, vs: VirtualServerRuntime, key: ServiceKey): Op[] {
  const out: Op[] = [];
  for (const m of [...vs.realServers, ...(vs.sorry ? [vs.sorry] : [])]) {
    if (!m.set) continue;
    const d = memberDest(entry, m.id, m.sorry, m.ipvsWeight);
    if (d) out.push({ type: 'add-dest', service: key, dest: forService(key, d) });
  }
  return out;
}

/** Replace the start-up destinations of health-managed services by the programmed ones. */
export function withHealth(ops: readonly Op[], state: HealthState, model: HealthModel): Op[] {
  const runtime = new Map(state.virtualServers.map((v) => [v.id, v]));
  const out: Op[] = [];
  for (const op of ops) {
    if (op.type === 'add-dest' && model.byService.has(serviceKeyString(op.service))) continue;
    out.push(op);
    if (op.type !== 'add-service') continue;
    const vsId = model.byService.get(serviceKeyString(op.service.key));
    const entry = vsId === undefined ? undefined : model.byId.get(vsId);
    const vs = vsId === undefined ? undefined : runtime.get(vsId);
    if (entry && vs) out.push(...programmed(entry, vs, op.service.key));
  }
  return out;
}
