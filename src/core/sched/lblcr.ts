/**
 * lblcr — locality-based least connection with replication (ip_vs_lblcr.c, ipvs.md §2.14). A
 * destination address maps to a *set* of real servers (newest first); the least loaded member is
 * used unless lblc-overloaded, in which case wlc adds another server to the set. A set of more
 * than one member that has not changed for lblcr_expiration loses its most loaded member.
 */
import { DEST_F, type Destination, type PickContext, type Scheduler, type Sysctls, type VirtualService } from '../model.js';
import { localityBucket, type LocalityEntry } from './locality-cache.js';
import { LocalityScheduler } from './locality-scheduler.js';
import { connOverhead, isOverloaded, localityOverloaded, productGreater, weightedLeast } from './load.js';

export interface LblcrEntry extends LocalityEntry {
  /** Members, most recently inserted first. */
  readonly set: Destination[];
  /** Last time (ms) a member was inserted or erased. */
  lastmod: number;
}

function isAvailable(d: Destination): boolean {
  return (d.flags & DEST_F.AVAILABLE) !== 0;
}

/** ip_vs_dest_set_min: weighted least-connection member that is available and not overloaded. */
export function setMin(set: readonly Destination[]): Destination | null {
  const n = set.length;
  let i = 0;
  let least: Destination | null = null;
  for (; i < n; i++) {
    const d = set[i]!;
    if (isOverloaded(d)) continue;
    if (d.weight > 0 && isAvailable(d)) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = connOverhead(least);
  for (i++; i < n; i++) {
    const d = set[i]!;
    if (isOverloaded(d)) continue;
    const doh = connOverhead(d);
    if (productGreater(loh, d.weight, doh, least.weight) && isAvailable(d)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/** ip_vs_dest_set_max: weighted most-connection member with weight > 0 (availability ignored). */
export function setMax(set: readonly Destination[]): Destination | null {
  const n = set.length;
  let i = 0;
  let most: Destination | null = null;
  for (; i < n; i++) {
    if (set[i]!.weight > 0) {
      most = set[i]!;
      break;
    }
  }
  if (most === null) return null;
  let moh = connOverhead(most);
  for (i++; i < n; i++) {
    const d = set[i]!;
    const doh = connOverhead(d);
    if (productGreater(doh, most.weight, moh, d.weight) && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}

export class LocalityLeastConnectionReplicated extends LocalityScheduler<LblcrEntry> {
  readonly name = 'lblcr';

  protected expirationMs(): number {
    return this.sysctls.lblcr_expiration * 1000;
  }

  pick(svc: VirtualService, ctx: PickContext): Destination | null {
    const now = ctx.now;
    const en = this.cache.get(ctx.daddr);
    if (en === undefined) {
      const dest = weightedLeast(svc.dests);
      if (dest !== null && !this.dead) {
        this.cache.add({ addr: ctx.daddr, bucket: localityBucket(ctx.dfold), lastuse: now, set: [dest], lastmod: now });
      }
      return dest;
    }
    en.lastuse = now;
    const least = setMin(en.set);
    // Shrink a replicated set that has been stable for the expiration time (strictly after).
    if (en.set.length > 1 && now > en.lastmod + this.expirationMs()) {
      const m = setMax(en.set);
      if (m !== null) {
        en.set.splice(en.set.indexOf(m), 1);
        en.lastmod = now;
      }
    }
    // The least loaded member is used even if it was just erased as the most loaded one.
    if (least !== null && !localityOverloaded(least, svc.dests)) return least;
    const dest = weightedLeast(svc.dests);
    if (dest === null) return null;
    if (!this.dead && !en.set.includes(dest)) {
      en.set.unshift(dest);
      en.lastmod = now;
    }
    return dest;
  }
}

export function createLblcr(sysctls: Sysctls): Scheduler {
  return new LocalityLeastConnectionReplicated(sysctls);
}
