/**
 * Software segmentation of large TCP frames (what the kernel's GSO does in tcp_gso_segment):
 * veth peers, GRO on real NICs and virtio guests hand an AF_PACKET socket "super-frames" of up to
 * 64 KB — one TCP segment bigger than the MTU, whose checksum often holds only the pseudo-header
 * sum. Kernel IPVS forwards such skbs whole and lets the output path cut them; the packet engine
 * cuts them first, into frames that fit the output MTU, and forwards each as a normal frame.
 *
 * Each segment gets the input's Ethernet, IP and TCP headers (options included) with: the
 * sequence number advanced by the payload before it, IPv4 total length / identification (+1 per
 * segment) / header checksum, or IPv6 payload length; FIN and PSH only on the last segment, CWR
 * only on the first; a full TCP checksum. Segments are written into a caller-provided buffer, one
 * at a time, so nothing is allocated per frame.
 */
import { finishChecksum, internetChecksum, onesSum } from '../../wire/checksum.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { pseudoHeaderSum } from '../../wire/transport.js';
import { FrameView } from './frame-view.js';
import { WideSummer } from './wide-sum.js';

/** Why a large frame cannot be segmented (each is a drop reason of its own). */
export const SEGMENT_DROP_REASONS = [
  /** Not TCP (UDP GSO/fragmentation offload, tunnels, unknown): not segmented, dropped. */
  'gso-not-tcp',
  /** The frame's headers do not parse (or it is a fragment, or its IP length is not the frame's). */
  'gso-malformed',
  /** The MTU leaves no room for payload after the headers. */
  'gso-mtu-too-small',
] as const;
export type SegmentDropReason = (typeof SEGMENT_DROP_REASONS)[number];

const TCP_FIN = 0x01;
const TCP_PSH = 0x08;
const TCP_CWR = 0x80;
const TCP_CHECKSUM_AT = 16;

export class TcpSegmenter {
  private readonly view = new FrameView();
  private readonly summer = new WideSummer();
  private input: Uint8Array = new Uint8Array(0);
  /** Bytes of headers copied into every segment (Ethernet + IP + TCP), and where they start. */
  private headers = 0;
  private l3 = 0;
  private l4 = 0;
  private family: 4 | 6 = 4;
  private payloadStart = 0;
  private payloadEnd = 0;
  /** Payload bytes per segment (the last may carry fewer). */
  mss = 0;
  /** Segments the current frame is cut into. */
  count = 0;
  private seq = 0;
  private ipId = 0;
  private flags = 0;

  /**
   * Take the frame `frame[0, length)` whose IP packet is to be cut into packets of at most
   * `mtu` bytes, `reserve` of which are kept free (20 for an IP-in-IP outer header), and of at
   * most `maxPayload` payload bytes (the sender's segment size, when the aggregate says it).
   * Returns null when it can be segmented ({@link count} segments of {@link mss} payload bytes),
   * else why not.
   */
  start(frame: Uint8Array, length: number, mtu: number, reserve = 0, maxPayload = Infinity): SegmentDropReason | null {
    const f = this.view;
    if (f.parse(frame, length) !== null) return 'gso-malformed';
    if ((f.etherType !== ETHERTYPE.IPV4 && f.etherType !== ETHERTYPE.IPV6) || f.protocol !== IP_PROTO.TCP) return 'gso-not-tcp';
    if (f.fragment || f.l4 < 0 || f.l3End !== length) return 'gso-malformed';
    const thl = (frame[f.l4 + 12]! >>> 4) << 2;
    if (f.l3End - f.l4 < thl) return 'gso-malformed';
    this.input = frame;
    this.family = f.family;
    this.l3 = f.l3;
    this.l4 = f.l4;
    this.headers = f.l4 + thl;
    this.payloadStart = this.headers;
    this.payloadEnd = f.l3End;
    this.mss = Math.min(mtu - reserve - (this.headers - f.l3), maxPayload);
    if (this.mss <= 0) return 'gso-mtu-too-small';
    const payload = this.payloadEnd - this.payloadStart;
    this.count = Math.max(1, Math.ceil(payload / this.mss));
    const t = f.l4;
    this.seq = ((frame[t + 4]! << 24) | (frame[t + 5]! << 16) | (frame[t + 6]! << 8) | frame[t + 7]!) >>> 0;
    this.flags = frame[t + 13]!;
    this.ipId = f.family === 4 ? (frame[f.l3 + 4]! << 8) | frame[f.l3 + 5]! : 0;
    return null;
  }

  /** Write segment `i` (0 ≤ i < count) at the start of `out`; returns its length in bytes. */
  write(i: number, out: Uint8Array): number {
    const src = this.input;
    const h = this.headers;
    const from = this.payloadStart + i * this.mss;
    const to = Math.min(from + this.mss, this.payloadEnd);
    const size = h + (to - from);
    if (out.length < size) return 0;
    out.set(src.subarray(0, h), 0);
    out.set(src.subarray(from, to), h);
    const l3 = this.l3;
    const ipLength = size - l3;
    if (this.family === 4) {
      out[l3 + 2] = ipLength >>> 8;
      out[l3 + 3] = ipLength & 0xff;
      const id = (this.ipId + i) & 0xffff;
      out[l3 + 4] = id >>> 8;
      out[l3 + 5] = id & 0xff;
      out[l3 + 10] = 0;
      out[l3 + 11] = 0;
      const c = internetChecksum(out, l3, this.l4 - l3);
      out[l3 + 10] = c >>> 8;
      out[l3 + 11] = c & 0xff;
    } else {
      const payloadLength = ipLength - 40;
      out[l3 + 4] = payloadLength >>> 8;
      out[l3 + 5] = payloadLength & 0xff;
    }
    const t = this.l4;
    const seq = (this.seq + i * this.mss) >>> 0;
    out[t + 4] = seq >>> 24;
    out[t + 5] = (seq >>> 16) & 0xff;
    out[t + 6] = (seq >>> 8) & 0xff;
    out[t + 7] = seq & 0xff;
    let flags = this.flags;
    if (i !== this.count - 1) flags &= ~(TCP_FIN | TCP_PSH);
    if (i !== 0) flags &= ~TCP_CWR;
    out[t + 13] = flags;
    // The full checksum (the input's may hold only the pseudo-header sum): header, then payload.
    out[t + TCP_CHECKSUM_AT] = 0;
    out[t + TCP_CHECKSUM_AT + 1] = 0;
    const addrLen = this.family === 4 ? 4 : 16;
    const srcAt = this.family === 4 ? l3 + 12 : l3 + 8;
    let sum = pseudoHeaderSum(out, srcAt, srcAt + addrLen, addrLen, IP_PROTO.TCP, size - t);
    sum = onesSum(out, t, h - t, sum);
    sum = this.summer.sum(out, h, size - h, sum);
    const c = finishChecksum(sum);
    out[t + TCP_CHECKSUM_AT] = c >>> 8;
    out[t + TCP_CHECKSUM_AT + 1] = c & 0xff;
    return size;
  }
}
