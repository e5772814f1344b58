/**
 * sed — shortest expected delay (ip_vs_sed.c, ipvs.md §2.5): wlc's selection with the load
 * figure `activeconns + 1` (inactive connections ignored). Same initial-candidate rule, same
 * strict comparison, earliest wins ties.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { eligible, isOverloaded, productGreater } from './load.js';
import { StatelessScheduler } from './stateless.js';

/** Expected delay numerator of sed and nq: active connections + 1, as a C int. */
export function sedOverhead(d: Destination): number {
  return (d.activeConns + 1) | 0;
}

export class ShortestExpectedDelay extends StatelessScheduler {
  readonly name = 'sed';

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    const n = list.length;
    let i = 0;
    let least: Destination | null = null;
    for (; i < n; i++) {
      if (eligible(list[i]!)) {
        least = list[i]!;
        break;
      }
    }
    if (least === null) return null;
    let loh = sedOverhead(least);
    for (i++; i < n; i++) {
      const d = list[i]!;
      if (isOverloaded(d)) continue;
      const doh = sedOverhead(d);
      if (productGreater(loh, d.weight, doh, least.weight)) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }
}

export function createSed(): Scheduler {
  return new ShortestExpectedDelay();
}
