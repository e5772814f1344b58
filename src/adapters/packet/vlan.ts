/**
 * 802.1Q tags on received frames: the kernel (VLAN offload) takes the tag off and reports it in
 * the ring's metadata, so the frame is rebuilt with its tag before forwarding and leaves tagged.
 */

import { RING_FRAME_BYTES } from './large-frames.js';

/**
 * Room for the largest frame a ring slot holds plus the tag: a slot (less its own header, so this
 * is more than enough) plus 4 — 64 KiB + 18 was short of a tagged IPv6 aggregate (65,575 bytes of
 * IP after 14 of Ethernet).
 */
export const VLAN_SCRATCH_BYTES = RING_FRAME_BYTES + 4;

/**
 * Write `frame[0, length)` into `out` with an 802.1Q tag (TPID 0x8100, `tci`) after the MACs.
 * Returns the new length, or 0 when the frame is shorter than an Ethernet header or `out` too small.
 */
export function vlanRetag(frame: Uint8Array, length: number, tci: number, out: Uint8Array): number {
  if (length < 14 || out.length < length + 4) return 0;
  out.set(frame.subarray(0, 12), 0);
  out[12] = 0x81;
  out[13] = 0x00;
  out[14] = (tci >>> 8) & 0xff;
  out[15] = tci & 0xff;
  out.set(frame.subarray(12, length), 16);
  return length + 4;
}

/** Remove the 802.1Q tag of `frame` in place (if it has one); returns the new length. */
export function vlanStrip(frame: Uint8Array, length: number): number {
  if (length < 18 || frame[12] !== 0x81 || frame[13] !== 0x00) return length;
  frame.copyWithin(12, 16, length);
  return length - 4;
}
