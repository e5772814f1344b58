/**
 * The packet engine's decision on one frame (ipvs.md §3, §5, §9): read the headers, ask the
 * connection engine (scheduling, persistence, connection table, counters), then do what the
 * forwarding method says to the frame — DR rewrites the MACs, NAT rewrites the destination
 * on the way in and the source on the way back, TUN wraps the packet in IP-in-IP; each takes one
 * hop off the packet (hop-limit.ts). ICMP errors that belong to a connection follow it
 * (icmp-follow.ts), later fragments follow their first one (fragment-follow.ts), NAT replies
 * leave by nat-reply.ts, and sending is Egress's (egress.ts); everything else passes to the host
 * untouched.
 */
import { textToWords, wordsToText } from '../conn/addr-words.js';
import type { ConnEngine } from '../conn/engine.js';
import type { MarkTable } from './marks.js';
import { PacketMeta, type Verdict } from '../conn/packet.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { ICMP6_CODE, ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { Egress } from './egress.js';
import { FragmentFollower } from './fragment-follow.js';
import { followIcmpError } from './icmp-follow.js';
import { forwardHop } from './hop-limit.js';
import { exceedsRoom } from './mtu.js';
import type { LinkOptions } from './links.js';
import type { Neighbours } from './neighbours.js';
import { expiredNatReply, sendNatReply } from './nat-reply.js';
import { natDestination, rewriteEndpoint } from './rewrite.js';
import { completeChecksum, readWords } from './frame-util.js';
import { Tunneller } from './tunnel-send.js';
import type { RouteTable } from './routes.js';
import type { FrameVerdict } from './verdict.js';

export type { UnresolvedNeighbour } from './egress.js';

export interface ForwarderOptions {
  /**
   * Link 0 (when `links` is not given) is described by `mac`, `address`, `mtu` and `neighbours`.
   * The director's MAC on the interface: the source of every frame it sends.
   */
  readonly mac: Uint8Array;
  /**
   * The director's own IPv4 address on the interface: the source of tunnel (IP-in-IP) packets
   * (TUN is refused without one) and of ICMP errors about packets not sent to a local address
   * (a NAT reply whose TTL is spent, a stray reply of a real server).
   */
  readonly address?: string;
  /**
   * The director's own global IPv6 address on the interface: the source of IPv6 tunnel packets
   * and of ICMPv6 errors about packets not sent to a local address.
   */
  readonly address6?: string;
  /** Link MTU (bytes of IP packet), 1500 by default. */
  readonly mtu?: number;
  readonly neighbours?: Neighbours;
  /** Size of the scratch buffer for frames that grow (tunnel) or are made (ICMP). */
  readonly scratchBytes?: number;
  /** Every interface the engine sends on (replaces mac/address/mtu/neighbours when given). */
  readonly links?: readonly LinkOptions[];
  /**
   * Which link and next hop reach an address. Without a table every frame leaves by link 0 to
   * the address itself (its neighbour entry, else the link's default gateway MAC).
   */
  readonly routes?: RouteTable;
  /** Marking rules for firewall-mark services (the host's PREROUTING marks, evaluated here). */
  readonly marks?: MarkTable;
}

export class Forwarder extends Egress {
  readonly marks: MarkTable | null;
  readonly meta = new PacketMeta();
  private readonly fragments: FragmentFollower;
  private readonly tunneller = new Tunneller();
  private readonly vip4 = new Set<number>();
  private readonly vip6 = new Set<string>();
  private vipCount = -1;

  constructor(
    readonly engine: ConnEngine,
    opts: ForwarderOptions,
  ) {
    const links = opts.links ?? [{ mac: opts.mac, ...(opts.mtu === undefined ? {} : { mtu: opts.mtu }), ...(opts.address === undefined ? {} : { address: opts.address }), ...(opts.address6 === undefined ? {} : { address6: opts.address6 }), ...(opts.neighbours ? { neighbours: opts.neighbours } : {}) }];
    super(links, opts.routes ?? null, opts.scratchBytes ?? 65536 + 64);
    this.marks = opts.marks ?? null;
    this.fragments = new FragmentFollower(this, engine, (fwd, family, daddr, dport, withPort) => this.forward(fwd, family, daddr, dport, withPort));
  }

