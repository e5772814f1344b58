/**
 * Receive validation of an advert for one instance, in keepalived 2.2.7's order (vrrp.c
 * vrrp_check_packet; keepalived.md §4.4): the first failing check decides, bumps its counter and
 * gives the line keepalived logs. `ko` means rejected, `drop` not relevant (v2 interval mismatch);
 * both are ignored by the caller alike: the down timer is not reset.
 */
import { compareAddr } from '../../wire/vrrp-addr.js';
import { decodeVrrp, vrrpChecksumResidue, vrrpMessageLength, VRRP_AUTH_LENGTH, VRRP_TYPE_ADVERT } from '../../wire/vrrp.js';
import { VRRP_TTL } from '../../wire/vrrp-ip.js';
import type { AdvertView } from './received.js';
import { TIMER_HZ } from './timers.js';
import type { InstanceConfig, InstanceCounters } from './types.js';

export type RejectReason =
  | 'length' | 'ttl' | 'version' | 'invalid-authtype' | 'authtype-mismatch' | 'auth-failure' | 'interval' | 'type'
  | 'count' | 'ip-length' | 'checksum' | 'cast' | 'vip-missing' | 'unicast-src' | 'ttl-range';

export type CheckResult =
  | { readonly verdict: 'ok'; readonly addresses: readonly string[]; readonly notes: readonly string[] }
  | { readonly verdict: 'ko' | 'drop'; readonly reason: RejectReason; readonly message: string; readonly notes: readonly string[] };

/** What the checks read from and write to the instance. */
export interface CheckTarget {
  readonly cfg: InstanceConfig;
  readonly counters: InstanceCounters;
  /** Auto-detected old-style unicast v3 checksums (pseudo-header with the multicast group). */
  unicastChecksumCompat: boolean;
}

type Step = (t: CheckTarget, v: AdvertView, notes: string[]) => CheckResult | null;

const ko = (reason: RejectReason, message: string, notes: readonly string[] = []): CheckResult => ({ verdict: 'ko', reason, message, notes });

function expectedLength(v: AdvertView): number {
  return v.vrrpOffset + vrrpMessageLength(v.header.version, v.header.count, v.packet.family);
}

const unicast = (t: CheckTarget): boolean => t.cfg.unicastPeers.length > 0;

const checkLength: Step = (t, v) => {
  const len = v.packet.bytes.length;
  const want = expectedLength(v);
  if (len === want) return null;
  t.counters.packet_len_err++;
  return ko('length', `(${t.cfg.name}) vrrp packet too ${len > want ? 'long' : 'short'}, length ${len} and expect ${want}`);
};

const checkTtl: Step = (t, v) => {
  const ttl = v.packet.ttl;
  if (unicast(t) || ttl === -1 || ttl === VRRP_TTL) return null;
  t.counters.ip_ttl_err++;
  return ko('ttl', `(${t.cfg.name}) invalid TTL/HL. Received ${ttl} and expect ${VRRP_TTL}`);
};

const checkVersion: Step = (t, v) => {
  if (v.header.version === t.cfg.version) return null;
  t.counters.vers_err++;
  return ko('version', `(${t.cfg.name}) wrong version. Received ${v.header.version} and expect ${t.cfg.version}`);
};

function passwordMatches(t: CheckTarget, v: AdvertView): boolean {
  // keepalived reads the password at the end of the IP datagram as tot_len announces it.
  const end = v.ip ? v.ip.totalLength : v.packet.bytes.length;
  const at = end - VRRP_AUTH_LENGTH;
  const want = t.cfg.authData ?? new Uint8Array(VRRP_AUTH_LENGTH);
  if (at < 0 || end > v.packet.bytes.length) return false;
  let diff = 0;
  for (let i = 0; i < VRRP_AUTH_LENGTH; i++) diff |= v.packet.bytes[at + i]! ^ (want[i] ?? 0);
  return diff === 0;
}

const checkV2Auth: Step = (t, v) => {
  if (t.cfg.version !== 2) return null;
  const got = v.header.authType;
  if (got > 2) {
    t.counters.invalid_authtype++;
    return ko('invalid-authtype', `(${t.cfg.name}) Invalid auth type: ${got}`);
  }
  if (got !== t.cfg.authType) {
    t.counters.authtype_mismatch++;
    return ko('authtype-mismatch', `(${t.cfg.name}) received a ${got} auth, expecting ${t.cfg.authType}!`);
  }
  if (t.cfg.authType === 1 && !passwordMatches(t, v)) {
    t.counters.auth_failure++;
    return ko('auth-failure', `(${t.cfg.name}) received an invalid passwd!`);
  }
  if (t.cfg.advertIntUs !== v.header.interval * TIMER_HZ) {
    // COMPAT(keepalived): 2.2.7 never increments advert_interval_err; tsvs counts the drop there.
    t.counters.advert_interval_err++;
    const mine = Math.floor(t.cfg.advertIntUs / TIMER_HZ);
    return { verdict: 'drop', reason: 'interval', message: `(${t.cfg.name}) advertisement interval mismatch mine=${mine} sec rcv'd=${v.header.interval} sec`, notes: [] };
  }
  return null;
};

