/**
 * The link-layer announcements a new VRRP master sends for its VIPs (keepalived.md §4.1, §4.5):
 * - gratuitous ARP: Ethernet broadcast, ARP request, sender = target = VIP, target MAC all ones;
 * - unsolicited Neighbour Advertisement: to ff02::1 (33:33:00:00:00:01) from the VIP, hop limit
 *   255, Override set, Router set when the host forwards IPv6, target link-layer address option.
 * Frames are complete Ethernet frames for an AF_PACKET socket.
 */
import { finishChecksum, onesSum, wordsSum } from './checksum.js';
import { readAddr, writeAddr } from './vrrp-addr.js';
import type { Decoded } from './vrrp.js';

export const ETH_HEADER_LENGTH = 14;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const GARP_FRAME_LENGTH = ETH_HEADER_LENGTH + 28;
/** Ethernet + IPv6 header + NA (24) + target link-layer option (8). */
export const NA_FRAME_LENGTH = ETH_HEADER_LENGTH + 40 + 32;
const ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20;

const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const ALL_NODES_MAC = [0x33, 0x33, 0, 0, 0, 1];

function ethernet(buf: Uint8Array, dst: ArrayLike<number>, src: Uint8Array, type: number): void {
  buf.set(dst, 0);
  buf.set(src.subarray(0, 6), 6);
  buf[12] = type >>> 8;
  buf[13] = type & 0xff;
}

/** A gratuitous ARP frame (42 bytes) announcing `vip` at `mac`. */
export function encodeGratuitousArp(mac: Uint8Array, vip: string): Uint8Array {
  const f = new Uint8Array(GARP_FRAME_LENGTH);
  ethernet(f, BROADCAST, mac, ETHERTYPE_ARP);
  f.set([0, 1, 0x08, 0x00, 6, 4, 0, 1], 14); // Ethernet/IPv4, request
  f.set(mac.subarray(0, 6), 22);
  if (!writeAddr(vip, 4, f, 28) || !writeAddr(vip, 4, f, 38)) throw new TypeError(`not IPv4: ${vip}`);
  f.set(BROADCAST, 32);
  return f;
}

export interface ArpMessage {
  readonly op: number;
  readonly senderMac: Uint8Array;
  readonly senderIp: string;
  readonly targetMac: Uint8Array;
  readonly targetIp: string;
}

/** Decode the ARP body of an Ethernet frame (Ethernet/IPv4 ARP only). */
export function decodeArpFrame(f: Uint8Array): Decoded<ArpMessage> {
  if (f.length < GARP_FRAME_LENGTH) return { ok: false, reason: 'short' };
  if (((f[12]! << 8) | f[13]!) !== ETHERTYPE_ARP) return { ok: false, reason: 'not-arp' };
  if (f[14] !== 0 || f[15] !== 1 || f[16] !== 0x08 || f[17] !== 0 || f[18] !== 6 || f[19] !== 4) return { ok: false, reason: 'not-ethernet-ipv4' };
  return {
    ok: true,
    bytes: GARP_FRAME_LENGTH,
    value: {
      op: (f[20]! << 8) | f[21]!,
      senderMac: f.slice(22, 28),
      senderIp: readAddr(f, 28, 4),
      targetMac: f.slice(32, 38),
      targetIp: readAddr(f, 38, 4),
    },
  };
}

/** An unsolicited Neighbour Advertisement frame (86 bytes) for `vip` at `mac`. */
export function encodeUnsolicitedNa(mac: Uint8Array, vip: string, router: boolean): Uint8Array {
  const f = new Uint8Array(NA_FRAME_LENGTH);
  ethernet(f, ALL_NODES_MAC, mac, ETHERTYPE_IPV6);
  const ip = ETH_HEADER_LENGTH;
  f[ip] = 0x60;
  f[ip + 4] = 0;
  f[ip + 5] = 32; // payload length
  f[ip + 6] = ICMPV6;
  f[ip + 7] = 255;
  if (!writeAddr(vip, 6, f, ip + 8) || !writeAddr('ff02::1', 6, f, ip + 24)) throw new TypeError(`not IPv6: ${vip}`);
  const icmp = ip + 40;
  f[icmp] = ND_NEIGHBOR_ADVERT;
  f[icmp + 4] = NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0);
  f.set(f.subarray(ip + 8, ip + 24), icmp + 8); // target = the VIP
  f[icmp + 24] = 2; // target link-layer address option, 1 × 8 bytes
  f[icmp + 25] = 1;
  f.set(mac.subarray(0, 6), icmp + 26);
  // ICMPv6 checksum over the IPv6 pseudo-header (src, dst, length, next header) and the message.
  const acc = wordsSum([0, 32, ICMPV6], onesSum(f, ip + 8, 32));
  const sum = finishChecksum(onesSum(f, icmp, 32, acc));
  f[icmp + 2] = sum >>> 8;
  f[icmp + 3] = sum & 0xff;
  return f;
}
