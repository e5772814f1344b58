/**
 * Multipath next hops and lightweight-tunnel encapsulation of a route entry (keepalived 2.2.7
 * vrrp_iproute.c parse_nexthops, parse_encap, parse_encap_ip / ip6 / mpls / ila;
 * vrrp_ip_rule_route_parser.c parse_mpls_address, get_addr64). A mistake here is reported but,
 * unlike one in the route itself, does not drop the route: keepalived only stops reading next hops.
 */
import type { Family } from '../../core/addr.js';
import { findDsfield, findRealms } from './iproute-names.js';
import type { EncapState, RouteCtx } from './ip-route-draft.js';
import { readUnsigned64, strtoul } from './numbers.js';

/** Thrown to stop reading next hops after a reported mistake (parse_nexthops' `goto err`). */
class NexthopFailed extends Error {}

/** MPLS labels: up to two, `/`-separated, each a C number (base 0) of at most 20 bits. */
function isMplsAddress(text: string): boolean {
  let str = text.replace(/^[ \t\n\v\f\r]+/, '');
  for (let count = 0; count < 2; count++) {
    if (str[0] === '-' || /^[ \t\n\v\f\r]/.test(str)) return false;
    const r = strtoul(str, 0);
    if (r.end === 0 || r.value > 0xfffffn) return false;
    if (r.end === str.length) return true;
    if (str[r.end] !== '/') return false;
    str = str.slice(r.end + 1);
  }
  return false;
}

/** An ILA locator: four hexadecimal groups of at most 16 bits joined by ':'. */
function isAddr64(text: string): boolean {
  let cp = text.replace(/^[ \t\n\v\f\r]+/, '');
  for (let i = 0; i < 4; i++) {
    if (!/^[0-9a-fA-F]/.test(cp)) return false;
    const r = strtoul(cp, 16);
    if (r.value > 0xffffn || r.end === 0) return false;
    if (r.end === cp.length) return i === 3;
    if (i === 3 || cp[r.end] !== ':') return false;
    cp = cp.slice(r.end + 1);
  }
  return false;
}

interface EncapWords {
  readonly kind: 'ip' | 'ip6';
  readonly family: Family;
  readonly other: string;
}

/**
 * `ip` / `ip6` encapsulation: KEY VALUE pairs (id, dst, src, tos|tc, ttl|hoplimit, flags) until a
 * word that is not one of them; returns the index of that word. A destination or an id is needed.
 */
function encapIp(c: RouteCtx, start: number, state: EncapState, w: EncapWords): number {
  const r = c.r;
  const v6 = w.kind === 'ip6';
  let k = start;
  const fail = (message: string | null, at: number): number => {
    if (message !== null) r.error('bad-value', message, at);
    state.dst = false;
    return at;
  };
  for (; k + 1 < r.size; k += 2) {
    const key = r.w[k]!;
    const val = r.w[k + 1]!;
    if (key === 'id') {
      const v = readUnsigned64(val, 0n, (1n << 64n) - 1n);
      if (!v.ok) {
        r.error('invalid-number', v.message, k + 1);
        return fail(v6 ? `id ${val} value invalid for IPv6 encapsulation` : `encap id ${val} value is invalid`, k);
      }
      state.id = true;
    } else if (key === 'dst' || key === 'src') {
      const a = r.address(k + 1, false);
      if (!a) return fail(`Invalid encap ${w.kind} ${key} ${val}`, k);
      if (a.family !== w.family) return fail(`${w.other} address ${val} not valid for ${w.kind} encapsulation`, k);
      if (key === 'dst') state.dst = true;
    } else if (key === (v6 ? 'tc' : 'tos')) {
      if (findDsfield(val) === null) return fail(v6 ? `tc value ${key} is invalid for ip6 encapsulation` : `dsfield ${val} not valid for ip encapsulation`, k);
    } else if (key === (v6 ? 'hoplimit' : 'ttl')) {
      const msg = v6 ? `Invalid hoplimit ${val} specified for ip6 encapsulation` : `ttl ${val} is not valid for ip encapsulation`;
      if (r.getUnsigned(k + 1, 255, () => msg) === null) return fail(null, k);
    } else if (key === 'flags') {
      if (r.getUnsigned(k + 1, 65535, () => `flags ${val} is not valid for ${w.kind} encapsulation`) === null) return fail(null, k);
    } else break;
  }
  if (!state.dst && !state.id) {
    // Reported at the encapsulation type; keepalived reads on from where the pairs stopped.
    r.error('bad-value', `address or id missing for ${w.kind} encapsulation`, start - 1);
    return fail(null, k);
  }
  return k;
}

