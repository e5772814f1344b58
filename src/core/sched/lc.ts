/**
 * lc — least connection (ip_vs_lc.c, ipvs.md §2.3): among destinations that are not overloaded
 * and have weight ≠ 0, the smallest overhead (active·256 + inactive) wins; the comparison is a
 * strict unsigned `<`, so the earliest in list order wins ties. Weights are otherwise ignored.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { connOverhead, isOverloaded } from './load.js';
import { StatelessScheduler } from './stateless.js';

export class LeastConnection extends StatelessScheduler {
  readonly name = 'lc';

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    let least: Destination | null = null;
    let loh = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if (isOverloaded(d) || d.weight === 0) continue;
      const doh = connOverhead(d) >>> 0;
      if (least === null || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }
}

export function createLc(): Scheduler {
  return new LeastConnection();
}
