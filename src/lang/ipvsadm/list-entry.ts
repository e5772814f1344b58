/**
 * Pieces shared by the `-L` listing and the `-S` save format: the service identity text, the
 * scheduler-flag names, forwarding-method names and tunnel descriptions (ipvsadm.c
 * print_service_entry and helpers, ipvs.md §6.6, §6.9).
 */
import type { FwdMethod, TunnelCsum } from '../../core/model.js';
import { SVC_F } from '../../core/model.js';
import type { DestView, ServiceView } from '../../core/snapshot.js';
import { addrPort, protocolLabel, type Names } from './format-addr.js';

export const SCHED_FLAG_MASK = SVC_F.SCHED1 | SVC_F.SCHED2 | SVC_F.SCHED3;

/** IPv4 service identities are cut to 33 characters in listings, IPv4 destination names to 28. */
const SERVICE_NAME_MAX = 33;
const DEST_NAME_MAX = 28;

/**
 * Scheduler flags by name, comma separated: sh and mh have their own names for flag-1 and
 * flag-2 (and none for flag-3); other schedulers show flag-1..flag-3. Empty when none is set.
 */
export function schedFlagNames(scheduler: string, flags: number): string {
  const names: string[] = [];
  if (scheduler === 'sh' || scheduler === 'mh') {
    if (flags & SVC_F.SCHED1) names.push(`${scheduler}-fallback`);
    if (flags & SVC_F.SCHED2) names.push(`${scheduler}-port`);
  } else {
    if (flags & SVC_F.SCHED1) names.push('flag-1');
    if (flags & SVC_F.SCHED2) names.push('flag-2');
    if (flags & SVC_F.SCHED3) names.push('flag-3');
  }
  return names.join(',');
}

/** The endpoint text of a virtual service (not used for fwmark services). */
export function serviceAddrPort(svc: ServiceView, numeric: boolean, names?: Names): string {
  return addrPort(svc.family, svc.addr, svc.port, svc.protocol, numeric, names);
}

/** Listing identity column: `TCP  addr:port`, `FWM  <mark>` or `FWM  <mark> IPv6`. */
export function listServiceName(svc: ServiceView, numeric: boolean, names?: Names): string {
  if (svc.kind === 'fwmark') return svc.family === 6 ? `FWM  ${svc.fwmark} IPv6` : `FWM  ${svc.fwmark}`;
  const text = `${protocolLabel(svc.protocol).padEnd(4)} ${serviceAddrPort(svc, numeric, names)}`;
  return svc.family === 6 ? text : text.slice(0, SERVICE_NAME_MAX);
}

/** Listing name of a destination; ports are named with the service's protocol. */
export function listDestName(svc: ServiceView, d: DestView, numeric: boolean, names?: Names): string {
  const text = addrPort(d.family, d.addr, d.port, svc.protocol, numeric, names);
  return d.family === 6 ? text : text.slice(0, DEST_NAME_MAX);
}

/** Save identity: `-t|-u|--sctp-service addr:port`, `-f <mark>` or `-f <mark> -6`. */
export function ruleServiceName(svc: ServiceView, numeric: boolean, names?: Names): string {
  if (svc.kind === 'fwmark') return svc.family === 6 ? `-f ${svc.fwmark} -6` : `-f ${svc.fwmark}`;
  const opt = svc.protocol === 'tcp' ? '-t' : svc.protocol === 'udp' ? '-u' : '--sctp-service';
  return `${opt} ${serviceAddrPort(svc, numeric, names)}`;
}

/**
 * Forwarding-method column. The bypass method is never reported for a destination; ipvsadm
 * would hand printf a null string for it, which glibc prints as `(null)`.
 */
export function fwdName(fwd: FwdMethod): string {
  switch (fwd) {
    case 'nat':
      return 'Masq';
    case 'local':
      return 'Local';
    case 'tun':
      return 'Tunnel';
    case 'dr':
      return 'Route';
    case 'bypass':
      return '(null)';
  }
}

/** Save switch of a forwarding method: Local and Route both save as `-g`. */
export function fwdSwitch(fwd: FwdMethod): string {
  switch (fwd) {
    case 'nat':
      return '-m';
    case 'tun':
      return '-i';
    case 'local':
    case 'dr':
      return '-g';
    case 'bypass':
      return '(null)';
  }
}

const CSUM_SHORT: Readonly<Record<TunnelCsum, string>> = { nocsum: '-c', csum: '+c', remcsum: 'r+c' };
export const CSUM_OPTION: Readonly<Record<TunnelCsum, string>> = {
  nocsum: '--tun-nocsum',
  csum: '--tun-csum',
  remcsum: '--tun-remcsum',
};

/** `--tun-info` column: `ipip`, `gue:<port>:<-c|+c|r+c>`, `gre:<-c|+c|r+c>`, or `n/a` for non-tunnel destinations. */
export function tunnelInfo(d: DestView): string {
  if (d.fwd !== 'tun') return 'n/a';
  switch (d.tunType) {
    case 'ipip':
      return 'ipip';
    case 'gue':
      return `gue:${d.tunPort}:${CSUM_SHORT[d.tunFlags]}`;
    case 'gre':
      return `gre:${CSUM_SHORT[d.tunFlags]}`;
  }
}
