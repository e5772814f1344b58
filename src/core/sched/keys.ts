/**
 * Inputs of the hashing schedulers: which packet address/port they key on, and the destination
 * list a table is built from (delDest runs while the leaving destination is still listed, but the
 * kernel rebuilds after the unlink).
 */
import { SCHED_FLAG_PORT, type Destination, type PickContext, type VirtualService } from '../model.js';

/** sh/mh key address: the source, or for "inverse" (ICMP-scheduled) packets the destination. */
export function sourceKeyFold(ctx: PickContext): number {
  return ctx.inverse ? ctx.dfold : ctx.sfold;
}

/** sh/mh key port: 0 unless the service has sh-port/mh-port (flag-2); then the matching port. */
export function sourceKeyPort(svc: VirtualService, ctx: PickContext): number {
  if ((svc.flags & SCHED_FLAG_PORT) === 0) return 0;
  return ctx.inverse ? ctx.dport : ctx.sport;
}

/** The service's destinations in list order, without `removed` (null: all of them). */
export function destsWithout(svc: VirtualService, removed: Destination | null): readonly Destination[] {
  return removed === null ? svc.dests : svc.dests.filter((d) => d !== removed);
}
