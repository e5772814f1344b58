/**
 * What lblc and lblcr share: a locality cache keyed by destination address, the kernel's `dead`
 * flag (set by done(): no new entries afterwards), no per-destination hooks, and the periodic
 * collection with the scheduler's expiration sysctl (read at each run, seconds).
 */
import type { Destination, PickContext, Scheduler, Sysctls, VirtualService } from '../model.js';
import { LocalityCache, type LocalityEntry } from './locality-cache.js';

export abstract class LocalityScheduler<E extends LocalityEntry> implements Scheduler {
  abstract readonly name: string;
  readonly cache = new LocalityCache<E>();
  protected dead = false;

  constructor(protected readonly sysctls: Sysctls) {}

  /** lblc_expiration or lblcr_expiration, in ms. */
  protected abstract expirationMs(): number;

  init(): void {
    this.dead = false;
  }

  done(): void {
    this.dead = true;
    this.cache.clear();
  }

  addDest(): void {}
  delDest(): void {}
  updDest(): void {}

  tick(_svc: VirtualService, now: number): void {
    this.cache.collect(now, this.expirationMs());
  }

  abstract pick(svc: VirtualService, ctx: PickContext): Destination | null;
}
