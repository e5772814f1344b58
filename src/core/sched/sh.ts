/**
 * sh — source hashing (ip_vs_sh.c, ipvs.md §2.11), flags sh-fallback (flag-1) and sh-port
 * (flag-2). A 256-bucket table is refilled on every add/delete/edit by walking the list
 * cyclically, each destination taking `weight` consecutive buckets (a weight-0 one still takes
 * one). A pick indexes bucket (offset + (port + fold(addr)) * 2654435761) & 255.
 */
import {
  SCHED_FLAG_FALLBACK,
  type Destination,
  type PickContext,
  type Scheduler,
  type VirtualService,
} from '../model.js';
import { mulHash } from './hash.js';
import { destsWithout, sourceKeyFold, sourceKeyPort } from './keys.js';
import { eligible } from './load.js';

/** CONFIG_IP_VS_SH_TAB_BITS = 8 by default. */
export const SH_TAB_SIZE = 256;
const SH_TAB_MASK = SH_TAB_SIZE - 1;

/** ip_vs_sh_hashkey: (offset + (port + fold) * 2654435761) & mask, unsigned wrap-around. */
export function shBucket(fold: number, port: number, offset: number): number {
  return (offset + mulHash((port + fold) >>> 0)) & SH_TAB_MASK;
}

export class SourceHashing implements Scheduler {
  readonly name = 'sh';
  readonly table: (Destination | null)[] = new Array<Destination | null>(SH_TAB_SIZE).fill(null);

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

  updDest(svc: VirtualService): void {
    this.reassign(destsWithout(svc, null));
  }

  private reassign(dests: readonly Destination[]): void {
    const n = dests.length;
    let p = 0;
    let count = 0;
    for (let i = 0; i < SH_TAB_SIZE; i++) {
      if (n === 0) {
        this.table[i] = null;
        continue;
      }
      const d = dests[p]!;
      this.table[i] = d;
      // The "filled >= weight" test comes after placing, so weight 0 still takes one bucket.
      if (++count >= d.weight) {
        p = (p + 1) % n;
        count = 0;
      }
    }
  }

  pick(svc: VirtualService, ctx: PickContext): Destination | null {
    const fold = sourceKeyFold(ctx);
    const port = sourceKeyPort(svc, ctx);
    const ihash = shBucket(fold, port, 0);
    const d = this.table[ihash]!;
    if ((svc.flags & SCHED_FLAG_FALLBACK) === 0) return d !== null && eligible(d) ? d : null;
    if (d === null) return null;
    if (eligible(d)) return d;
    // Probe roffset = ihash, ihash+1, … (mod size), each hashed again with that offset.
    for (let o = 0; o < SH_TAB_SIZE; o++) {
      const roffset = (o + ihash) % SH_TAB_SIZE;
      const c = this.table[shBucket(fold, port, roffset)]!;
      if (c === null) return null;
      if (eligible(c)) return c;
    }
    return null;
  }
}

export function createSh(): Scheduler {
  return new SourceHashing();
}
