/**
 * lblc — locality-based least connection (ip_vs_lblc.c, ipvs.md §2.13). Each packet destination
 * address (e.g. a web cache's origin) sticks to the real server first chosen for it, until that
 * server is deleted, quiesced or "lblc-overloaded"; then wlc chooses again and the cache entry is
 * replaced. Entries expire through {@link LocalityCache.collect}, run by `tick` every 60 s.
 */
import { DEST_F, type Destination, type PickContext, type Scheduler, type Sysctls, type VirtualService } from '../model.js';
import { localityBucket, type LocalityEntry } from './locality-cache.js';
import { LocalityScheduler } from './locality-scheduler.js';
import { localityOverloaded, weightedLeast } from './load.js';

export interface LblcEntry extends LocalityEntry {
  dest: Destination;
}

export class LocalityLeastConnection extends LocalityScheduler<LblcEntry> {
  readonly name = 'lblc';

  protected expirationMs(): number {
    return this.sysctls.lblc_expiration * 1000;
  }

  pick(svc: VirtualService, ctx: PickContext): Destination | null {
    const en = this.cache.get(ctx.daddr);
    if (en !== undefined) {
      en.lastuse = ctx.now;
      const d = en.dest;
      // A deleted (trashed) destination is not AVAILABLE; the OVERLOAD flag is not checked here.
      if ((d.flags & DEST_F.AVAILABLE) !== 0 && d.weight > 0 && !localityOverloaded(d, svc.dests)) return d;
    }
    const dest = weightedLeast(svc.dests);
    if (dest === null || this.dead) return dest;
    // Replacing an entry (kernel: delete + new) leaves it with lastuse = now, as the lookup set.
    if (en !== undefined) en.dest = dest;
    else this.cache.add({ addr: ctx.daddr, bucket: localityBucket(ctx.dfold), lastuse: ctx.now, dest });
    return dest;
  }
}

export function createLblc(sysctls: Sysctls): Scheduler {
  return new LocalityLeastConnection(sysctls);
}
