/**
 * The AF_PACKET ring functions of the native addon (native/src/packet_ring.c), loaded through the
 * same optional loader as the VRRP sockets. Frames arrive a batch per call: `block` is ring memory
 * (valid only during the callback; with TPACKET_V2 the whole ring, with V3 one retired block) and
 * `desc` holds {@link DESC_WORDS} words per frame, the first being the frame's offset in `block`.
 */
import { loadNative } from '../vrrp/native.js';

export interface RingOpenOptions {
  readonly ifname: string;
  /**
   * Ring block size (default 256 KiB), a multiple of the page size. The kernel allocates each
   * block as 2^n pages, so a power of two wastes nothing (68 KiB takes 128 KiB).
   */
  readonly blockSize?: number;
  readonly blockCount?: number;
  /** Bytes per frame slot (default 2048), a multiple of 16; slots do not cross blocks. */
  readonly frameSize?: number;
  /**
   * 2 (default): the kernel hands over each frame as soon as it is written and wakes the reader,
   * so a lone packet is forwarded at once. 3: frames come a block at a time, when the block is full
   * or `retireMs` after its first frame — at low rates every packet waits that long (measured:
   * 1 ms per request through the director, 0.05 ms with 2) — but under a flood its big batches
   * cost fewer wake-ups (bench/packet-ring.ts: about twice the frames per second of V2).
   */
  readonly tpacketVersion?: 2 | 3;
  /** TPACKET_V3: how long the kernel waits before handing over a block that is not full (ms). */
  readonly retireMs?: number;
  /**
   * TPACKET_V2: after a batch, keep looking for the next frame this long (µs, default 0) before
   * sleeping. Saves wake-ups only where a core is free: on a busy host it takes CPU from the
   * others (on the 2 shared cores measured, 10–50 µs lowered both HTTP and flood rates).
   */
  readonly spinUs?: number;
  /** PACKET_FANOUT group id (0: no fanout) and mode (0 hash, 1 lb, 2 cpu, ...). */
  readonly fanoutGroup?: number;
  readonly fanoutMode?: number;
  /** Classic BPF (struct sock_filter records) the kernel runs before a frame takes ring space. */
  readonly filter?: Uint8Array;
  /**
   * PACKET_VNET_HDR (default false): each received frame's virtio_net_hdr lands in descriptor
   * words 4 and 5 (GSO type and size of an aggregate, where a partial checksum is to be finished),
   * and every frame sent goes with one — given per frame to `ringSend`, else an empty one — so an
   * aggregate can be sent whole for the kernel (or the device) to segment.
   */
  readonly vnetHeader?: boolean;
}

export interface RingHandle {
  readonly ifindex: number;
  /** Opened with PACKET_VNET_HDR (set by the addon; absent reads as false). */
  readonly vnetHeader?: boolean;
}

export interface RingStats {
  readonly packets: number;
  readonly drops: number;
  readonly freezes: number;
  /**
   * Socket errors the receive poll met since the ring was opened (an interface going down); the
   * ring clears each and keeps polling. Absent from an addon built before it was counted.
   */
  readonly errors?: number;
}

/**
 * Descriptor words per frame: offset in block, captured length, length on the wire, flags; then
 * (0 without vnetHeader) the frame's virtio_net_hdr as `flags | gsoType << 8 | gsoSize << 16` and
 * `csumStart | csumOffset << 16` (see {@link readVnet}).
 */
export const DESC_WORDS = 6;
export const DESC_FLAG = { PKTTYPE_MASK: 0xff, CSUM_NOT_READY: 0x100, VLAN_VALID: 0x200 } as const;
/** sll_pkttype values (linux/if_packet.h). */
export const PKTTYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;

/** struct virtio_net_hdr (linux/virtio_net.h): flags and GSO types. */
export const VNET = {
  F_NEEDS_CSUM: 1,
  F_DATA_VALID: 2,
  GSO_NONE: 0,
  GSO_TCPV4: 1,
  GSO_UDP: 3,
  GSO_TCPV6: 4,
  GSO_UDP_L4: 5,
  GSO_ECN: 0x80,
  /** Bytes of the header before each frame on the socket. */
  HEADER_BYTES: 10,
} as const;

/** A frame's virtio_net_hdr, as the kernel filled it in (reused: see {@link readVnet}). */
export interface VnetHeader {
  flags: number;
  gsoType: number;
  gsoSize: number;
  csumStart: number;
  csumOffset: number;
}

/** Decode descriptor `i`'s virtio_net_hdr words into `out` (returned). */
export function readVnet(desc: Uint32Array, i: number, out: VnetHeader): VnetHeader {
  const a = desc[i * DESC_WORDS + 4]!;
  const b = desc[i * DESC_WORDS + 5]!;
  out.flags = a & 0xff;
  out.gsoType = (a >>> 8) & 0xff;
  out.gsoSize = a >>> 16;
  out.csumStart = b & 0xffff;
  out.csumOffset = b >>> 16;
  return out;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Write header `i` of a `ringSend` vnet array (10 bytes each). A packet socket reads the 16-bit
 * fields in the host's byte order (vio_le(): legacy virtio is native-endian); `hdrLen` is the
 * length of the headers before the payload.
 */
export function writeVnet(out: DataView, i: number, h: Readonly<VnetHeader>, hdrLen: number): void {
  const at = i * VNET.HEADER_BYTES;
  out.setUint8(at, h.flags);
  out.setUint8(at + 1, h.gsoType);
  out.setUint16(at + 2, hdrLen, HOST_LITTLE_ENDIAN);
  out.setUint16(at + 4, h.gsoSize, HOST_LITTLE_ENDIAN);
  out.setUint16(at + 6, h.csumStart, HOST_LITTLE_ENDIAN);
  out.setUint16(at + 8, h.csumOffset, HOST_LITTLE_ENDIAN);
}

export interface RingAddon {
  ringOpen(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle;
  /**
   * Send `count` frames given as [offset, length] pairs into `buf`; returns how many the kernel
   * took (it stops where the socket is full; a frame it refuses is skipped). `vnet` (a ring
   * opened with vnetHeader only): 10 bytes of virtio_net_hdr per frame ({@link writeVnet}).
   */
  ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number, vnet?: Uint8Array): number;
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

/** struct sock_filter records ({u16 code, u8 jt, u8 jf, u32 k}, host byte order) for `filter`. */
export function sockFilter(insns: readonly (readonly [code: number, jt: number, jf: number, k: number])[]): Uint8Array {
  const out = new Uint8Array(insns.length * 8);
  const view = new DataView(out.buffer);
  const little = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  insns.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, little);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k >>> 0, little);
  });
  return out;
}

/**
 * Only untagged IPv4 frames carrying one of `protocols` (4 and 41, IP-in-IP and IPv6-in-IPv4, for
 * the real server's decapsulator, so the host's other traffic never wakes it up):
 * ldh [12]; jeq #0x800 else drop; ldb [23]; jeq #p → accept (for each p); drop: ret #0; accept: ret #0x40000.
 */
export function ipv4ProtocolFilter(protocols: readonly number[]): Uint8Array {
  const n = protocols.length;
  return sockFilter([
    [0x28, 0, 0, 12],
    [0x15, 0, n + 1, 0x0800],
    [0x30, 0, 0, 23],
    ...protocols.map((p, i) => [0x15, n - i, 0, p] as const),
    [0x06, 0, 0, 0],
    [0x06, 0, 0, 0x40000],
  ]);
}
