/**
 * fo — weighted failover (ip_vs_fo.c, ipvs.md §2.7): the non-overloaded destination with the
 * highest weight, found with `weight > best` from best = 0, so weight-0 destinations never win
 * and the earliest in list order wins ties.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { isOverloaded } from './load.js';
import { StatelessScheduler } from './stateless.js';

export class WeightedFailover extends StatelessScheduler {
  readonly name = 'fo';

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    let best: Destination | null = null;
    let hw = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if (!isOverloaded(d) && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    return best;
  }
}

export function createFo(): Scheduler {
  return new WeightedFailover();
}
