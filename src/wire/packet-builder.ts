/**
 * A small builder of frames for fixtures and benchmarks: layers are listed outermost first and
 * written innermost first, so lengths, EtherTypes, protocol numbers and checksums (with the
 * pseudo-header of the enclosing IP header) come out right without being spelled out.
 *
 *   new PacketBuilder().eth({ src, dst }).ipv4({ src: '10.0.0.1', dst: '10.0.0.100' })
 *     .tcp({ sport: 40000, dport: 80, flags: 'S' }).payload('hello').build()
 */
import { encodeArp, type ArpPacket } from './arp.js';
import { internetChecksum } from './checksum.js';
import { encodeEthernet, ETHERTYPE } from './ethernet.js';
import { encodeIcmp } from './icmp.js';
import { encodeIpv4, IP_PROTO, ipv4Length } from './ipv4.js';
import { encodeIpv6, IPV6_HEADER_LENGTH } from './ipv6.js';
import { encodeTcp, encodeUdp, tcpLength, transportChecksum, UDP_HEADER_LENGTH } from './transport.js';
import { put16 } from './bytes.js';

export interface EthSpec {
  readonly src: string;
  readonly dst: string;
  readonly vlanTci?: number;
}

export interface Ipv4Spec {
  readonly src: string;
  readonly dst: string;
  readonly ttl?: number;
  readonly tos?: number;
  readonly id?: number;
  readonly df?: boolean;
  readonly mf?: boolean;
  /** In bytes (a multiple of 8). */
  readonly fragmentOffset?: number;
  readonly options?: Uint8Array;
  /** Defaults to the protocol of the next layer. */
  readonly protocol?: number;
}

export interface Ipv6Spec {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  readonly nextHeader?: number;
}

export interface TcpSpec {
  readonly sport: number;
  readonly dport: number;
  /** Letters F S R P A U (or a number). */
  readonly flags?: string | number;
  readonly seq?: number;
  readonly ack?: number;
  readonly window?: number;
  readonly options?: Uint8Array;
}

export interface UdpSpec {
  readonly sport: number;
  readonly dport: number;
}

export interface IcmpSpec {
  readonly type: number;
  readonly code: number;
  readonly rest?: number;
}

type Layer =
  | { readonly k: 'eth'; readonly s: EthSpec }
  | { readonly k: 'ipv4'; readonly s: Ipv4Spec }
  | { readonly k: 'ipv6'; readonly s: Ipv6Spec }
  | { readonly k: 'tcp'; readonly s: TcpSpec }
  | { readonly k: 'udp'; readonly s: UdpSpec }
  | { readonly k: 'icmp'; readonly s: IcmpSpec }
  | { readonly k: 'icmp6'; readonly s: IcmpSpec }
  | { readonly k: 'arp'; readonly s: ArpPacket }
  | { readonly k: 'raw'; readonly s: Uint8Array };

const FLAG_BITS: Readonly<Record<string, number>> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20 };

export function tcpFlagBits(flags: string | number | undefined): number {
  if (typeof flags === 'number') return flags;
  let f = 0;
  for (const ch of flags ?? '') f |= FLAG_BITS[ch] ?? 0;
  return f;
}

/** A transport checksum still to be filled once the enclosing IP header is known. */
interface Pending {
  readonly protocol: number;
  readonly fieldAt: number;
}

export class PacketBuilder {
  private readonly layers: Layer[] = [];

  eth(s: EthSpec): this {
    return this.push({ k: 'eth', s });
  }
  ipv4(s: Ipv4Spec): this {
    return this.push({ k: 'ipv4', s });
  }
  ipv6(s: Ipv6Spec): this {
    return this.push({ k: 'ipv6', s });
  }
  tcp(s: TcpSpec): this {
    return this.push({ k: 'tcp', s });
  }
  udp(s: UdpSpec): this {
    return this.push({ k: 'udp', s });
  }
  /** ICMPv4; the payload (e.g. an embedded packet) follows as the next layers or raw bytes. */
  icmp(s: IcmpSpec): this {
    return this.push({ k: 'icmp', s });
  }
  icmp6(s: IcmpSpec): this {
    return this.push({ k: 'icmp6', s });
  }
  arp(s: ArpPacket): this {
    return this.push({ k: 'arp', s });
  }
  /** Bytes (or text as UTF-8-free ASCII) appended after the layers so far. */
  payload(data: Uint8Array | string): this {
    return this.push({ k: 'raw', s: typeof data === 'string' ? Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff) : data });
  }

  private push(l: Layer): this {
    this.layers.push(l);
    return this;
  }

  build(): Uint8Array {
    let body: Uint8Array = new Uint8Array(0);
    let pending: Pending | null = null;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      const next = this.layers[i + 1];
      const r = wrap(l, body, pending, next);
      body = r.bytes;
      pending = r.pending;
    }
    return body;
  }
}

