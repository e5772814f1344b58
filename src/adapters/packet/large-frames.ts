/**
 * Frames bigger than the link they came in on allows: GSO "super-frames" from veth peers and
 * virtio, GRO aggregates from real NICs (up to 64 KB, one TCP segment). Kernel IPVS forwards such
 * skbs whole and the output path cuts them; here the ring hands them over whole (slots of
 * {@link RING_FRAME_BYTES}) and each is cut into MTU-sized TCP segments (core/forward/segment.ts),
 * which the caller forwards one by one as normal frames.
 */
import { SEGMENT_DROP_REASONS, TcpSegmenter, type SegmentDropReason } from '../../core/forward/segment.js';
import type { Ipvs } from '../../core/ipvs.js';
import { IP6_TUNNEL_HEADER, IPIP_HEADER } from '../../core/forward/tunnel.js';

/**
 * TPACKET_V2 slot: the largest IPv4/IPv6 GSO packet (65,535 bytes of IP, 65,575 for IPv6 with its
 * 40-byte header not counted in the payload length), Ethernet + 802.1Q header, and the ring's
 * own frame header before them — 17 pages.
 */
export const RING_FRAME_BYTES = 69_632;
/**
 * Ring blocks: the kernel allocates each block as 2^n pages, so a block of one 68 KiB slot took
 * 128 KiB (64 MiB per interface for 512 slots). A 1 MiB block holds 15 slots (16 KiB left over).
 */
export const RING_BLOCK_BYTES = 1 << 20;
/** 35 blocks: 525 slots (at least 512: 256 dropped frames in bursts of ACKs), 35 MiB of ring per interface. */
export const RING_BLOCK_COUNT = 35;
/** Slots per ring. */
export const RING_FRAME_COUNT = Math.floor(RING_BLOCK_BYTES / RING_FRAME_BYTES) * RING_BLOCK_COUNT;

/** Room for one segment: an MTU up to 64 KiB plus Ethernet and 802.1Q headers. */
const SEGMENT_BYTES = 65_536 + 18;

export class LargeFrames {
  readonly segmenter = new TcpSegmenter();
  /** Where each segment is written before it is forwarded. */
  readonly segment = new Uint8Array(SEGMENT_BYTES);
  /** Large frames received, and the segments they were cut into. */
  frames = 0;
  segments = 0;
  readonly drops: Record<SegmentDropReason, number> = Object.fromEntries(SEGMENT_DROP_REASONS.map((r) => [r, 0])) as Record<SegmentDropReason, number>;
  /** The smallest MTU among the links (segments fit whichever link they leave by). */
  private mtu = 1500;
  /** Room kept for the outer header when some real server is reached by TUN. */
  private reserve = 0;

  /** Recompute the segment size after links or virtual services change. */
  configure(linkMtus: readonly number[], ipvs: Ipvs): void {
    this.mtu = linkMtus.length > 0 ? Math.min(...linkMtus) : 1500;
    let reserve = 0;
    for (const svc of ipvs.services.values()) {
      for (const d of svc.dests) if (d.fwd === 'tun') reserve = Math.max(reserve, d.family === 6 ? IP6_TUNNEL_HEADER : IPIP_HEADER);
    }
    // COMPAT(ipvsadm): IPVS cuts a GSO skb for the route it takes; here one size serves every
    // large frame cut: the smallest link MTU, less the largest outer header of the TUN real
    // servers (20 bytes of IPv4, 40 of IPv6).
    this.reserve = reserve;
  }

  /**
   * Is the IP packet in `frame[0, length)` bigger than `linkMtu`, the MTU of the link it came in
   * on? No sender puts such a packet on the wire: it is an aggregate.
   */
  static oversized(frame: Uint8Array, length: number, linkMtu: number): boolean {
    if (length <= linkMtu + 14) return false;
    const tagged = length >= 18 && frame[12] === 0x81 && frame[13] === 0x00;
    return length - (tagged ? 18 : 14) > linkMtu;
  }

  /**
   * Take a large frame; returns the number of segments to forward (0: dropped, counted).
   * `maxPayload`: the sender's segment size when known (virtio_net_hdr gso_size), never exceeded.
   */
  start(frame: Uint8Array, length: number, maxPayload = Infinity): number {
    this.frames++;
    const why = this.segmenter.start(frame, length, this.mtu, this.reserve, maxPayload);
    if (why !== null) {
      this.drops[why]++;
      return 0;
    }
    this.segments += this.segmenter.count;
    return this.segmenter.count;
  }

  /** Write segment `i` of the current frame into {@link segment}; returns its length. */
  write(i: number): number {
    return this.segmenter.write(i, this.segment);
  }
}
