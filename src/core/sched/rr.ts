/**
 * rr — round robin (ip_vs_rr.c, ipvs.md §2.1). The cursor is the last chosen destination;
 * a pick scans forward from it, wrapping once, for a destination with weight > 0 that is not
 * overloaded.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';

export function createRr(): Scheduler {
  /** The last chosen destination, or null for "head" (before the first element). */
  let cursor: Destination | null = null;
  return {
    name: 'rr',
    init() {
      cursor = null;
    },
    done() {
      cursor = null;
    },
    addDest() {},
    updDest() {},
    delDest(svc: VirtualService, dest: Destination) {
      // The cursor steps back to the element before the removed one, so the next pick is the one after it.
      if (cursor === dest) cursor = dest.index > 0 ? svc.dests[dest.index - 1]! : null;
    },
    pick(svc: VirtualService) {
      const list = svc.dests;
      const n = list.length;
      const start = cursor && cursor.available ? cursor.index + 1 : 0;
      const limit = cursor && cursor.available ? n + start : n;
      for (let i = start; i < limit; i++) {
        const d = list[i % n]!;
        if (d.weight > 0 && !d.overloaded) {
          cursor = d;
          return d;
        }
      }
      return null;
    },
  };
}
