/**
 * Batch validation without side effects: rebuild the structure of the live IPVS state (services,
 * destinations in the same order, timeouts, sync daemons) in a scratch {@link Ipvs} and apply the
 * batch there first. Whether an operation succeeds depends only on that structure (existence,
 * scheduler and engine names, value ranges, destination counts), never on counters, connections
 * or the trash, so a batch that passes the rehearsal passes for real.
 */
import { Ipvs } from '../core/ipvs.js';
import type { Op, OpResult } from '../core/ops.js';
import { SeededRng } from '../core/rng.js';
import { destSpecOf, serviceSpecOf } from './specs.js';

/** A structural copy of `live`; its own RNG, so rehearsing never consumes the live one. */
export function replicate(live: Ipvs): Ipvs {
  const copy = new Ipvs({ rng: new SeededRng(0), sysctls: live.sysctls });
  for (const svc of live.services.values()) {
    mustApply(copy, { type: 'add-service', service: serviceSpecOf(svc) });
    // The kernel puts new destinations first: adding oldest-first reproduces the live order.
    for (let i = svc.dests.length - 1; i >= 0; i--) {
      mustApply(copy, { type: 'add-dest', service: svc.key, dest: destSpecOf(svc.dests[i]!) });
    }
  }
  const t = live.timeouts;
  mustApply(copy, { type: 'set-timeouts', tcp: t.tcp, tcpfin: t.tcpfin, udp: t.udp });
  for (const d of [live.daemons.master, live.daemons.backup]) if (d) mustApply(copy, { type: 'start-daemon', daemon: d });
  return copy;
}

function mustApply(ipvs: Ipvs, op: Op): void {
  const r = ipvs.apply(op);
  // Live state was built by the same reducer, so recreating it cannot fail.
  if (!r.ok) throw new Error(`replicating live IPVS state failed on ${op.type}: ${r.detail}`);
}

export type Rehearsal = { readonly ok: true } | { readonly ok: false; readonly index: number; readonly result: OpResult & { ok: false } };

/** Apply `ops` to a copy of `live`, stopping at the first failure. `live` is not touched. */
export function rehearse(live: Ipvs, ops: readonly Op[]): Rehearsal {
  return replicate(live).applyAll(ops);
}
