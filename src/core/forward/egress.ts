/**
 * The sending half of the forwarder: the links it sends on, the route to a next hop and its MAC,
 * the verdict a frame ends with (transmit, pass, drop with a counted reason), ICMP errors back to
 * the sender, and the next hops still to resolve. The deciding half (what to do with a frame) is
 * Forwarder, which extends this.
 */
import { wordsToText } from '../conn/addr-words.js';
import { FrameView } from './frame-view.js';
import { writeIcmpError } from './icmp-error.js';
import { IcmpRateLimit } from './icmp-limit.js';
import { Link, type LinkOptions } from './links.js';
import type { Neighbours } from './neighbours.js';
import { setMacs } from './rewrite.js';
import { Hop, type RouteTable } from './routes.js';
import { FrameVerdict, newForwardCounters, type ForwardCounters, type FrameHow } from './verdict.js';

/** A next hop with no known MAC, for the adapter to resolve (ARP / neighbour discovery). */
export interface UnresolvedNeighbour {
  readonly link: number;
  readonly family: 4 | 6;
  readonly addr: string;
}

/** At most this many unresolved next hops are remembered between two drains. */
const UNRESOLVED_MAX = 256;
const NONE_UNRESOLVED: readonly UnresolvedNeighbour[] = [];

export class Egress {
  readonly counters: ForwardCounters = newForwardCounters();
  readonly view = new FrameView();
  readonly scratch: Uint8Array;
  protected readonly linkList: Link[];
  protected readonly verdict = new FrameVerdict();
  /** The next hop found by {@link route}. */
  protected readonly hop = new Hop();
  /** The link the current frame came in on (ICMP errors go back out of it). */
  protected inLink: Link;
  private readonly unresolved = new Map<string, UnresolvedNeighbour>();
  /** The ICMP errors the engine sends itself (icmp-limit.ts). */
  readonly icmpLimit = new IcmpRateLimit();
  /** The time (ms) of the frame being processed: what the ICMP rate limit runs on. */
  protected now = 0;
  /**
   * Set by the caller around one `process` call: the frame is a TCP GSO aggregate it will send
   * whole. DR and NAT rewrite it as any frame (no MTU check: its segments are sized by
   * gso_size); TUN answers 'segment' instead, because IP-in-IP segmentation cannot be asked of
   * the kernel through a packet socket (virtio_net_hdr has no such GSO type): the caller cuts it
   * and tunnels each segment with `Forwarder.tunnelSegment`.
   */
  aggregate = false;

  constructor(
    links: readonly LinkOptions[],
    readonly routes: RouteTable | null,
    scratchBytes: number,
  ) {
    if (links.length === 0) throw new Error('a forwarder needs at least one link');
    this.linkList = links.map((l, i) => new Link(i, l));
    this.inLink = this.linkList[0]!;
    this.scratch = new Uint8Array(scratchBytes);
  }

  get links(): readonly Link[] {
    return this.linkList;
  }

  /** The link the current frame came in on. */
  get arrivalLink(): Link {
    return this.inLink;
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

  /** Start the verdict of a frame that arrived on link `inLink`. */
  protected begin(inLink: number): FrameVerdict {
    const v = this.verdict.reset();
    this.inLink = this.linkList[inLink] ?? this.linkList[0]!;
    v.link = this.inLink.index;
    return v;
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
  route(family: 4 | 6, addr: ArrayLike<number>): Link | null {
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
  toHop(out: Link, frame: Uint8Array, length: number, family: 4 | 6, how: FrameHow): FrameVerdict {
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

  /**
   * Answer the sender of the current frame with an ICMP(v6) error from `from` (null: the address
   * the frame was sent to).
   */
  sendIcmp(type: number, code: number, rest: number, from: Uint8Array | null = null): FrameVerdict {
    if (!this.icmpLimit.allow(this.view.family, type, code, this.now)) return this.drop('icmp-ratelimited');
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
}