const checkType: Step = (t, v) => {
  const type = v.header.type;
  if (type === VRRP_TYPE_ADVERT) return null;
  t.counters.invalid_type_rcvd++;
  return ko('type', `(${t.cfg.name}) Invalid packet type. ${type} and expect ${VRRP_TYPE_ADVERT}`);
};

const checkIpLength: Step = (t, v) => {
  if (!v.ip || v.ip.totalLength === v.packet.bytes.length) return null;
  t.counters.packet_len_err++;
  return ko('ip-length', `(${t.cfg.name}) ip_tot_len mismatch against received length. ${v.ip.totalLength} and received ${v.packet.bytes.length}`);
};

/** IPv4 only: the kernel verifies IPv6 checksums (IPV6_CHECKSUM). */
const checkChecksum: Step = (t, v, notes) => {
  if (!v.ip) return null;
  const len = v.packet.bytes.length - v.vrrpOffset;
  const residue = (dst: string | null): number =>
    vrrpChecksumResidue(v.packet.bytes, v.vrrpOffset, len, 4, dst === null ? null : { src: v.ip!.src, dst });
  if (t.cfg.version === 2) {
    if (residue(null) === 0) return null;
  } else {
    const group = t.cfg.mcastGroup;
    if (residue(t.unicastChecksumCompat || t.cfg.oldUnicastChecksum ? group : v.ip.dst) === 0) return null;
    if (unicast(t) && !t.cfg.oldUnicastChecksum && !t.unicastChecksumCompat && v.ip.dst !== group && residue(group) === 0) {
      t.unicastChecksumCompat = true;
      notes.push(`(${t.cfg.name}) Setting unicast VRRPv3 checksum to old version`);
      return null;
    }
  }
  t.counters.chk_err++;
  return ko('checksum', `(${t.cfg.name}) Invalid VRRPv${t.cfg.version} checksum`);
};

const checkCast: Step = (t, v) => {
  if (v.multicast !== unicast(t)) return null;
  t.counters.addr_list_err++;
  const [want, got] = unicast(t) ? ['un', 'mult'] : ['mult', 'un'];
  return ko('cast', `(${t.cfg.name}) Expected ${want}icast packet but received ${got}icast packet`);
};

const STEPS: readonly Step[] = [checkLength, checkTtl, checkVersion, checkV2Auth, checkType];
const AFTER_COUNT: readonly Step[] = [checkIpLength, checkChecksum, checkCast];

function checkAddresses(t: CheckTarget, v: AdvertView, addresses: readonly string[], notes: string[]): CheckResult | null {
  const family = t.cfg.family;
  for (const vip of t.cfg.vips) {
    if (!addresses.some((a) => compareAddr(a, vip.address, family) === 0)) {
      t.counters.addr_list_err++;
      return ko('vip-missing', `(${t.cfg.name}) ip address associated with VRID ${t.cfg.vrid} not present in MASTER advert: ${vip.address}`, notes);
    }
  }
  if (!unicast(t) || !t.cfg.checkUnicastSrc) return null;
  const peer = t.cfg.unicastPeers.find((p) => compareAddr(p.address, v.packet.src, family) === 0);
  if (!peer) return ko('unicast-src', `(${t.cfg.name}) unicast source address ${v.packet.src} not a unicast peer`, notes);
  const ttl = v.packet.ttl;
  if (ttl !== -1 && (ttl < peer.minTtl || ttl > peer.maxTtl)) {
    t.counters.ip_ttl_err++;
    return ko('ttl-range', `(${t.cfg.name}) TTL/HL ${ttl} not in range ${peer.minTtl} - ${peer.maxTtl}`, notes);
  }
  return null;
}

/** vrrp_check_packet(): `checkVips` false skips the VIP-list checks (skip_check_adv_addr, same master). */
export function checkAdvert(t: CheckTarget, v: AdvertView, checkVips: boolean): CheckResult {
  const notes: string[] = [];
  for (const step of STEPS) {
    const r = step(t, v, notes);
    if (r) return r;
  }
  if (checkVips && v.header.count !== t.cfg.vips.length) {
    t.counters.addr_list_err++;
    return ko('count', `(${t.cfg.name}) received an unexpected ip number count ${v.header.count}, expected ${t.cfg.vips.length}!`);
  }
  for (const step of AFTER_COUNT) {
    const r = step(t, v, notes);
    if (r) return { ...r, notes };
  }
  t.counters.advert_rcvd++;
  const decoded = decodeVrrp(v.packet.bytes, v.vrrpOffset, v.packet.bytes.length - v.vrrpOffset, v.packet.family);
  const addresses = decoded.ok ? decoded.value.addresses : [];
  if (checkVips) {
    const r = checkAddresses(t, v, addresses, notes);
    if (r) return r;
  }
  if (v.header.priority === 0) t.counters.pri_zero_rcvd++;
  return { verdict: 'ok', addresses, notes };
}
