/**
 * mh — Maglev hashing (ip_vs_mh.c, ipvs.md §2.12), flags mh-fallback (flag-1) and mh-port
 * (flag-2). A lookup table of M = 4093 slots is filled, on every add/delete/edit, by letting each
 * destination claim slots along its own permutation (offset, offset+skip, … mod M), `turns` slots
 * per round, in list order. Turns come from `last_weight`, so a quiesced (weight 0) destination
 * keeps its slots; picks then fail for it unless mh-fallback probes further.
 */
import { parseIp } from '../addr.js';
import {
  SCHED_FLAG_FALLBACK,
  type Destination,
  type PickContext,
  type Scheduler,
  type VirtualService,
} from '../model.js';
import { MH_KEY1, MH_KEY2, hsiphash32 } from './hash.js';
import { destsWithout, sourceKeyFold, sourceKeyPort } from './keys.js';
import { eligible, gcd } from './load.js';

/** Prime table size for CONFIG_IP_VS_MH_TAB_INDEX = 12 (the default). */
export const MH_TAB_SIZE = 4093;
/** IP_VS_MH_TAB_BITS = TAB_INDEX / 2: weights are scaled down to at most this many bits. */
const MH_TAB_BITS = 6;

/** The value a destination or packet is hashed by: (offset + port + fold) mod 2^32. */
function mhValue(fold: number, port: number, offset: number): number {
  return (offset + port + fold) >>> 0;
}

/** Permutation of one destination. */
export interface MhPermutation {
  readonly offset: number;
  readonly skip: number;
}

/**
 * The fold the kernel hashes a destination with: it folds by the *service* family, so an IPv6
 * destination of an IPv4 service (tunnel forwarding) contributes only its first 32-bit word.
 */
function destFold(svc: VirtualService, d: Destination): number {
  if (svc.family === 4 && d.family === 6) return parseIp(d.addr)?.words[0] ?? d.fold;
  return d.fold;
}

export function mhPermutation(fold: number, port: number): MhPermutation {
  const v = mhValue(fold, port, 0);
  return { offset: hsiphash32(v, MH_KEY1) % MH_TAB_SIZE, skip: (hsiphash32(v, MH_KEY2) % (MH_TAB_SIZE - 1)) + 1 };
}

/** Bit length of a positive integer (the kernel's fls). */
function bitLength(x: number): number {
  return 32 - Math.clz32(x);
}

export class MaglevHashing implements Scheduler {
  readonly name = 'mh';
  /** Slot → destination; all null when no destination has a non-zero last weight. */
  readonly table: (Destination | null)[] = new Array<Destination | null>(MH_TAB_SIZE).fill(null);

  init(svc: VirtualService): void {
    this.reassign(svc, destsWithout(svc, null));
  }

  done(): void {
    this.table.fill(null);
  }

  addDest(svc: VirtualService): void {
    this.reassign(svc, destsWithout(svc, null));
  }

  delDest(svc: VirtualService, dest: Destination): void {
    this.reassign(svc, destsWithout(svc, dest));
  }

  updDest(svc: VirtualService): void {
    this.reassign(svc, destsWithout(svc, null));
  }

  /** gcd and shift of the last weights, then permutations and the fill (permutate + populate). */
  private reassign(svc: VirtualService, dests: readonly Destination[]): void {
    let g = 0;
    let maxLw = 0;
    for (const d of dests) {
      const lw = d.lastWeight;
      if (lw > 0) g = g > 0 ? gcd(lw, g) : lw;
      if (lw > maxLw) maxLw = lw;
    }
    if (g < 1) {
      this.table.fill(null);
      return;
    }
    const shift = Math.max(0, bitLength(Math.trunc(maxLw / g)) - MH_TAB_BITS);
    const n = dests.length;
    const perm = new Int32Array(n);
    const skip = new Int32Array(n);
    const turns = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = dests[i]!;
      const p = mhPermutation(destFold(svc, d), d.port);
      perm[i] = p.offset;
      skip[i] = p.skip;
      const lw = d.lastWeight;
      const t = Math.trunc(lw / g) >> shift;
      turns[i] = t !== 0 ? t : lw !== 0 ? 1 : 0;
    }
    this.populate(dests, perm, skip, turns);
  }

  private populate(dests: readonly Destination[], perm: Int32Array, skip: Int32Array, turns: Int32Array): void {
    const taken = new Uint8Array(MH_TAB_SIZE);
    const n = dests.length;
    let filled = 0;
    for (;;) {
      for (let i = 0; i < n; i++) {
        if (turns[i]! < 1) continue;
        for (let t = 0; t < turns[i]!; t++) {
          // perm only advances past slots already taken; it stays on the slot it claims.
          let c = perm[i]!;
          while (taken[c] === 1) {
            c += skip[i]!;
            if (c >= MH_TAB_SIZE) c -= MH_TAB_SIZE;
          }
          perm[i] = c;
          taken[c] = 1;
          this.table[c] = dests[i]!;
          if (++filled === MH_TAB_SIZE) return;
        }
      }
    }
  }

  pick(svc: VirtualService, ctx: PickContext): Destination | null {
    const fold = sourceKeyFold(ctx);
    const port = sourceKeyPort(svc, ctx);
    const ihash = hsiphash32(mhValue(fold, port, 0), MH_KEY1) % MH_TAB_SIZE;
    const d = this.table[ihash]!;
    if ((svc.flags & SCHED_FLAG_FALLBACK) === 0) return d !== null && eligible(d) ? d : null;
    if (d === null) return null;
    if (eligible(d)) return d;
    for (let o = 0; o < MH_TAB_SIZE; o++) {
      const roffset = (o + ihash) % MH_TAB_SIZE;
      const c = this.table[hsiphash32(mhValue(fold, port, roffset), MH_KEY1) % MH_TAB_SIZE]!;
      if (c === null) return null;
      if (eligible(c)) return c;
    }
    return null;
  }
}

export function createMh(): Scheduler {
  return new MaglevHashing();
}
