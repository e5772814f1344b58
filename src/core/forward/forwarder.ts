/**
 * The packet engine's decision on one frame (ipvs.md §3, §5, §9): read the headers, ask the
 * connection engine (scheduling, persistence, connection table, counters), then do what the
 * forwarding method says to the frame — DR rewrites only the MACs, NAT rewrites the destination
 * on the way in and the source on the way back, TUN wraps the packet in IP-in-IP. ICMP errors
 * that belong to a connection follow it; everything else passes to the host untouched.
 */
import { textToWords, wordsToText } from '../conn/addr-words.js';
import type { ConnEngine } from '../conn/engine.js';
import type { MarkTable } from './marks.js';
import { PacketMeta, type Verdict } from '../conn/packet.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { ICMP6_CODE, ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { FRAGMENT_TTL_MS, FragmentMemory, type FragmentDecision } from './fragments.js';
import { FrameView } from './frame-view.js';
import { writeIcmpError } from './icmp-error.js';
import { followIcmpError } from './icmp-follow.js';
import { Link, type LinkOptions } from './links.js';
import type { Neighbours } from './neighbours.js';
import { natDestination, natSource, rewriteEndpoint, setMacs } from './rewrite.js';
import { completeChecksum, countBytes, readWords } from './frame-util.js';
import { decrementHop, encapsulate, encapsulate6, innerDontFragment, IP6_TUNNEL_HEADER, IPIP_HEADER } from './tunnel.js';
import { Hop, type RouteTable } from './routes.js';
import { FrameVerdict, newForwardCounters, type ForwardCounters, type FrameHow } from './verdict.js';

export interface ForwarderOptions {
  /**
   * Link 0 (when `links` is not given) is described by `mac`, `address`, `mtu` and `neighbours`.
   * The director's MAC on the interface: the source of every frame it sends.
   */
  readonly mac: Uint8Array;
  /**
   * The director's own IPv4 address on the interface: the source of tunnel (IP-in-IP) packets
   * (TUN is refused without one) and of ICMP errors about packets not sent to a local address.
   */
  readonly address?: string;
  /** The director's own global IPv6 address on the interface: the source of IPv6 tunnel packets. */
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

/** A next hop with no known MAC, for the adapter to resolve (ARP / neighbour discovery). */
export interface UnresolvedNeighbour {
  readonly link: number;
  readonly family: 4 | 6;
  readonly addr: string;
}

/** At most this many unresolved next hops are remembered between two drains. */
const UNRESOLVED_MAX = 256;
const NONE_UNRESOLVED: readonly UnresolvedNeighbour[] = [];

export class Forwarder {
  readonly counters: ForwardCounters = newForwardCounters();
  private readonly linkList: Link[];
  readonly routes: RouteTable | null;
  readonly marks: MarkTable | null;
  readonly view = new FrameView();
  readonly meta = new PacketMeta();
  readonly scratch: Uint8Array;
  private readonly verdict = new FrameVerdict();
  private readonly fragments = new FragmentMemory();
  private readonly hop = new Hop();
  /** The link the current frame came in on (ICMP errors go back out of it). */
  private inLink: Link;
  private readonly unresolved = new Map<string, UnresolvedNeighbour>();
  private ipId = 0;
  private readonly vip4 = new Set<number>();
  private readonly vip6 = new Set<string>();
  private vipCount = -1;
  /**
   * Set by the caller around one `process` call: the frame is a TCP GSO aggregate it will send
   * whole. DR and NAT rewrite it as any frame; TUN answers 'segment' instead, because IP-in-IP
   * segmentation cannot be asked of the kernel through a packet socket (virtio_net_hdr has no
   * such GSO type): the caller cuts it and tunnels each segment with {@link tunnelSegment}.
   */
  aggregate = false;

  constructor(
    readonly engine: ConnEngine,
    opts: ForwarderOptions,
  ) {
    const links = opts.links ?? [{ mac: opts.mac, ...(opts.mtu === undefined ? {} : { mtu: opts.mtu }), ...(opts.address === undefined ? {} : { address: opts.address }), ...(opts.address6 === undefined ? {} : { address6: opts.address6 }), ...(opts.neighbours ? { neighbours: opts.neighbours } : {}) }];
    if (links.length === 0) throw new Error('a forwarder needs at least one link');
    this.linkList = links.map((l, i) => new Link(i, l));
    this.inLink = this.linkList[0]!;
    this.routes = opts.routes ?? null;
    this.marks = opts.marks ?? null;
    this.scratch = new Uint8Array(opts.scratchBytes ?? 65536 + 64);
  }

  get links(): readonly Link[] {
    return this.linkList;
  }

  /** Add a link (an interface found after start); returns it with its index. */
  addLink(opts: LinkOptions): Link {
    const l = new Link(this.linkList.length, opts);
    this.linkList.push(l);
    return l;
  }

