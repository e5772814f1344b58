/**
 * TCP GSO aggregates leaving by one interface whole, each with the virtio_net_hdr that asks the
 * kernel to segment it at `gsoSize` and to finish its checksum from `csumStart` (the TCP header):
 * kernel IPVS forwards such skbs the same way and lets GSO (or the device's TSO) cut them at the
 * last moment, so a receiver on a veth gets them whole. Frames are sent from where they lie in
 * the ring block (rewritten in place), a batch per `ringSend`.
 */
import { VNET, writeVnet, type RingAddon, type RingHandle, type VnetHeader } from './native-ring.js';
import { sendOrNone } from './tx-batch.js';

const MAX_AGGREGATES = 64;

export class AggregateTx {
  private readonly pairs = new Uint32Array(MAX_AGGREGATES * 2);
  private readonly headers = new Uint8Array(MAX_AGGREGATES * VNET.HEADER_BYTES);
  private readonly headerView = new DataView(this.headers.buffer);
  private readonly header: VnetHeader = { flags: VNET.F_NEEDS_CSUM, gsoType: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 };
  private n = 0;
  /** Aggregates the kernel did not take. */
  failed = 0;

  constructor(
    private readonly addon: RingAddon,
    private readonly ring: RingHandle,
  ) {}

  /** Is anything queued? */
  get pending(): boolean {
    return this.n > 0;
  }

  /**
   * Queue `length` bytes at `off` of `block`: a TCP aggregate of type `gsoType` (TCPV4/TCPV6,
   * with the ECN bit as received) to be cut at `gsoSize` payload bytes; its TCP header starts at
   * `l4`, its checksum (at l4 + `csumOffset`) holds the pseudo-header sum, and `headersEnd` bytes
   * of headers come before the payload.
   */
  add(block: Uint8Array, off: number, length: number, gsoType: number, gsoSize: number, l4: number, csumOffset: number, headersEnd: number): void {
    if (this.n === MAX_AGGREGATES) this.flush(block);
    const h = this.header;
    h.gsoType = gsoType;
    h.gsoSize = gsoSize;
    h.csumStart = l4;
    h.csumOffset = csumOffset;
    writeVnet(this.headerView, this.n, h, headersEnd);
    this.pairs[this.n * 2] = off;
    this.pairs[this.n * 2 + 1] = length;
    this.n++;
  }

  /** Send what is queued (the block must be the one the pairs point into). */
  flush(block: Uint8Array): void {
    if (this.n === 0) return;
    this.failed += this.n - sendOrNone(this.addon, this.ring, block, this.pairs, this.n, this.headers);
    this.n = 0;
  }
}
