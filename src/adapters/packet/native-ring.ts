/**
 * The AF_PACKET ring functions of the native addon (native/src/packet_ring.c), loaded through the
 * same optional loader as the VRRP sockets. Frames arrive a retired ring block at a time: `block`
 * is the block's memory (valid only during the callback) and `desc` holds 4 words per frame.
 */
import { loadNative } from '../vrrp/native.js';

export interface RingOpenOptions {
  readonly ifname: string;
  readonly blockSize?: number;
  readonly blockCount?: number;
  readonly frameSize?: number;
  /** How long the kernel waits before handing over a block that is not full (ms). */
  readonly retireMs?: number;
  /** PACKET_FANOUT group id (0: no fanout) and mode (0 hash, 1 lb, 2 cpu, ...). */
  readonly fanoutGroup?: number;
  readonly fanoutMode?: number;
}

export interface RingHandle {
  readonly ifindex: number;
}

export interface RingStats {
  readonly packets: number;
  readonly drops: number;
  readonly freezes: number;
}

/** Descriptor words per frame: offset in block, captured length, length on the wire, flags. */
export const DESC_WORDS = 4;
export const DESC_FLAG = { PKTTYPE_MASK: 0xff, CSUM_NOT_READY: 0x100, VLAN_VALID: 0x200 } as const;
/** sll_pkttype values (linux/if_packet.h). */
export const PKTTYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;

export interface RingAddon {
  ringOpen(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle;
  /** Send `count` frames given as [offset, length] pairs into `buf`; returns how many went out. */
  ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number): number;
  ringStats(h: RingHandle): RingStats;
  ringClose(h: RingHandle): void;
}

export type RingLoad = { readonly ok: true; readonly addon: RingAddon } | { readonly ok: false; readonly reason: string };

export function loadRingAddon(): RingLoad {
  const n = loadNative();
  if (!n.ok) return n;
  const a = n.addon as unknown as Partial<RingAddon>;
  if (typeof a.ringOpen !== 'function') return { ok: false, reason: `native addon at ${n.path} has no AF_PACKET rings: rebuild it with \`npm run build:native\`` };
  return { ok: true, addon: a as RingAddon };
}
