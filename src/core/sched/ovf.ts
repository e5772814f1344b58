/**
 * ovf — weighted overflow (ip_vs_ovf.c, ipvs.md §2.8): skip destinations that are overloaded,
 * have weight 0 or have more active connections than their weight; of the rest the highest
 * weight wins (earliest on ties). Only active connections count, so UDP never overflows.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { isOverloaded } from './load.js';
import { StatelessScheduler } from './stateless.js';

export class WeightedOverflow extends StatelessScheduler {
  readonly name = 'ovf';

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    let h: Destination | null = null;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      const w = d.weight;
      if (isOverloaded(d) || d.activeConns > w || w === 0) continue;
      if (h === null || w > h.weight) h = d;
    }
    return h;
  }
}

export function createOvf(): Scheduler {
  return new WeightedOverflow();
}
