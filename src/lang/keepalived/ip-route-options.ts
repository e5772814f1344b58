/**
 * The route options that take a value and only check it (keepalived 2.2.7 vrrp_iproute.c
 * alloc_route, vrrp_ip_rule_route_parser.c get_u32 / get_u8 / get_time_rtt): metrics, `table`,
 * `protocol`, `scope`, `tos`, IPv6-only `expires` / `pref`, and the ones keepalived only warns about.
 * Each handler gets the index of its keyword and returns the index of the last word it used.
 */
import { findDsfield, findProtocol, findRealms, findScope, findTable } from './iproute-names.js';
import { type RouteCtx, MIXED } from './ip-route-draft.js';
import { readDecimal } from './numbers.js';

export type RouteOption = (c: RouteCtx, i: number) => number;

const UINT32_MAX = 4294967295;
/** The kernel's TCP_RTO_MIN / TCP_RTO_MAX, in milliseconds: rtt values are clamped to them. */
const RTT_MAX_MS = 120000;

/** `KEY [lock] N`: an unsigned number up to `max`; a bad one drops the route. */
function number(message: string, max = UINT32_MAX, lockable = false): RouteOption {
  return (c, i) => {
    let j = i + 1;
    if (lockable && c.r.slot(j) === 'lock') j++;
    if (c.r.getUnsigned(j, max, (t) => message.replace('%s', t)) === null) c.r.drop();
    return j;
  };
}

/**
 * get_time_rtt(): a time as a plain number (kernel units), or with `s` / `sec` / `secs` (seconds)
 * or `ms` / `msec` / `msecs` (milliseconds), read with read_decimal_unsigned (whose complaints
 * keepalived reports). False when the text is not a time.
 */
function isRttTime(c: RouteCtx, i: number, unit: number): boolean {
  const text = c.r.slot(i).replace(/^[ \t\n\v\f\r]+/, '');
  let p = text.search(/[sS]/);
  let body = text;
  let shift = 0;
  if (p >= 0) {
    if (!['s', 'sec', 'secs'].includes(text.slice(p).toLowerCase())) return false;
    if (p > 0 && text[p - 1]!.toLowerCase() === 'm') p--;
    else shift = 3;
    if (p === 0) return false;
    body = text.slice(0, p);
  }
  // The exponent form is only logged ("no longer supported"), not a configuration error.
  if (/[eE]/.test(body)) return false;
  // read_decimal_unsigned() reads nothing as 0 (and keepalived then raises it to the minimum).
  if (body === '') return true;
  const r = readDecimal(body, 0, RTT_MAX_MS * unit, shift);
  if (!r.ok) c.r.numberError(r, i);
  else if (r.message) c.r.error('invalid-number', r.message, i);
  return r.ok;
}

function rtt(unit: number, message: string): RouteOption {
  return (c, i) => {
    let j = i + 1;
    if (c.r.slot(j) === 'lock') j++;
    if (!isRttTime(c, j, unit)) c.r.reject('bad-value', message.replace('%s', c.r.slot(j)), j);
    return j;
  };
}

/** `KEY NAME|N` looked up in an iproute2 name table; unknown drops the route. */
function named(find: (t: string) => number | null, message: string, set?: (c: RouteCtx, v: number) => void): RouteOption {
  return (c, i) => {
    const t = c.r.slot(i + 1);
    const v = find(t);
    if (v === null) return c.r.reject('not-found', message.replace('%s', t), i + 1);
    set?.(c, v);
    return i + 1;
  };
}

/** IPv6-only options: the route becomes IPv6, or is dropped when it is IPv4 already. */
function ipv6Only(c: RouteCtx, i: number, what: string): void {
  if (c.d.family === 4) c.r.reject('conflict', `${what} is only valid for IPv6`, i);
  c.d.family = 6;
}

