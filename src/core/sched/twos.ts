/**
 * twos — weighted random "power of two choices" (ip_vs_twos.c, kernel ≥ 6.2, ipvs.md §2.9).
 * Two weighted random draws r1, r2 in [0, total] pick two eligible destinations (first one whose
 * running weight sum reaches the draw); the second wins only if it is relatively less loaded.
 * The `+1` on the total slightly favours the first eligible destination, as in the kernel.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import type { Rng } from '../ports.js';
import { connOverhead, eligible } from './load.js';
import { StatelessScheduler } from './stateless.js';

export class PowerOfTwoChoices extends StatelessScheduler {
  readonly name = 'twos';
  constructor(private readonly rng: Rng) {
    super();
  }

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    const n = list.length;
    let total = 0;
    // Like the kernel, choice 1 starts as the last eligible destination.
    let c1: Destination | null = null;
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      if (eligible(d)) {
        total = (total + d.weight) | 0;
        c1 = d;
      }
    }
    if (c1 === null) return null;
    // get_random_u32() % (total + 1), r1 drawn first.
    const span = ((total + 1) | 0) >>> 0;
    let r1 = (this.rng.next32() % span) | 0;
    let r2 = (this.rng.next32() % span) | 0;
    let c2: Destination | null = null;
    let w1 = -1;
    let w2 = -1;
    let o1 = 0;
    let o2 = 0;
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      if (!eligible(d)) continue;
      const w = d.weight;
      r1 = (r1 - w) | 0;
      r2 = (r2 - w) | 0;
      if (r1 <= 0 && w1 === -1) {
        c1 = d;
        w1 = w;
        o1 = connOverhead(d);
      }
      if (r2 <= 0 && w2 === -1) {
        c2 = d;
        w2 = w;
        o2 = connOverhead(d);
      }
      if (w1 !== -1 && w2 !== -1) break;
    }
    // The kernel compares int products (wrapping), not 64-bit ones.
    if (c2 !== null && Math.imul(w2, o1) > Math.imul(w1, o2)) return c2;
    return c1;
  }
}

export function createTwos(rng: Rng): Scheduler {
  return new PowerOfTwoChoices(rng);
}
