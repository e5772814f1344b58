/**
 * One frame seen by the forwarding path: offsets of its headers and the facts the decision needs,
 * filled in place (no allocation per packet). Malformed frames give a drop reason instead.
 */
import { ETHERTYPE } from '../../wire/ethernet.js';
import { internetChecksum } from '../../wire/checksum.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { ipv6UpperLayer, type Ipv6Upper } from '../../wire/ipv6.js';

/** Why a frame was dropped before any decision: it cannot be what it claims to be. */
export const MALFORMED_REASONS = [
  'short-ethernet',
  'short-ipv4',
  'bad-ihl',
  'bad-total-length',
  'truncated-ipv4',
  'bad-ip-checksum',
  'short-ipv6',
  'truncated-ipv6',
  'bad-ipv6-extension',
  'short-l4',
  'bad-tcp-offset',
  'bad-udp-length',
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export class FrameView {
  buf: Uint8Array = new Uint8Array(0);
  /** Bytes of the frame in `buf` (from 0). */
  length = 0;
  /** Offset of the EtherType field (12, or 16 behind an 802.1Q tag). */
  etherTypeAt = 12;
  etherType = 0;
  /** Offset of the IP header and one past the IP packet (trailing Ethernet padding excluded). */
  l3 = 0;
  l3End = 0;
  family: 4 | 6 = 4;
  protocol = 0;
  /** Offset of the transport header; -1 for a non-first fragment. */
  l4 = -1;
  /** A fragment of any kind, and whether it is the first (which holds the ports). */
  fragment = false;
  firstFragment = false;
  private readonly up: Ipv6Upper = { protocol: 0, offset: 0, fragmentOffset: -1, moreFragments: false, fragmentId: 0 };
  /** Identification of a fragment (IPv4 header or IPv6 fragment header). */
  fragmentId = 0;

  /** Byte offsets of source and destination address (4 or 16 bytes). */
  get srcAt(): number {
    return this.family === 4 ? this.l3 + 12 : this.l3 + 8;
  }
  get dstAt(): number {
    return this.family === 4 ? this.l3 + 16 : this.l3 + 24;
  }
  get ipLength(): number {
    return this.l3End - this.l3;
  }

  /**
   * Read a frame. Returns null when it is well formed as far as forwarding looks (non-IP frames
   * are well formed: `etherType` says what they are), else the reason to drop it.
   */
  parse(buf: Uint8Array, length: number): MalformedReason | null {
    this.buf = buf;
    this.length = length;
    this.l4 = -1;
    this.fragment = false;
    this.firstFragment = false;
    this.protocol = 0;
    if (length < 14) return 'short-ethernet';
    let at = 12;
    let et = (buf[12]! << 8) | buf[13]!;
    if (et === ETHERTYPE.VLAN) {
      if (length < 18) return 'short-ethernet';
      at = 16;
      et = (buf[16]! << 8) | buf[17]!;
    }
    this.etherTypeAt = at;
    this.etherType = et;
    this.l3 = at + 2;
    if (et === ETHERTYPE.IPV4) return this.parse4();
    if (et === ETHERTYPE.IPV6) return this.parse6();
    return null;
  }

  private parse4(): MalformedReason | null {
    const b = this.buf;
    const o = this.l3;
    const avail = this.length - o;
    if (avail < 20) return 'short-ipv4';
    const hl = (b[o]! & 0x0f) << 2;
    if (b[o]! >>> 4 !== 4 || hl < 20) return 'bad-ihl';
    const total = (b[o + 2]! << 8) | b[o + 3]!;
    if (total < hl) return 'bad-total-length';
    if (total > avail) return 'truncated-ipv4';
    if (internetChecksum(b, o, hl) !== 0) return 'bad-ip-checksum';
    this.family = 4;
    this.l3End = o + total;
    this.protocol = b[o + 9]!;
    const frag = (b[o + 6]! << 8) | b[o + 7]!;
    const offset = frag & 0x1fff;
    this.fragment = (frag & 0x2000) !== 0 || offset !== 0;
    this.firstFragment = this.fragment && offset === 0;
    this.fragmentId = (b[o + 4]! << 8) | b[o + 5]!;
    if (offset !== 0) return null;
    this.l4 = o + hl;
    return this.checkL4();
  }

  private parse6(): MalformedReason | null {
    const b = this.buf;
    const o = this.l3;
    const avail = this.length - o;
    if (avail < 40) return 'short-ipv6';
    if (b[o]! >>> 4 !== 6) return 'short-ipv6';
    const total = 40 + ((b[o + 4]! << 8) | b[o + 5]!);
    if (total > avail) return 'truncated-ipv6';
    this.family = 6;
    this.l3End = o + total;
    const up = this.up;
    if (!ipv6UpperLayer(b, o, this.l3End, up)) return 'bad-ipv6-extension';
    this.protocol = up.protocol;
    this.fragment = up.fragmentOffset >= 0;
    this.firstFragment = this.fragment && up.fragmentOffset === 0;
    this.fragmentId = up.fragmentId;
    if (up.fragmentOffset > 0) return null;
    this.l4 = up.offset;
    return this.checkL4();
  }

  /** The transport header must be whole for TCP and UDP (ports, flags, checksum are rewritten). */
  private checkL4(): MalformedReason | null {
    const b = this.buf;
    const o = this.l4;
    const avail = this.l3End - o;
    switch (this.protocol) {
      case IP_PROTO.TCP: {
        if (avail < 20) return this.firstFragment ? null : 'short-l4';
        const hl = (b[o + 12]! >>> 4) << 2;
        if (hl < 20) return 'bad-tcp-offset';
        return hl > avail && !this.firstFragment ? 'short-l4' : null;
      }
      case IP_PROTO.UDP: {
        if (avail < 8) return this.firstFragment ? null : 'short-l4';
        const len = (b[o + 4]! << 8) | b[o + 5]!;
        // A fragmented datagram's UDP length covers all its fragments.
        return !this.fragment && (len < 8 || len > avail) ? 'bad-udp-length' : null;
      }
      case IP_PROTO.ICMP:
      case IP_PROTO.ICMPV6:
        return avail < 8 && !this.fragment ? 'short-l4' : null;
      default:
        return null;
    }
  }

  /** Ports are readable: TCP/UDP/SCTP with at least 4 bytes of transport header here. */
  hasPorts(): boolean {
    return this.l4 >= 0 && this.l3End - this.l4 >= 4;
  }
}
