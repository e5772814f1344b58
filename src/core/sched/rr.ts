/**
 * rr — round robin (ip_vs_rr.c, ipvs.md §2.1). The cursor is the last chosen destination
 * (null = "head", before the first element); a pick scans forward from it to the end of the
 * list, then from the start up to and including the cursor, for a destination with weight > 0
 * that is not overloaded. New destinations need no hook: they sit at the list front, reached
 * after the scan wraps.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { eligible } from './load.js';

export class RoundRobin implements Scheduler {
  readonly name = 'rr';
  /** The last chosen destination, or null for "head". */
  private cursor: Destination | null = null;

  init(): void {
    this.cursor = null;
  }

  done(): void {
    this.cursor = null;
  }

  addDest(): void {}

  updDest(): void {}

  /** Called while `dest` is still listed: the cursor steps back to its predecessor (or head). */
  delDest(svc: VirtualService, dest: Destination): void {
    if (this.cursor === dest) this.cursor = dest.index > 0 ? svc.dests[dest.index - 1]! : null;
  }

  pick(svc: VirtualService): Destination | null {
    const list = svc.dests;
    const n = list.length;
    const c = this.cursor;
    // A cursor no longer listed (cannot happen while delDest is called) counts as head.
    const last = c !== null && list[c.index] === c ? c.index : -1;
    for (let i = last + 1; i < n; i++) {
      const d = list[i]!;
      if (eligible(d)) return (this.cursor = d);
    }
    // Second pass only when the cursor was not at head: from the start up to the cursor itself.
    for (let i = 0; i <= last; i++) {
      const d = list[i]!;
      if (eligible(d)) return (this.cursor = d);
    }
    return null;
  }
}

export function createRr(): Scheduler {
  return new RoundRobin();
}
