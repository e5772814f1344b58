/**
 * nq — never queue (ip_vs_nq.c, ipvs.md §2.6): skipping overloaded and weight-0 destinations, the
 * first idle one (no active connections, list order) is returned at once; otherwise the sed rule
 * picks the smallest (active + 1)/weight, strict comparison, earliest wins ties.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { isOverloaded, productGreater } from './load.js';
import { sedOverhead } from './sed.js';
import { StatelessScheduler } from './stateless.js';

export class NeverQueue extends StatelessScheduler {
  readonly name = 'nq';

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    let least: Destination | null = null;
    let loh = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if (isOverloaded(d) || d.weight === 0) continue;
      if (d.activeConns === 0) return d;
      const doh = sedOverhead(d);
      if (least === null || productGreater(loh, d.weight, doh, least.weight)) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }
}

export function createNq(): Scheduler {
  return new NeverQueue();
}