  /**
   * Decide and rewrite one frame of `length` bytes in `buf` at time `now` (ms). `checksumPartial`:
   * the transport checksum holds only the pseudo-header sum (a locally generated packet whose
   * checksum offload was not done yet, TP_STATUS_CSUMNOTREADY); it is completed before use.
   * `inLink`: the index of the link the frame arrived on.
   */
  process(buf: Uint8Array, length: number, now: number, checksumPartial = false, inLink = 0): FrameVerdict {
    const v = this.begin(inLink);
    this.now = now;
    this.counters.rxFrames++;
    this.counters.rxBytes += length;
    const f = this.view;
    const bad = f.parse(buf, length);
    if (bad) return this.drop(bad);
    if (f.etherType !== ETHERTYPE.IPV4 && f.etherType !== ETHERTYPE.IPV6) return this.pass();
    if (checksumPartial) completeChecksum(f);
    if (f.protocol === IP_PROTO.ICMP || f.protocol === IP_PROTO.ICMPV6) {
      if (f.l4 >= 0 && followIcmpError(this, now)) return v;
      return this.pass();
    }
    if (f.protocol !== IP_PROTO.TCP && f.protocol !== IP_PROTO.UDP && f.protocol !== IP_PROTO.SCTP) return this.pass();
    if (f.l4 < 0) return this.fragments.follow(now);
    if (!f.hasPorts()) return this.pass();
    const m = this.fillMeta();
    if (this.marks !== null && this.marks.size > 0) m.fwmark = this.marks.classify(m);
    // Marked or to a virtual address: a request (ip_vs_in). Otherwise a NAT reply is tried first
    // (ip_vs_out), then a request, so a stale VIP set costs a lookup, never a wrong decision.
    let cv: Verdict;
    if (m.fwmark !== 0 || this.isVip(m.family, m.daddr)) {
      m.direction = 'in';
      cv = this.engine.process(m, now);
    } else {
      const expired = expiredNatReply(this, this.engine, m);
      if (expired) return expired;
      m.direction = 'out';
      cv = this.engine.process(m, now);
      if (cv.kind === 'pass') {
        m.direction = 'in';
        cv = this.engine.process(m, now);
      }
    }
    return this.apply(cv, now);
  }

  /** Rebuild the set of virtual addresses (call after services change; also done when their number changes). */
  servicesChanged(): void {
    this.vip4.clear();
    this.vip6.clear();
    for (const svc of this.engine.ipvs.services.values()) {
      if (svc.key.kind !== 'addr') continue;
      const w = new Uint32Array(4);
      if (textToWords(svc.key.addr, w) === 4) this.vip4.add(w[0]!);
      else this.vip6.add(svc.key.addr);
    }
    this.vipCount = this.engine.ipvs.services.size;
  }

  private isVip(family: 4 | 6, addr: Uint32Array): boolean {
    if (this.engine.ipvs.services.size !== this.vipCount) this.servicesChanged();
    return family === 4 ? this.vip4.has(addr[0]!) : this.vip6.size > 0 && this.vip6.has(wordsToText(6, addr));
  }

  private fillMeta(): PacketMeta {
    const f = this.view;
    const b = f.buf;
    const m = this.meta;
    m.family = f.family;
    m.protocol = f.protocol;
    readWords(b, f.srcAt, f.family, m.saddr);
    readWords(b, f.dstAt, f.family, m.daddr);
    m.sport = (b[f.l4]! << 8) | b[f.l4 + 1]!;
    m.dport = (b[f.l4 + 2]! << 8) | b[f.l4 + 3]!;
    m.tcpFlags = f.protocol === IP_PROTO.TCP && f.l3End - f.l4 >= 14 ? b[f.l4 + 13]! : 0;
    m.sctpChunk = -1;
    m.sctpNextChunk = -1;
    if (f.protocol === IP_PROTO.SCTP && f.l3End - f.l4 >= 13) {
      m.sctpChunk = b[f.l4 + 12]!;
      const len = (b[f.l4 + 14]! << 8) | b[f.l4 + 15]!;
      const next = f.l4 + 12 + ((len + 3) & ~3);
      if (len >= 4 && next < f.l3End) m.sctpNextChunk = b[next]!;
    }
    m.fwmark = 0;
    m.fragment = false;
    m.ipLength = f.ipLength;
    return m;
  }