function concat(head: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(head + body.length);
  out.set(body, head);
  return out;
}

function protocolOf(next: Layer | undefined, v6: boolean): number {
  switch (next?.k) {
    case 'tcp':
      return IP_PROTO.TCP;
    case 'udp':
      return IP_PROTO.UDP;
    case 'icmp':
      return IP_PROTO.ICMP;
    case 'icmp6':
      return IP_PROTO.ICMPV6;
    case 'ipv4':
      return IP_PROTO.IPIP;
    case 'ipv6':
      return IP_PROTO.IPV6;
    default:
      return v6 ? 59 : 255;
  }
}

function etherTypeOf(next: Layer | undefined): number {
  if (next?.k === 'ipv6') return ETHERTYPE.IPV6;
  if (next?.k === 'arp') return ETHERTYPE.ARP;
  return ETHERTYPE.IPV4;
}

function wrap(l: Layer, body: Uint8Array, pending: Pending | null, next: Layer | undefined): { bytes: Uint8Array; pending: Pending | null } {
  switch (l.k) {
    case 'raw': {
      const out = concat(l.s.length, body);
      out.set(l.s, 0);
      return { bytes: out, pending: null };
    }
    case 'tcp': {
      const s = l.s;
      const options = s.options ?? new Uint8Array(0);
      const out = concat(tcpLength({ options }), body);
      encodeTcp({ sport: s.sport, dport: s.dport, seq: s.seq ?? 0, ack: s.ack ?? 0, flags: tcpFlagBits(s.flags), window: s.window ?? 65535, checksum: 0, urgent: 0, options }, out, 0);
      return { bytes: out, pending: { protocol: IP_PROTO.TCP, fieldAt: 16 } };
    }
    case 'udp': {
      const out = concat(UDP_HEADER_LENGTH, body);
      encodeUdp({ sport: l.s.sport, dport: l.s.dport, length: out.length, checksum: 0 }, out, 0);
      return { bytes: out, pending: { protocol: IP_PROTO.UDP, fieldAt: 6 } };
    }
    case 'icmp': {
      const out = concat(8, body);
      encodeIcmp({ type: l.s.type, code: l.s.code, checksum: 0, rest: l.s.rest ?? 0 }, out, 0);
      put16(out, 2, internetChecksum(out, 0, out.length));
      return { bytes: out, pending: null };
    }
    case 'icmp6': {
      const out = concat(8, body);
      encodeIcmp({ type: l.s.type, code: l.s.code, checksum: 0, rest: l.s.rest ?? 0 }, out, 0);
      return { bytes: out, pending: { protocol: IP_PROTO.ICMPV6, fieldAt: 2 } };
    }
    case 'ipv4': {
      const s = l.s;
      const options = s.options ?? new Uint8Array(0);
      const hl = ipv4Length({ options });
      const out = concat(hl, body);
      const protocol = s.protocol ?? protocolOf(next, false);
      encodeIpv4(
        { tos: s.tos ?? 0, totalLength: out.length, id: s.id ?? 0, dontFragment: s.df ?? false, moreFragments: s.mf ?? false, fragmentOffset: s.fragmentOffset ?? 0, ttl: s.ttl ?? 64, protocol, checksum: 0, src: s.src, dst: s.dst, options },
        out,
        0,
      );
      fillPending(out, 4, hl, pending);
      return { bytes: out, pending: null };
    }
    case 'ipv6': {
      const s = l.s;
      const out = concat(IPV6_HEADER_LENGTH, body);
      encodeIpv6({ trafficClass: s.trafficClass ?? 0, flowLabel: s.flowLabel ?? 0, payloadLength: body.length, nextHeader: s.nextHeader ?? protocolOf(next, true), hopLimit: s.hopLimit ?? 64, src: s.src, dst: s.dst }, out, 0);
      fillPending(out, 6, IPV6_HEADER_LENGTH, pending);
      return { bytes: out, pending: null };
    }
    case 'arp': {
      const out = concat(28, body);
      encodeArp(l.s, out, 0);
      return { bytes: out, pending: null };
    }
    case 'eth': {
      const hl = l.s.vlanTci === undefined ? 14 : 18;
      const out = concat(hl, body);
      encodeEthernet({ src: l.s.src, dst: l.s.dst, vlanTci: l.s.vlanTci ?? null, etherType: etherTypeOf(next) }, out, 0);
      return { bytes: out, pending: null };
    }
  }
}

function fillPending(out: Uint8Array, family: 4 | 6, hl: number, p: Pending | null): void {
  if (!p) return;
  const len = out.length - hl;
  put16(out, hl + p.fieldAt, transportChecksum(out, family, 0, p.protocol, hl, len, p.fieldAt));
}
