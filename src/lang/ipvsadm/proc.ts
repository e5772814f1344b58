/**
 * The kernel's /proc text views of IPVS, rebuilt from snapshots: /proc/net/ip_vs (hex service
 * table), /proc/net/ip_vs_conn (connection entries) and /proc/net/ip_vs_stats (global counters
 * and rates). Formats: ip_vs_ctl.c ip_vs_info_seq_show / ip_vs_stats_show, ip_vs_conn.c
 * ip_vs_conn_seq_show (ipvs.md §7.3, §9.9).
 */
import { ipFamily, type Family } from '../../core/addr.js';
import { SVC_F, type FwdMethod } from '../../core/model.js';
import type { ConnView, DestView, IpvsSnapshot, ServiceView } from '../../core/snapshot.js';
import type { RateSnapshot, StatsSnapshot } from '../../core/stats.js';
import { addrWords, protocolLabel } from './format-addr.js';
import { u64 } from './format-number.js';
import { expirySeconds } from './list-conns.js';
import { IPVS_VERSION } from './list.js';
import { kernelServiceOrder } from './list-sort.js';

/** Jiffies per second assumed for /proc/net/ip_vs persistence timeouts (CONFIG_HZ; 250 on many distributions). */
export const DEFAULT_HZ = 1000;

/** `%0<width>X` of an unsigned value. */
function hex(n: number, width: number): string {
  return (Number.isSafeInteger(n) ? n.toString(16) : BigInt(Math.trunc(n)).toString(16)).toUpperCase().padStart(width, '0');
}

/** `%<width>X` (space padded). */
function hexCell(n: number, width: number): string {
  return (Number.isSafeInteger(n) ? n.toString(16) : BigInt(Math.trunc(n)).toString(16)).toUpperCase().padStart(width);
}

/** `%pI6`: eight zero-padded, lower-case groups, never compressed. */
export function fullIPv6(words: readonly number[]): string {
  const groups: string[] = [];
  for (const w of words) groups.push(((w >>> 16) & 0xffff).toString(16).padStart(4, '0'), (w & 0xffff).toString(16).padStart(4, '0'));
  return groups.join(':');
}

/** An address as /proc prints it: `%08X` for IPv4, `%pI6` for IPv6. */
export function procAddr(addr: string, family: Family): string {
  const words = addrWords(addr, family);
  return family === 4 ? hex(words[0]!, 8) : fullIPv6(words);
}

/** ntohl on a little-endian host: the byte-swapped 32-bit value. */
function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}

/** ip_vs_fwd_name: anything that is not Local, Tunnel or Route (bypass included) shows as Masq. */
function procFwdName(fwd: FwdMethod): string {
  return fwd === 'local' ? 'Local' : fwd === 'tun' ? 'Tunnel' : fwd === 'dr' ? 'Route' : 'Masq';
}

/**
 * /proc/net/ip_vs. Services in the kernel's table order (address services, then fwmark ones),
 * destinations newest first. The persistence timeout is in jiffies (`hz` per second); an IPv6
 * service's prefix length goes through ntohl as if it were a mask (x86 byte order assumed).
 */
export function formatProcIpvs(snapshot: IpvsSnapshot, hz: number = DEFAULT_HZ): string {
  let text = `IP Virtual Server version ${IPVS_VERSION} (size=${snapshot.connTabSize})\n`;
  text += 'Prot LocalAddress:Port Scheduler Flags\n';
  text += '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
  for (const svc of kernelServiceOrder(snapshot.services)) {
    text += procServiceLine(svc, hz);
    for (const d of svc.dests) text += procDestLine(d);
  }
  return text;
}

function procServiceLine(svc: ServiceView, hz: number): string {
  const ops = svc.flags & SVC_F.ONEPACKET ? 'ops ' : '';
  let text: string;
  if (svc.kind === 'fwmark') text = `FWM  ${hex(svc.fwmark, 8)} ${svc.scheduler} ${ops}`;
  // The IPv6 form has no place for the OPS marker.
  else if (svc.family === 6) text = `${protocolLabel(svc.protocol)}  [${procAddr(svc.addr, 6)}]:${hex(svc.port, 4)} ${svc.scheduler} `;
  else text = `${protocolLabel(svc.protocol)}  ${procAddr(svc.addr, 4)}:${hex(svc.port, 4)} ${svc.scheduler} ${ops} `;
  if (!(svc.flags & SVC_F.PERSISTENT)) return `${text}\n`;
  const mask = svc.family === 4 ? svc.netmask >>> 0 : bswap32(svc.netmask);
  return `${text}persistent ${svc.timeout * hz} ${hex(mask, 8)}\n`;
}

function procDestLine(d: DestView): string {
  const addr = d.family === 6 ? `[${procAddr(d.addr, 6)}]` : procAddr(d.addr, 4);
  const cols = `${procFwdName(d.fwd).padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${String(d.inactConns).padEnd(10)}`;
  return `  -> ${addr}:${hex(d.port, 4)}      ${cols}\n`;
}

/** /proc/net/ip_vs_conn: entries in the order given (the connection table's order). */
export function formatProcConns(conns: readonly ConnView[]): string {
  let text = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';
  for (const c of conns) {
    const pe = c.pe !== '' ? ` ${c.pe} ${c.peData}` : '';
    text +=
      `${c.protocol.padEnd(3)} ${procAddr(c.caddr, c.family)} ${hex(c.cport, 4)} ${procAddr(c.vaddr, c.family)} ${hex(c.vport, 4)}` +
      ` ${procAddr(c.daddr, ipFamily(c.daddr))} ${hex(c.dport, 4)} ${c.state.padEnd(11)} ${u64(expirySeconds(c)).padStart(7)}${pe}\n`;
  }
  return text;
}

/** /proc/net/ip_vs_stats: totals and rates in upper-case hex. */
export function formatProcStats(totals: StatsSnapshot, rates: RateSnapshot): string {
  return (
    '   Total Incoming Outgoing         Incoming         Outgoing\n' +
    '   Conns  Packets  Packets            Bytes            Bytes\n' +
    `${hexCell(totals.conns, 8)} ${hexCell(totals.inpkts, 8)} ${hexCell(totals.outpkts, 8)} ${hexCell(totals.inbytes, 16)} ${hexCell(totals.outbytes, 16)}\n\n` +
    ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n' +
    `${hexCell(rates.cps, 8)} ${hexCell(rates.inpps, 8)} ${hexCell(rates.outpps, 8)} ${hexCell(rates.inbps, 16)} ${hexCell(rates.outbps, 16)}\n`
  );
}