/** `mpls LABELS` / `ila LOCATOR`: one value; returns the index after it. */
function encapOne(c: RouteCtx, start: number, what: 'mpls' | 'ila'): number {
  const r = c.r;
  if (start >= r.size) {
    r.error('missing-required', what === 'mpls' ? 'missing address for MPLS encapsulation' : 'missing locator for ILA encapsulation', start);
    return start;
  }
  const t = r.w[start]!;
  if (what === 'mpls' ? !isMplsAddress(t) : !isAddr64(t)) {
    r.error('bad-value', what === 'mpls' ? `invalid mpls address ${t} for encapsulation` : `invalid locator ${t} for ila encapsulation`, start);
  }
  return start + 1;
}

/**
 * `encap TYPE ...` at index i; returns the index of the last word used (the caller moves on to
 * the next). Mistakes are reported; the route is kept.
 */
export function encap(c: RouteCtx, i: number, state: EncapState): number {
  const r = c.r;
  if (i + 1 >= r.size) {
    r.error('missing-required', 'Missing encap type', i);
    return i + 1;
  }
  const type = r.w[i + 1]!;
  const start = i + 2;
  let next: number;
  if (type === 'ip') next = encapIp(c, start, state, { kind: 'ip', family: 4, other: 'IPv6' });
  else if (type === 'ip6') next = encapIp(c, start, state, { kind: 'ip6', family: 6, other: 'IPv4' });
  else if (type === 'mpls' || type === 'ila') next = encapOne(c, start, type);
  else {
    r.error('bad-value', `Unknown encap type - ${type}`, i + 1);
    // keepalived then also steps over the word after the type.
    return start;
  }
  return next - 1;
}

/** One next hop's `via [inet|inet6] ADDR`; `family` is the inet/inet6 last named in any next hop. */
function nexthopVia(c: RouteCtx, i: number, family: { v: 0 | Family }): number {
  const r = c.r;
  const fail = (message: string, at: number): never => {
    r.error('bad-value', message, at);
    throw new NexthopFailed();
  };
  let j = i + 1;
  let t = r.slot(j);
  if (t === 'inet' || t === 'inet6') {
    family.v = t === 'inet' ? 4 : 6;
    t = r.slot(++j);
  }
  if (family.v !== 0) {
    if (c.d.family === 0) c.d.family = family.v;
    else if (c.d.family !== family.v) fail('IPv4/6 mismatch for nexthop', j);
  }
  const a = r.address(j, false);
  if (!a) return fail(`invalid nexthop address ${t}`, j);
  if (c.d.family !== 0 && a.family !== c.d.family) fail('Address family mismatch for next hop', j);
  if (c.d.family === 0) c.d.family = a.family;
  return j;
}

/** One next-hop option at index i; returns the index of its last word, or -1 for "not an option". */
function nexthopWord(c: RouteCtx, i: number, family: { v: 0 | Family }, state: EncapState): number {
  const r = c.r;
  const fail = (message: string, at: number): never => {
    r.error('bad-value', message, at);
    throw new NexthopFailed();
  };
  const k = r.w[i]!;
  if (k === 'via') return nexthopVia(c, i, family);
  if (k === 'dev') {
    const t = r.slot(i + 1);
    if (!r.interfaceExists(t)) {
      r.error('unknown-interface', `WARNING - interface ${t} for VROUTE nexthop doesn't exist`, i + 1);
      throw new NexthopFailed();
    }
    return i + 1;
  }
  if (k === 'weight') {
    const v = r.getUnsigned(i + 1, 256, (t) => `Invalid weight ${t} specified for route`);
    if (v === null) throw new NexthopFailed();
    if (v === 0) fail('Invalid weight 0 specified for route', i + 1);
    return i + 1;
  }
  if (k === 'onlink') return i;
  if (k === 'encap') return encap(c, i, state);
  if (k === 'realms') {
    const t = r.slot(i + 1);
    if (findRealms(t) === null) fail(`Invalid realms ${t} for route`, i + 1);
    if (c.d.family === 0) c.d.family = 4;
    else if (c.d.family !== 4) fail('realms are only supported for IPv4', i + 1);
    return i + 1;
  }
  if (k === 'as') {
    const j = r.slot(i + 1) === 'to' ? i + 2 : i + 1;
    fail("'as [to]' (nat) not supported", i);
    return j;
  }
  return -1;
}

/** `nexthop OPTIONS [nexthop OPTIONS ...]` from index i to the end of the entry. */
export function nexthops(c: RouteCtx, start: number): void {
  const r = c.r;
  const family = { v: 0 as 0 | Family };
  let i = start;
  try {
    while (i < r.size && r.w[i] === 'nexthop') {
      i++;
      const state: EncapState = { dst: false, id: false };
      for (; i < r.size; i++) {
        const last = nexthopWord(c, i, family, state);
        if (last < 0) break;
        i = last;
      }
    }
    if (i < r.size) r.error('bad-value', `Route has trailing nonsense after nexthops - ${r.w[i]}`, i);
  } catch (x) {
    if (!(x instanceof NexthopFailed)) throw x;
  }
}
