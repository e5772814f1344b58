/**
 * static_routes / virtual_routes entries: ip-route syntax as keepalived 2.2.7 reads it
 * (keepalived/vrrp/vrrp_iproute.c alloc_route): `[TYPE] PREFIX` (or `to PREFIX`), `src`, `via`,
 * `dev`, metrics, `table`, `encap`, multipath `nexthop`s, the deprecated `gw` / `or`, `no_track`,
 * and (static routes only) `track_group`. An entry keepalived rejects is reported and left out of
 * the model; every message is keepalived's own.
 */
import { type EntryReader, readEntry } from './entry-reader.js';
import { RTPROT_KEEPALIVED, findRouteType } from './iproute-names.js';
import { MIXED, RouteCtx } from './ip-route-draft.js';
import { encap, nexthops } from './ip-route-nexthop.js';
import { ROUTE_OPTIONS, routeFrom, routeSrc, routeVia } from './ip-route-options.js';
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';

/** `or ADDR` (old syntax for a second next hop): the `via` address and ADDR become two next hops. */
function orNexthop(c: RouteCtx, i: number): number {
  c.r.error('deprecated', '"or" for routes is deprecated. Please use "nexthop"', i, "write 'nexthop via A nexthop via B'");
  if (c.d.orNexthops > 0) {
    c.r.error('duplicate', '"or" route already specified - ignoring subsequent', i);
    return i + 1;
  }
  c.d.orNexthops = 2;
  if (!c.r.address(i + 1, false)) c.r.reject('bad-address', `Invalid "or" address ${c.r.slot(i + 1)}`, i + 1);
  return i + 1;
}

function trackGroup(c: RouteCtx, i: number): number {
  const name = c.r.slot(i + 1);
  if (c.d.trackGroup !== null) {
    c.r.error('duplicate', `track_group ${name} is a duplicate`, i + 1);
    c.stopAt = i + 1;
  } else if (c.r.s.otherBlocks.some((b) => b.keyword === 'track_group' && b.name === name)) c.d.trackGroup = name;
  else c.r.error('not-found', `track_group ${name} not found`, i + 1);
  return i + 1;
}

/**
 * `vrf NAME` must name a VRF device of the host. COMPAT(keepalived): with the host's interfaces
 * known, tsvs checks that the device exists but cannot tell whether it is a VRF.
 */
function vrf(c: RouteCtx, i: number): number {
  const name = c.r.slot(i + 1);
  const ifs = c.r.s.interfaces;
  if (ifs !== null && !ifs.has(name)) c.r.reject('unknown-interface', `VRF ${name} not found for route`, i + 1);
  return i + 1;
}

/** Anything else is the destination: `[to] [TYPE] PREFIX`. */
function destination(c: RouteCtx, i: number): number {
  const k = c.r.w[i]!;
  let j = i;
  if (k === 'to') j++;
  // keepalived looks for the type in the first word, so `to blackhole X` takes `blackhole` as the prefix.
  if (findRouteType(k) !== null) j++;
  const dest = c.r.slot(j);
  const a = c.r.route(j);
  if (!a) c.r.reject('bad-value', `unknown route keyword ${dest}`, j);
  c.d.dest = dest;
  c.family(a.family, j, `${MIXED} (${dest})`);
  return j;
}

/** One word of the main loop at index i; returns the index of the last word it used. */
function routeWord(c: RouteCtx, i: number): number {
  const k = c.r.w[i]!;
  const option = ROUTE_OPTIONS[k];
  if (option) return option(c, i);
  switch (k) {
    case 'inet6':
    case 'inet':
      c.family(k === 'inet6' ? 6 : 4, i, k === 'inet6' ? 'inet6 specified for IPv4 route' : 'inet specified for IPv6 route');
      // keepalived 2.2.7 steps over the word after inet / inet6 as well (alloc_route increments twice).
      return i + 1;
    case 'src':
      return routeSrc(c, i);
    case 'via':
    case 'gw':
      return routeVia(c, i);
    case 'from':
      return routeFrom(c, i);
    case 'dev':
    case 'oif': {
      const t = c.r.slot(i + 1);
      if (!c.r.interfaceExists(t)) c.r.reject('unknown-interface', `WARNING - interface ${t} for VROUTE nexthop doesn't exist`, i + 1);
      c.d.oif = true;
      return i + 1;
    }
    case 'encap':
      return encap(c, i, c.d.encap);
    case 'or':
      return orNexthop(c, i);
    case 'nexthop':
      if (c.d.orNexthops > 0) c.r.error('conflict', 'Cannot specify nexthops with "or" route', i);
      else c.d.doNexthop = true;
      c.stopAt = i;
      return i;
    case 'vrf':
      return vrf(c, i);
    default:
      if (k === 'track_group' && c.isStatic) return trackGroup(c, i);
      return destination(c, i);
  }
}

/** The checks after the last word (the route is dropped when it has no destination). */
function finish(c: RouteCtx, r: EntryReader): void {
  const d = c.d;
  if (d.dest === null) r.reject('missing-required', 'Route must have a destination', 0);
  if (!d.dontTrack) {
    if (d.protocol !== null && d.protocol !== RTPROT_KEEPALIVED) {
      r.error('value-adjusted', `Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`, 0);
    }
    if (!d.oif) r.error('ignored', `Warning - cannot track route ${d.dest} with no interface specified, not tracking`, 0, "add 'dev IFNAME' or 'no_track'");
  }
  if (d.trackGroup !== null && !d.oif) r.error('ignored', 'Static route cannot have track group if no oif specified', 0);
}

/**
 * Parse one route entry. Returns its words when keepalived keeps the route, null when it drops it
 * (the reason is reported). `isStatic`: static_routes (where `track_group` is allowed).
 */
export function parseRoute(e: ValueEntry, s: ParseState, isStatic: boolean): string[] | null {
  return readEntry(e, s, (r) => {
    const c = new RouteCtx(r, isStatic);
    let i = 0;
    for (; i < r.size; i++) {
      const last = routeWord(c, i);
      if (c.stopAt !== null) {
        i = c.stopAt;
        break;
      }
      i = last;
    }
    if (c.d.doNexthop) nexthops(c, i);
    else if (i < r.size) r.reject('bad-value', `Route has trailing nonsense - ${r.w[i]}`, i);
    finish(c, r);
    return [...r.w];
  });
}
