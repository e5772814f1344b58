/**
 * dh — destination hashing (ip_vs_dh.c, ipvs.md §2.10). A fixed 256-bucket table maps the packet
 * destination address to a real server; bucket i holds the destination at list position i mod n
 * (weights ignored). Rebuilt on bind and on add/delete — not on edit, like the kernel, which has
 * no upd_dest hook for dh. No fallback: an empty, unavailable, weight-0 or overloaded bucket fails.
 */
import { DEST_F, type Destination, type PickContext, type Scheduler, type VirtualService } from '../model.js';
import { mulHash } from './hash.js';
import { destsWithout } from './keys.js';

export const DH_TAB_SIZE = 256;
const DH_TAB_MASK = DH_TAB_SIZE - 1;

/** Bucket of an address fold: (fold * 2654435761) mod 2^32 & 255. */
export function dhBucket(fold: number): number {
  return mulHash(fold) & DH_TAB_MASK;
}

export class DestinationHashing implements Scheduler {
  readonly name = 'dh';
  /** Bucket → destination; null when the service has no destinations. */
  readonly table: (Destination | null)[] = new Array<Destination | null>(DH_TAB_SIZE).fill(null);

  init(svc: VirtualService): void {
    this.reassign(destsWithout(svc, null));
  }

  done(): void {
    this.table.fill(null);
  }

  addDest(svc: VirtualService): void {
    this.reassign(destsWithout(svc, null));
  }

  delDest(svc: VirtualService, dest: Destination): void {
    this.reassign(destsWithout(svc, dest));
  }

  updDest(): void {}

  private reassign(dests: readonly Destination[]): void {
    const n = dests.length;
    for (let i = 0; i < DH_TAB_SIZE; i++) this.table[i] = n === 0 ? null : dests[i % n]!;
  }

  pick(_svc: VirtualService, ctx: PickContext): Destination | null {
    const d = this.table[dhBucket(ctx.dfold)]!;
    if (d === null || (d.flags & DEST_F.AVAILABLE) === 0 || d.weight <= 0 || (d.flags & DEST_F.OVERLOAD) !== 0) return null;
    return d;
  }
}

export function createDh(): Scheduler {
  return new DestinationHashing();
}
