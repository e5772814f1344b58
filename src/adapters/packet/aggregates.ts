/**
 * GSO/GRO aggregates in the packet data plane (TCP segments of up to 64 KB that veth peers,
 * virtio and GRO hand the rings whole). With virtio_net_hdr on the rings, DR and NAT forward an
 * aggregate whole — one connection decision and one packet in the counters, as IPVS counts a GSO
 * skb — and the kernel (or the device) segments it at the last moment; TUN, links whose MTU the
 * sender's segments do not fit, and rings without the header get it cut into segments here
 * (large-frames.ts), each sent as a frame of its own.
 */
import type { Forwarder } from '../../core/forward/forwarder.js';
import { setPartialChecksum, tcpHeadersEnd, TCP_CHECKSUM_OFFSET } from '../../core/forward/gso.js';
import type { Link } from '../../core/forward/links.js';
import type { FrameVerdict } from '../../core/forward/verdict.js';
import type { Ipvs } from '../../core/ipvs.js';
import type { AggregateTx } from './aggregate-tx.js';
import { LargeFrames } from './large-frames.js';
import { VNET, type RingHandle, type VnetHeader } from './native-ring.js';
import type { TxBatch } from './tx-batch.js';
import { vlanStrip } from './vlan.js';

/** What the aggregate paths use of an interface the engine sends on. */
export interface AggregatePort {
  readonly link: Link;
  readonly ring: RingHandle;
  readonly tx: TxBatch;
  readonly whole: AggregateTx;
}

export class Aggregates {
  private readonly large = new LargeFrames();
  /** The current frame's virtio_net_hdr (filled by the caller with readVnet). */
  readonly vnet: VnetHeader = { flags: 0, gsoType: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 };
  /** TCP aggregates forwarded whole, with a virtio_net_hdr for the kernel to segment them. */
  private whole = 0;

  constructor(private readonly ports: readonly AggregatePort[]) {}

  /** Recompute the segment size after links or virtual services change. */
  configure(linkMtus: readonly number[], ipvs: Ipvs): void {
    this.large.configure(linkMtus, ipvs);
  }

  /**
   * An aggregate the ring described with a virtio_net_hdr ({@link vnet}): forwarded whole where
   * it can be (DR, NAT), its checksum left partial for the kernel to finish per segment.
   */
  forward(fw: Forwarder, inIndex: number, block: Buffer, off: number, frame: Uint8Array, len: number, now: number): void {
    const h = this.vnet;
    const kind = h.gsoType & ~VNET.GSO_ECN;
    if ((kind !== VNET.GSO_TCPV4 && kind !== VNET.GSO_TCPV6) || h.gsoSize === 0) {
      // UDP aggregates and unknown types: the segmenter counts and drops what it cannot cut.
      this.cut(fw, inIndex, block, frame, len, now, false);
      return;
    }
    fw.aggregate = true;
    let v: FrameVerdict;
    try {
      v = fw.process(frame, len, now, false, inIndex);
    } finally {
      fw.aggregate = false;
    }
    if (v.action === 'segment') return this.tunnel(fw, inIndex, block, frame, len, v);
    if (v.action !== 'transmit') return;
    const out = this.ports[v.link]!;
    if (v.frame !== frame) return queueCopy(out, block, v.frame, v.length);
    const f = fw.view;
    const headersEnd = tcpHeadersEnd(f);
    if (out.ring.vnetHeader !== true || headersEnd - f.l3 + h.gsoSize > out.link.mtu) {
      // Rewritten already: the segments need no forwarding decision, only cutting.
      const n = this.large.start(frame, len, h.gsoSize);
      for (let s = 0; s < n; s++) queueCopy(out, block, this.large.segment, this.large.write(s));
      return;
    }
    setPartialChecksum(f);
    // Frames queued before this one leave first (a flush with nothing queued costs nothing).
    out.tx.flush(block);
    out.whole.add(block, off, v.length, h.gsoType, h.gsoSize, f.l4, TCP_CHECKSUM_OFFSET, headersEnd);
    this.whole++;
  }

  /**
   * An aggregate without a usable virtio_net_hdr: cut into MTU-sized TCP segments, each forwarded
   * as a normal frame; `tagged`: it carries an 802.1Q tag meant only for the link it came from.
   * COMPAT(ipvsadm): IPVS sees the aggregate as one packet (one connection lookup, one packet in
   * its counters); here every segment is a packet, as on the wire after segmentation.
   */
  cut(fw: Forwarder, inIndex: number, block: Buffer, frame: Uint8Array, len: number, now: number, tagged: boolean): void {
    const n = this.large.start(frame, len);
    for (let s = 0; s < n; s++) {
      const v = fw.process(this.large.segment, this.large.write(s), now, false, inIndex);
      if (v.action !== 'transmit') continue;
      if (tagged && v.link !== inIndex) v.length = vlanStrip(v.frame, v.length);
      queueCopy(this.ports[v.link]!, block, v.frame, v.length);
    }
  }

  /** An aggregate to a TUN real server: cut with room for the outer header, each segment tunnelled. */
  private tunnel(fw: Forwarder, inIndex: number, block: Buffer, frame: Uint8Array, len: number, decided: FrameVerdict): void {
    const family = decided.tunnelFamily;
    const to = decided.tunnelTo;
    const n = this.large.start(frame, len, this.vnet.gsoSize);
    for (let s = 0; s < n; s++) {
      const v = fw.tunnelSegment(this.large.segment, this.large.write(s), family, to, inIndex);
      if (v.action === 'transmit') queueCopy(this.ports[v.link]!, block, v.frame, v.length);
    }
  }

  /** gsoWhole, gsoFrames (cut here), gsoSegments and the reasons aggregates were dropped. */
  counters(out: Record<string, number>): void {
    out['gsoFrames'] = this.large.frames;
    out['gsoSegments'] = this.large.segments;
    out['gsoWhole'] = this.whole;
    for (const [k, v] of Object.entries(this.large.drops)) if (v > 0) out[`drop:${k}`] = v;
  }
}

/** Queue a frame built outside the block, after any aggregate queued before it (frames keep their order). */
export function queueCopy(out: AggregatePort, block: Buffer, frame: Uint8Array, length: number): void {
  if (out.whole.pending) out.whole.flush(block);
  out.tx.addCopy(block, frame, length);
}
