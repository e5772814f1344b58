/**
 * A light reading of virtual_routes / static_routes entries (ip-route syntax; keepalived 2.2.7
 * vrrp_iproute.c alloc_route). Only what is cheap and matters for `-t` is checked: interfaces that
 * do not exist, deprecated `gw` / `or`, and virtual routes that cannot be tracked without `dev`.
 * Entries are kept raw in the model.
 */
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';

/** Route keywords followed by one value. */
const WITH_VALUE = new Set([
  'src', 'via', 'gw', 'or', 'from', 'table', 'metric', 'preference', 'priority', 'protocol', 'proto', 'scope', 'tos', 'dsfield',
  'realms', 'mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'initcwnd', 'initrwnd', 'features',
  'quickack', 'congctl', 'rto_min', 'pref', 'expires', 'as', 'weight', 'hoplimit', 'fastopen_no_cookie', 'ttl-propagate', 'track_group',
]);

export function checkRoute(e: ValueEntry, s: ParseState, tracked: boolean): void {
  const w = e.words.map((x) => x.text);
  let hasDev = false;
  let noTrack = false;
  let dest: string | null = null;
  for (let i = 0; i < w.length; i++) {
    const k = w[i]!;
    if (k === 'dev' || k === 'oif') {
      hasDev = true;
      const ifname = w[++i];
      if (ifname !== undefined && s.interfaces && !s.interfaces.has(ifname)) {
        s.sink.error('unknown-interface', `WARNING - interface ${ifname} for VROUTE nexthop doesn't exist`, e.at(i));
        s.missingInterface = true;
      }
    } else if (k === 'gw') {
      s.sink.error('deprecated', '"gw" for routes is deprecated. Please use "via"', e.at(i));
      i++;
    } else if (k === 'or') {
      s.sink.error('deprecated', '"or" for routes is deprecated. Please use "nexthop"', e.at(i));
      i++;
    } else if (k === 'no_track') noTrack = true;
    else if (WITH_VALUE.has(k)) i++;
    else if (dest === null && k !== 'to' && /^([0-9a-fA-F:.]+(\/[0-9]+)?|default)$/.test(k)) dest = k;
  }
  if (tracked && !noTrack && !hasDev && dest !== null) {
    s.sink.error('ignored', `Warning - cannot track route ${dest} with no interface specified, not tracking`, e.at(0), "add 'dev IFNAME' or 'no_track'");
  }
}