  private apply(cv: Verdict, now: number): FrameVerdict {
    const f = this.view;
    switch (cv.kind) {
      case 'pass':
        return this.pass();
      case 'drop':
        return this.drop(cv.reason ?? 'dest-unavailable');
      case 'icmp-unreachable': {
        // To a VIP the error comes from the VIP; a real server's stray reply was not sent to us,
        // so icmp_send picks the director's own address.
        const from = this.meta.direction === 'out' && f.family === 4 ? this.inLink.addressBytes : null;
        return this.sendIcmp(f.family === 4 ? ICMP_TYPE.DEST_UNREACH : ICMP6_TYPE.DEST_UNREACH, f.family === 4 ? ICMP_CODE.PORT_UNREACH : ICMP6_CODE.PORT_UNREACH, 0, from);
      }
      case 'reply': {
        if (cv.family !== f.family) return this.drop('nat-family-mismatch');
        this.fragments.remember('reply', cv, cv.saddr, now);
        return sendNatReply(this, cv.saddr, cv.sport);
      }
      case 'forward':
        this.fragments.remember('forward', cv, cv.daddr, now);
        return this.forward(cv.fwd, cv.family, cv.daddr, cv.dport, true);
    }
  }

  /** Send the current frame by `fwd` to `daddr`; `withPort` false for later fragments (no ports). */
  private forward(fwd: string, family: 4 | 6, daddr: Uint32Array, dport: number, withPort: boolean): FrameVerdict {
    const f = this.view;
    switch (fwd) {
      case 'dr': {
        // As __ip_vs_get_out_rt: the route first, then the hop (a packet with no route is not answered).
        const out = this.route(family, daddr);
        if (!out) return this.drop('no-route');
        const expired = forwardHop(this) ?? exceedsRoom(this, out.mtu, this.aggregate, 'needs-fragmentation');
        if (expired) return expired;
        this.counters.dr++;
        return this.toHop(out, f.buf, f.length, family, 'dr');
      }
      case 'nat': {
        if (family !== f.family) return this.drop('nat-family-mismatch');
        const out = this.route(family, daddr);
        if (!out) return this.drop('no-route');
        // The hop and the MTU check come before the rewrite (the kernel mangles after the route
        // lookup): an error quotes the packet as the client sent it, one hop less.
        const expired = forwardHop(this) ?? exceedsRoom(this, out.mtu, this.aggregate, 'needs-fragmentation');
        if (expired) return expired;
        if (withPort) natDestination(f, daddr, dport);
        else rewriteEndpoint(f.buf, f.family, f.dstAt, daddr, -1, 0, f.family === 4 ? f.l3 + 10 : -1, -1, false);
        this.counters.natIn++;
        return this.toHop(out, f.buf, f.length, family, 'nat');
      }
      case 'tun':
        if (!this.aggregate) return this.tunnelCurrent(family, daddr);
        // An aggregate is routed and dies whole (one Time Exceeded, as for IPVS's one GSO skb);
        // otherwise each segment takes its hop when it is tunnelled.
        return this.tunneller.admitAggregate(this, family, daddr) ?? this.toSegment(family, daddr);
      default:
        // bypass and local: the host stack routes or receives the packet itself.
        return this.pass();
    }
  }

  /** Encapsulate the current frame's IP packet to `daddr` (or answer why it cannot go). */
  tunnelCurrent(family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    return this.tunneller.send(this, family, daddr);
  }

  /** An aggregate decided for TUN: the caller segments it (the decision is made and counted once). */
  private toSegment(family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    const v = this.verdict;
    v.action = 'segment';
    v.how = 'tun';
    v.tunnelFamily = family;
    for (let i = 0; i < 4; i++) v.tunnelTo[i] = daddr[i] ?? 0;
    return v;
  }

  /**
   * Tunnel one segment of an aggregate that {@link process} answered with 'segment' (`daddr`:
   * its `tunnelTo`). The connection decision was the aggregate's; only the encapsulation is done.
   */
  tunnelSegment(buf: Uint8Array, length: number, family: 4 | 6, daddr: Uint32Array, inLink = 0): FrameVerdict {
    this.begin(inLink);
    const bad = this.view.parse(buf, length);
    if (bad) return this.drop(bad);
    return this.tunnelCurrent(family, daddr);
  }
}

export { countBytes, readWords } from './frame-util.js';