  /** Link 0's MAC, MTU and neighbours (the one link of a one-interface director). */
  get mac(): Uint8Array {
    return this.linkList[0]!.mac;
  }
  get mtu(): number {
    return this.linkList[0]!.mtu;
  }
  get neighbours(): Neighbours {
    return this.linkList[0]!.neighbours;
  }

  /** The next hops that had no MAC since the last call (each once), for the adapter to resolve. */
  drainUnresolved(): readonly UnresolvedNeighbour[] {
    if (this.unresolved.size === 0) return NONE_UNRESOLVED;
    const out = [...this.unresolved.values()];
    this.unresolved.clear();
    return out;
  }

  /**
   * Decide and rewrite one frame of `length` bytes in `buf` at time `now` (ms). `checksumPartial`:
   * the transport checksum holds only the pseudo-header sum (a locally generated packet whose
   * checksum offload was not done yet, TP_STATUS_CSUMNOTREADY); it is completed before use.
   * `inLink`: the index of the link the frame arrived on.
   */
  process(buf: Uint8Array, length: number, now: number, checksumPartial = false, inLink = 0): FrameVerdict {
    const v = this.verdict.reset();
    this.inLink = this.linkList[inLink] ?? this.linkList[0]!;
    v.link = this.inLink.index;
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
    if (f.l4 < 0) return this.followFragment(now);
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
        natSource(f, cv.saddr, cv.sport);
        this.remember('reply', cv, cv.saddr, now);
        this.counters.natOut++;
        return this.toNeighbour(f.buf, f.length, f.family, this.meta.daddr, 'nat-reply');
      }
      case 'forward':
        this.remember('forward', cv, cv.daddr, now);
        return this.forward(cv.fwd, cv.family, cv.daddr, cv.dport, true);
    }
  }

  /** Send the current frame by `fwd` to `daddr`; `withPort` false for later fragments (no ports). */
  private forward(fwd: string, family: 4 | 6, daddr: Uint32Array, dport: number, withPort: boolean): FrameVerdict {
    const f = this.view;
    switch (fwd) {
      case 'dr':
        this.counters.dr++;
        return this.toNeighbour(f.buf, f.length, family, daddr, 'dr');
      case 'nat':
        if (family !== f.family) return this.drop('nat-family-mismatch');
        if (withPort) natDestination(f, daddr, dport);
        else rewriteEndpoint(f.buf, f.family, f.dstAt, daddr, -1, 0, f.family === 4 ? f.l3 + 10 : -1, -1, false);
        this.counters.natIn++;
        return this.toNeighbour(f.buf, f.length, family, daddr, 'nat');
      case 'tun':
        return this.aggregate ? this.toSegment(family, daddr) : this.tunnelCurrent(family, daddr);
      default:
        // bypass and local: the host stack routes or receives the packet itself.
        return this.pass();
    }
  }

  /** Encapsulate the current frame's IP packet to `daddr` (or answer why it cannot go). */
  tunnelCurrent(family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    const f = this.view;
    const out = this.route(family, daddr);
    if (!out) return this.drop('no-route');
    // The outer source is the director's address of the real server's family on the link the tunnel leaves by.
    const src = family === 4 ? out.addressBytes : out.address6Bytes;
    if (src === null) return this.drop('tun-unsupported');
    // An ICMP error being relayed (it follows its connection) never gets an error back.
    const relayed = f.protocol === IP_PROTO.ICMP || f.protocol === IP_PROTO.ICMPV6;
    // As IPVS, the hop count goes down before the size check: an error quotes the decremented packet.
    if (!decrementHop(f)) {
      if (relayed) return this.drop('ttl-exceeded');
      return f.family === 4 ? this.sendIcmp(ICMP_TYPE.TIME_EXCEEDED, 0, 0) : this.sendIcmp(ICMP6_TYPE.TIME_EXCEEDED, 0, 0);
    }
    const room = out.mtu - (family === 4 ? IPIP_HEADER : IP6_TUNNEL_HEADER);
    if (f.ipLength > room) {
      // Nor does a later IPv6 fragment (IPVS answers the first one only).
      // COMPAT(ipvsadm): IPVS fragments the outer packet when the inner one allows it (and sends
      // a relayed ICMPv4 error anyway); the packet engine does not fragment yet and drops it with
      // a counted reason.
      if (relayed || (f.family === 6 && f.l4 < 0) || (f.family === 4 && !innerDontFragment(f))) return this.drop('tun-needs-fragmentation');
      return f.family === 6 ? this.sendIcmp(ICMP6_TYPE.PACKET_TOO_BIG, 0, room) : this.sendIcmp(ICMP_TYPE.DEST_UNREACH, ICMP_CODE.FRAG_NEEDED, room);
    }
    let n: number;
    if (family === 4) {
      this.ipId = (this.ipId + 1) & 0xffff;
      n = encapsulate(this.scratch, f, { src: out.address!, dst: daddr[0]! >>> 0, id: this.ipId });
    } else {
      n = encapsulate6(this.scratch, f, src, daddr);
    }
    if (n === 0) return this.drop('too-big');
    this.counters.tun++;
    return this.toHop(out, this.scratch, n, family, 'tun');
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
    const v = this.verdict.reset();
    this.inLink = this.linkList[inLink] ?? this.linkList[0]!;
    v.link = this.inLink.index;
    const bad = this.view.parse(buf, length);
    if (bad) return this.drop(bad);
    return this.tunnelCurrent(family, daddr);
  }

  /** Set the MACs of `frame` for the next hop to `addr` and transmit it on the link that reaches it. */
  toNeighbour(frame: Uint8Array, length: number, family: 4 | 6, addr: ArrayLike<number>, how: FrameHow): FrameVerdict {
    const out = this.route(family, addr);
    if (!out) return this.drop('no-route');
    return this.toHop(out, frame, length, family, how);
  }

  /**
   * The link that reaches `addr`, with the next hop in `this.hop`; null when no route matches.
   * Without a route table: link 0 and the address itself.
   */
  private route(family: 4 | 6, addr: ArrayLike<number>): Link | null {
    const h = this.hop;
    if (this.routes === null) {
      h.link = 0;
      for (let i = 0; i < 4; i++) h.nextHop[i] = addr[i]! >>> 0;
      return this.linkList[0]!;
    }
    if (!this.routes.lookup(family, addr, h)) return null;
    return this.linkList[h.link] ?? null;
  }

  /** Send to the next hop found by {@link route} on `out`. */
  private toHop(out: Link, frame: Uint8Array, length: number, family: 4 | 6, how: FrameHow): FrameVerdict {
    const mac = out.neighbours.lookup(family, this.hop.nextHop);
    if (!mac) {
      this.noteUnresolved(out.index, family);
      return this.drop('no-neighbour');
    }
    setMacs(frame, mac, out.mac);
    this.verdict.link = out.index;
    return this.transmit(frame, length, how);
  }

  private noteUnresolved(link: number, family: 4 | 6): void {
    if (this.unresolved.size >= UNRESOLVED_MAX) return;
    const addr = wordsToText(family, this.hop.nextHop);
    const key = `${link} ${addr}`;
    if (!this.unresolved.has(key)) this.unresolved.set(key, { link, family, addr });
  }

  transmit(frame: Uint8Array, length: number, how: FrameHow): FrameVerdict {
    const v = this.verdict;
    v.action = 'transmit';
    v.how = how;
    v.frame = frame;
    v.length = length;
    this.counters.txFrames++;
    this.counters.txBytes += length;
    return v;
  }

  /** Answer the sender of the current frame with an ICMP(v6) error. */
  private sendIcmp(type: number, code: number, rest: number, from: Uint8Array | null = null): FrameVerdict {
    // Back to the sender through the MAC and link it came from.
    const n = writeIcmpError(this.scratch, this.view, this.inLink.mac, type, code, rest, from);
    if (n === 0) return this.drop('too-big');
    this.counters.icmpSent++;
    this.verdict.link = this.inLink.index;
    return this.transmit(this.scratch, n, 'icmp-error');
  }

  pass(): FrameVerdict {
    this.counters.passed++;
    return this.verdict;
  }

  drop(reason: string): FrameVerdict {
    const v = this.verdict;
    v.action = 'drop';
    v.reason = reason;
    this.counters.dropped++;
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
    return v;
  }

  private remember(kind: 'forward' | 'reply', cv: Verdict, addr: Uint32Array, now: number): void {
    if (!this.view.firstFragment) return;
    const d: FragmentDecision = { kind, fwd: cv.fwd, addr: Uint32Array.from(addr), family: cv.family, dest: cv.dest, expires: now + FRAGMENT_TTL_MS };
    this.fragments.remember(this.view, d);
  }

  /** A later fragment: do what was done to the first one. */
  private followFragment(now: number): FrameVerdict {
    const f = this.view;
    const d = this.fragments.recall(f, now);
    if (!d) {
      this.counters.fragmentsUnmatched++;
      return this.pass();
    }
    this.counters.fragmentsFollowed++;
    countBytes(this.engine, d.dest, d.kind, f.ipLength);
    if (d.kind === 'forward') return this.forward(d.fwd, d.family, d.addr, 0, false);
    rewriteEndpoint(f.buf, f.family, f.srcAt, d.addr, -1, 0, f.family === 4 ? f.l3 + 10 : -1, -1, false);
    this.counters.natOut++;
    readWords(f.buf, f.dstAt, f.family, this.meta.daddr);
    return this.toNeighbour(f.buf, f.length, f.family, this.meta.daddr, 'nat-reply');
  }
}

export { countBytes, readWords } from './frame-util.js';
