/**
 * The destination-address cache of lblc and lblcr (ipvs.md §2.13/§2.14), with the kernel's
 * garbage collection: a 1024-bucket table keyed by hash_32(fold(daddr), 10), a periodic run every
 * 60 s ({@link LocalityCache.collect}) that does a full expiry sweep every 30th run, or — when the
 * table holds more than 16384 entries — a partial sweep from a rover for entries idle ≥ 6 min.
 * Buckets matter only for which entries a partial sweep reaches; lookups go through a Map keyed by
 * the canonical address text.
 */
import { hash32 } from './hash.js';

export const LOCALITY_TAB_BITS = 10;
export const LOCALITY_TAB_SIZE = 1 << LOCALITY_TAB_BITS;
const LOCALITY_TAB_MASK = LOCALITY_TAB_SIZE - 1;
/** max_size = TAB_SIZE * 16. */
export const LOCALITY_MAX_SIZE = LOCALITY_TAB_SIZE * 16;
/** The collection timer period (CHECK_EXPIRE_INTERVAL). */
export const LOCALITY_GC_INTERVAL_MS = 60_000;
/** Idle time after which a partial sweep may drop an entry (ENTRY_TIMEOUT). */
export const LOCALITY_ENTRY_TIMEOUT_MS = 360_000;
/** Every this many runs without a partial sweep, a full expiry sweep (COUNT_FOR_FULL_EXPIRATION). */
export const LOCALITY_FULL_EVERY = 30;

export interface LocalityEntry {
  /** Canonical packet destination address. */
  readonly addr: string;
  readonly bucket: number;
  /** Last time (ms) a pick looked this entry up. */
  lastuse: number;
}

/** Bucket of a destination address fold. */
export function localityBucket(fold: number): number {
  return hash32(fold, LOCALITY_TAB_BITS);
}

export class LocalityCache<E extends LocalityEntry> {
  private readonly byAddr = new Map<string, E>();
  private readonly buckets: E[][] = Array.from({ length: LOCALITY_TAB_SIZE }, () => []);
  private rover = 0;
  private counter = 1;

  get size(): number {
    return this.byAddr.size;
  }

  get(addr: string): E | undefined {
    return this.byAddr.get(addr);
  }

  add(e: E): void {
    this.byAddr.set(e.addr, e);
    this.buckets[e.bucket]!.push(e);
  }

  values(): IterableIterator<E> {
    return this.byAddr.values();
  }

  clear(): void {
    this.byAddr.clear();
    for (const b of this.buckets) b.length = 0;
  }

  /** One run of the 60 s collection timer (ip_vs_lblc_check_expire). */
  collect(now: number, expirationMs: number): void {
    if (this.counter % LOCALITY_FULL_EVERY === 0) {
      this.sweep(now, expirationMs, Infinity);
      this.counter = 1;
      return;
    }
    const entries = this.byAddr.size;
    if (entries <= LOCALITY_MAX_SIZE) {
      this.counter++;
      return;
    }
    const goal = Math.min(Math.trunc(((entries - LOCALITY_MAX_SIZE) * 4) / 3), Math.trunc(LOCALITY_MAX_SIZE / 2));
    this.sweep(now, LOCALITY_ENTRY_TIMEOUT_MS, goal);
  }

  /**
   * Walk buckets from the one after the rover, dropping entries with now ≥ lastuse + idleMs;
   * stop after a bucket once `goal` entries were dropped. The rover ends on the last bucket seen.
   */
  private sweep(now: number, idleMs: number, goal: number): void {
    let j = this.rover;
    for (let i = 0; i < LOCALITY_TAB_SIZE; i++) {
      j = (j + 1) & LOCALITY_TAB_MASK;
      const bucket = this.buckets[j]!;
      for (let k = bucket.length - 1; k >= 0; k--) {
        const e = bucket[k]!;
        if (now < e.lastuse + idleMs) continue;
        bucket.splice(k, 1);
        this.byAddr.delete(e.addr);
        goal--;
      }
      if (goal <= 0) break;
    }
    this.rover = j;
  }
}
