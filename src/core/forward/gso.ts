/**
 * A TCP GSO aggregate forwarded whole (the packet engine's rings with virtio_net_hdr): after the
 * forwarding path rewrote its headers like any frame's, its TCP checksum field must hold what a
 * sending stack leaves for checksum offload — the pseudo-header sum (addresses, protocol, TCP
 * length of the whole aggregate), folded, not complemented — so that the kernel's segmentation
 * (tcp_gso_segment) or the device can finish each segment's checksum from csum_start on. The
 * field's previous content does not matter: it is replaced, never adjusted.
 */
import { IP_PROTO } from '../../wire/ipv4.js';
import { pseudoHeaderSum } from '../../wire/transport.js';
import type { FrameView } from './frame-view.js';

/** Where the TCP checksum sits in the TCP header (the virtio_net_hdr csum_offset). */
export const TCP_CHECKSUM_OFFSET = 16;

/** One past the TCP header (options included) of the frame in `f`: the headers every segment repeats. */
export function tcpHeadersEnd(f: FrameView): number {
  return f.l4 + ((f.buf[f.l4 + 12]! >>> 4) << 2);
}

/** Write the partial (pseudo-header) checksum of the TCP packet in `f` into its checksum field. */
export function setPartialChecksum(f: FrameView): void {
  const addrLen = f.family === 4 ? 4 : 16;
  let sum = pseudoHeaderSum(f.buf, f.srcAt, f.dstAt, addrLen, IP_PROTO.TCP, f.l3End - f.l4);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  f.buf[f.l4 + TCP_CHECKSUM_OFFSET] = sum >>> 8;
  f.buf[f.l4 + TCP_CHECKSUM_OFFSET + 1] = sum & 0xff;
}
