/**
 * wlc — weighted least connection, ipvsadm's default (ip_vs_wlc.c, ipvs.md §2.4): the first
 * destination that is not overloaded and has weight > 0 is the candidate; a later one that is
 * not overloaded replaces it when `overhead(cand)·w(d) > overhead(d)·w(cand)` (strict, so ties
 * keep the earlier destination and a later weight-0 destination never wins).
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { weightedLeast } from './load.js';
import { StatelessScheduler } from './stateless.js';

export class WeightedLeastConnection extends StatelessScheduler {
  readonly name = 'wlc';

  pick(svc: VirtualService): Destination | null {
    return weightedLeast(svc.dests);
  }
}

export function createWlc(): Scheduler {
  return new WeightedLeastConnection();
}