export const ROUTE_OPTIONS: Readonly<Record<string, RouteOption>> = {
  tos: named(findDsfield, 'TOS value %s is invalid'),
  dsfield: named(findDsfield, 'TOS value %s is invalid'),
  table: named(findTable, 'Routing table %s not found for route'),
  protocol: named(findProtocol, 'Protocol %s not found or invalid for route', (c, v) => (c.d.protocol = v)),
  scope: named(findScope, 'Scope %s not found or invalid for route'),
  metric: number('Invalid metric %s specified for route'),
  priority: number('Invalid metric %s specified for route'),
  preference: number('Invalid metric %s specified for route'),
  expires: (c, i) => {
    ipv6Only(c, i, 'expires');
    return number('Invalid expires time %s specified for route')(c, i);
  },
  mtu: number('Invalid MTU %s specified for route', UINT32_MAX, true),
  hoplimit: number('Invalid hoplimit %s specified for route', 255),
  advmss: number('Invalid advmss %s specified for route', UINT32_MAX, true),
  rtt: rtt(8, 'Invalid rtt %s for route'),
  rttvar: rtt(4, 'Invalid rttvar %s for route'),
  reordering: number('Invalid reordering value %s specified for route', UINT32_MAX, true),
  window: number('Invalid window value %s specified for route'),
  cwnd: number('Invalid cwnd value %s specified for route', UINT32_MAX, true),
  ssthresh: number('Invalid ssthresh value %s specified for route', UINT32_MAX, true),
  realms: (c, i) => {
    const t = c.r.slot(i + 1);
    if (findRealms(t) === null) c.r.reject('bad-value', `Invalid realms ${t} for route`, i + 1);
    if (c.d.family === 6) c.r.reject('conflict', 'realms are only valid for IPv4', i);
    c.d.family = 4;
    return i + 1;
  },
  rto_min: rtt(1, 'Invalid rto_min value %s specified for route'),
  initcwnd: number('Invalid initcwnd value %s specified for route'),
  initrwnd: number('Invalid initrwnd value %s specified for route'),
  features: (c, i) => {
    const t = c.r.slot(i + 1);
    if (t !== 'ecn') c.r.error('bad-value', `feature ${t} not supported`, i + 1);
    return i + 1;
  },
  quickack: number('Invalid quickack value %s specified for route', 1),
  congctl: (c, i) => {
    let j = i + 1;
    if (c.r.slot(j) === 'lock') j++;
    c.r.slot(j);
    return j;
  },
  pref: (c, i) => {
    ipv6Only(c, i, 'pref');
    const t = c.r.slot(i + 1);
    if (t !== 'low' && t !== 'medium' && t !== 'high' && c.r.getUnsigned(i + 1, 255, (x) => `Invalid pref value ${x} specified for route`) === null) c.r.drop();
    return i + 1;
  },
  'ttl-propagate': (c, i) => {
    const t = c.r.slot(i + 1);
    if (t !== 'enabled' && t !== 'disabled') c.r.error('bad-value', `ttl-propagate value ${t} not recognised`, i + 1);
    return i + 1;
  },
  fastopen_no_cookie: number('Invalid fastopen_no_cookie value %s specified for route', 1),
  onlink: (_c, i) => i,
  add: (_c, i) => i,
  prepend: (_c, i) => i,
  append: (_c, i) => i,
  no_track: (c, i) => ((c.d.dontTrack = true), i),
  as: (c, i) => {
    const j = c.r.slot(i + 1) === 'to' ? i + 2 : i + 1;
    c.r.error('bad-value', '"as to" for MPLS only - ignoring', i);
    return j;
  },
};

/** `src ADDR`: the preferred source address (no prefix allowed). */
export function routeSrc(c: RouteCtx, i: number): number {
  const a = c.r.address(i + 1, false);
  if (!a) c.r.reject('bad-address', `invalid route src address ${c.r.slot(i + 1)}`, i + 1);
  c.family(a.family, i + 1, MIXED);
  return i + 1;
}

/** `from PREFIX`: source-specific routes exist only for IPv6. */
export function routeFrom(c: RouteCtx, i: number): number {
  const t = c.r.slot(i + 1);
  const a = c.r.route(i + 1);
  if (!a) c.r.reject('bad-address', `invalid route from address ${t}`, i + 1);
  if (a.family !== 6) c.r.reject('conflict', `route from address only supported with IPv6 (${t})`, i + 1);
  c.family(a.family, i + 1, MIXED);
  return i + 1;
}

/** `via [inet|inet6] ADDR` (and the deprecated `gw`). */
export function routeVia(c: RouteCtx, i: number): number {
  if (c.r.w[i] === 'gw') c.r.error('deprecated', '"gw" for routes is deprecated. Please use "via"', i, "write 'via'");
  let j = i + 1;
  let t = c.r.slot(j);
  let family = c.d.family;
  if (t === 'inet' || t === 'inet6') {
    family = t === 'inet' ? 4 : 6;
    t = c.r.slot(++j);
  }
  c.family(family, j, MIXED);
  const a = c.r.address(j, false);
  if (!a) c.r.reject('bad-address', `invalid route via address ${t}`, j);
  c.family(a.family, j, MIXED);
  return j;
}
