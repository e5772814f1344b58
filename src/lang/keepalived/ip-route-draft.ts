/**
 * What keepalived's alloc_route (keepalived 2.2.7 vrrp_iproute.c) tracks while it reads one
 * static_routes / virtual_routes entry, shared by the route option, next-hop and encapsulation
 * readers.
 */
import type { Family } from '../../core/addr.js';
import type { EntryReader } from './entry-reader.js';

/** Encapsulation settings that outlive one `encap` word (keepalived keeps them in the route). */
export interface EncapState {
  dst: boolean;
  id: boolean;
}

export interface RouteDraft {
  family: 0 | Family;
  /** The destination as written (the last one when given twice), null until one is read. */
  dest: string | null;
  oif: boolean;
  dontTrack: boolean;
  protocol: number | null;
  trackGroup: string | null;
  /** Next hops from `or` (the old syntax); `nexthop` ones are read after the main loop. */
  orNexthops: number;
  doNexthop: boolean;
  readonly encap: EncapState;
}

export class RouteCtx {
  readonly d: RouteDraft = {
    family: 0, dest: null, oif: false, dontTrack: false, protocol: null, trackGroup: null, orNexthops: 0,
    doNexthop: false, encap: { dst: false, id: false },
  };
  /** Set by a handler that ends the main loop (keepalived's `break`) at this word index. */
  stopAt: number | null = null;

  constructor(
    readonly r: EntryReader,
    readonly isStatic: boolean,
  ) {}

  /** The route's family becomes `f`, or the route is dropped with `message` when it has another. */
  family(f: 0 | Family, i: number, message: string): void {
    if (this.d.family === 0) this.d.family = f;
    else if (this.d.family !== f) this.r.reject('conflict', message, i);
  }
}

export const MIXED = 'Cannot mix IPv4 and IPv6 addresses for route';
