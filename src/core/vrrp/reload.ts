/**
 * Reload (SIGHUP) matching, keepalived vrrp.c vrrp_exist / clear_diff_vrrp (keepalived.md
 * §4.11): an old and a new instance are the same when VRID, family, interface, unicast-ness and
 * then the unicast source or the multicast group agree; the name does not matter.
 */
import type { InstanceConfig, VipSpec } from './types.js';

export function identityKey(c: InstanceConfig): string {
  const unicast = c.unicastPeers.length > 0;
  return `${c.vrid}|${c.family}|${c.ifname}|${unicast ? `u:${c.srcIp ?? ''}` : `m:${c.mcastGroup}`}`;
}

/** For each new instance (by index), the index of the old instance it continues, or -1. */
export function matchInstances(old: readonly InstanceConfig[], next: readonly InstanceConfig[]): number[] {
  const taken = new Set<number>();
  return next.map((n) => {
    const key = identityKey(n);
    const i = old.findIndex((o, k) => !taken.has(k) && identityKey(o) === key);
    if (i >= 0) taken.add(i);
    return i;
  });
}

const vipKey = (v: VipSpec): string => `${v.address}/${v.prefix}@${v.dev}`;

/** VIPs (and eVIPs) to remove and to add when an instance's address lists change. */
export function vipDiff(old: readonly VipSpec[], next: readonly VipSpec[]): { readonly removed: VipSpec[]; readonly added: VipSpec[] } {
  const o = new Set(old.map(vipKey));
  const n = new Set(next.map(vipKey));
  return { removed: old.filter((v) => !n.has(vipKey(v))), added: next.filter((v) => !o.has(vipKey(v))) };
}
