/**
 * The packet engine's decision on one frame (ipvs.md §3, §5, §9): read the headers, ask the
 * connection engine (scheduling, persistence, connection table, counters), then do what the
 * forwarding method says to the frame — DR rewrites only the MACs, NAT rewrites the destination
 * on the way in and the source on the way back, TUN wraps the packet in IP-in-IP. ICMP errors
 * that belong to a connection follow it; everything else passes to the host untouched.
 */
import { parseIPv4 } from '../addr.js';
import { textToWords, wordsToText } from '../conn/addr-words.js';
import type { ConnEngine } from '../conn/engine.js';
import { PacketMeta, type Verdict } from '../conn/packet.js';
import type { Destination } from '../model.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { ICMP6_CODE, ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { FRAGMENT_TTL_MS, FragmentMemory, type FragmentDecision } from './fragments.js';
import { FrameView } from './frame-view.js';
import { writeIcmpError } from './icmp-error.js';
import { followIcmpError } from './icmp-follow.js';
import { Neighbours } from './neighbours.js';
import { checksumField, natDestination, natSource, rewriteEndpoint, setMacs } from './rewrite.js';
import { transportChecksum } from '../../wire/transport.js';
import { encapsulate, innerDontFragment, IPIP_HEADER } from './tunnel.js';
import { FrameVerdict, newForwardCounters, type ForwardCounters, type FrameHow } from './verdict.js';

export interface ForwarderOptions {
  /** The director's MAC on the interface: the source of every frame it sends. */
  readonly mac: Uint8Array;
  /**
   * The director's own IPv4 address on the interface: the source of tunnel (IP-in-IP) packets
   * (TUN is refused without one) and of ICMP errors about packets not sent to a local address.
   */
  readonly address?: string;
  /** Link MTU (bytes of IP packet), 1500 by default. */
  readonly mtu?: number;
  readonly neighbours?: Neighbours;
  /** Size of the scratch buffer for frames that grow (tunnel) or are made (ICMP). */
  readonly scratchBytes?: number;
}

export class Forwarder {
  readonly counters: ForwardCounters = newForwardCounters();
  readonly neighbours: Neighbours;
  readonly mac: Uint8Array;
  readonly mtu: number;
  readonly view = new FrameView();
  readonly meta = new PacketMeta();
  readonly scratch: Uint8Array;
  private readonly verdict = new FrameVerdict();
  private readonly fragments = new FragmentMemory();
  private readonly address: number | null;
  private readonly addressBytes: Uint8Array | null;
  private ipId = 0;
  private readonly vip4 = new Set<number>();
  private readonly vip6 = new Set<string>();
  private vipCount = -1;

  constructor(
    readonly engine: ConnEngine,
    opts: ForwarderOptions,
  ) {
    this.mac = opts.mac;
    this.mtu = opts.mtu ?? 1500;
    this.neighbours = opts.neighbours ?? new Neighbours();
    this.scratch = new Uint8Array(opts.scratchBytes ?? 65536 + 64);
    this.address = opts.address === undefined ? null : parseIPv4(opts.address);
    const a = this.address;
    this.addressBytes = a === null ? null : Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
  }

  /**
   * Decide and rewrite one frame of `length` bytes in `buf` at time `now` (ms). `checksumPartial`:
   * the transport checksum holds only the pseudo-header sum (a locally generated packet whose
   * checksum offload was not done yet, TP_STATUS_CSUMNOTREADY); it is completed before use.
   */
  process(buf: Uint8Array, length: number, now: number, checksumPartial = false): FrameVerdict {
    const v = this.verdict.reset();
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
    // To a virtual address: a request (ip_vs_in). Otherwise a NAT reply is tried first
    // (ip_vs_out), then a request, so a stale VIP set costs a lookup, never a wrong decision.
    let cv: Verdict;
    if (this.isVip(m.family, m.daddr)) {
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
        const from = this.meta.direction === 'out' && f.family === 4 ? this.addressBytes : null;
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
        return this.tunnelCurrent(family, daddr);
      default:
        // bypass and local: the host stack routes or receives the packet itself.
        return this.pass();
    }
  }

  /** Encapsulate the current frame's IP packet to `daddr` (or answer that it is too big). */
  tunnelCurrent(family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    const f = this.view;
    if (family !== 4 || this.address === null) return this.drop('tun-unsupported');
    if (f.ipLength + IPIP_HEADER > this.mtu) {
      // COMPAT(ipvsadm): IPVS fragments the outer packet when the inner one allows it; the
      // packet engine does not fragment yet and drops it with a counted reason.
      if (!innerDontFragment(f)) return this.drop('tun-needs-fragmentation');
      const room = this.mtu - IPIP_HEADER;
      return f.family === 4 ? this.sendIcmp(ICMP_TYPE.DEST_UNREACH, ICMP_CODE.FRAG_NEEDED, room) : this.sendIcmp(ICMP6_TYPE.PACKET_TOO_BIG, 0, room);
    }
    this.ipId = (this.ipId + 1) & 0xffff;
    const n = encapsulate(this.scratch, f, { src: this.address, dst: daddr[0]! >>> 0, id: this.ipId });
    if (n === 0) return this.drop('too-big');
    this.counters.tun++;
    return this.toNeighbour(this.scratch, n, 4, daddr, 'tun');
  }

  /** Set the MACs of `frame` for the next hop to `addr` and transmit it. */
  toNeighbour(frame: Uint8Array, length: number, family: 4 | 6, addr: ArrayLike<number>, how: FrameHow): FrameVerdict {
    const mac = this.neighbours.lookup(family, addr);
    if (!mac) return this.drop('no-neighbour');
    setMacs(frame, mac, this.mac);
    return this.transmit(frame, length, how);
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
    const n = writeIcmpError(this.scratch, this.view, this.mac, type, code, rest, from);
    if (n === 0) return this.drop('too-big');
    this.counters.icmpSent++;
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

/**
 * COMPAT(ipvsadm): IPVS counts a reassembled datagram as one packet of its full size; here the
 * first fragment counts the packet and each later fragment adds its bytes, so packet counts match
 * and byte counts differ only by the repeated IP headers of the later fragments.
 */
export function countBytes(engine: ConnEngine, dest: Destination | null, kind: 'forward' | 'reply', bytes: number): void {
  if (!dest || !dest.available) return;
  const totals = engine.ipvs.totals;
  if (kind === 'forward') {
    dest.stats.inbytes += bytes;
    dest.service.stats.inbytes += bytes;
    totals.inbytes += bytes;
  } else {
    dest.stats.outbytes += bytes;
    dest.service.stats.outbytes += bytes;
    totals.outbytes += bytes;
  }
}

/** Write the full transport checksum of an unfragmented TCP/UDP packet (offload not done yet). */
function completeChecksum(f: FrameView): void {
  const at = checksumField(f.protocol);
  if (at < 0 || f.l4 < 0 || f.fragment || f.l3End - f.l4 < at + 2) return;
  const c = transportChecksum(f.buf, f.family, f.l3, f.protocol, f.l4, f.l3End - f.l4, at);
  f.buf[f.l4 + at] = c >>> 8;
  f.buf[f.l4 + at + 1] = c & 0xff;
}

/** Addresses as the connection table holds them: 4 big-endian words (IPv4: word 0). */
export function readWords(b: Uint8Array, at: number, family: 4 | 6, out: Uint32Array): void {
  const n = family === 4 ? 1 : 4;
  for (let i = 0; i < n; i++) {
    const o = at + 4 * i;
    out[i] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
  for (let i = n; i < 4; i++) out[i] = 0;
}
