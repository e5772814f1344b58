/**
 * Frames waiting to leave by one interface during one received block: frames rewritten in place
 * are sent straight from the ring block ([offset, length] pairs into it); frames the forwarding
 * path built elsewhere (tunnel, ICMP, re-tagged) are copied into a staging area first. Both go
 * out in batches through `ringSend`.
 */
import type { RingAddon, RingHandle } from './native-ring.js';

export const TX_PAIRS = 1024;
const STAGING_BYTES = TX_PAIRS * 256;

export class TxBatch {
  private readonly blockPairs = new Uint32Array(TX_PAIRS * 2);
  private readonly staging = new Uint8Array(STAGING_BYTES);
  private readonly stagingPairs = new Uint32Array(TX_PAIRS * 2);
  private nBlock = 0;
  private nStaged = 0;
  private stagingUsed = 0;
  /** Frames the kernel did not take, or that did not fit the staging area. */
  failed = 0;

  constructor(
    private readonly addon: RingAddon,
    private readonly ring: RingHandle,
  ) {}

  /** Queue `length` bytes at `off` of the block being processed; flushes when full. */
  addFromBlock(block: Uint8Array, off: number, length: number): void {
    if (this.nBlock === TX_PAIRS) this.flush(block);
    this.blockPairs[this.nBlock * 2] = off;
    this.blockPairs[this.nBlock * 2 + 1] = length;
    this.nBlock++;
  }

  /** Copy `frame[0, length)` into the staging area and queue it. */
  addCopy(block: Uint8Array, frame: Uint8Array, length: number): void {
    if (length > this.staging.length) {
      this.failed++;
      return;
    }
    if (this.nStaged === TX_PAIRS || this.stagingUsed + length > this.staging.length) this.flush(block);
    this.staging.set(frame.subarray(0, length), this.stagingUsed);
    this.stagingPairs[this.nStaged * 2] = this.stagingUsed;
    this.stagingPairs[this.nStaged * 2 + 1] = length;
    this.stagingUsed += length;
    this.nStaged++;
  }

  /** Send everything queued (the block must be the one the block pairs point into). */
  flush(block: Uint8Array): void {
    if (this.nBlock > 0) this.failed += this.nBlock - sendOrNone(this.addon, this.ring, block, this.blockPairs, this.nBlock);
    if (this.nStaged > 0) this.failed += this.nStaged - sendOrNone(this.addon, this.ring, this.staging, this.stagingPairs, this.nStaged);
    this.nBlock = 0;
    this.nStaged = 0;
    this.stagingUsed = 0;
  }
}

/**
 * `ringSend`, where an error (a closed ring, an errno the addon does not treat as "not taken")
 * means nothing was taken: thrown inside a ring's receive callback it would end the process.
 */
export function sendOrNone(addon: RingAddon, ring: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number, vnet?: Uint8Array): number {
  try {
    return vnet === undefined ? addon.ringSend(ring, buf, pairs, count) : addon.ringSend(ring, buf, pairs, count, vnet);
  } catch {
    return 0;
  }
}
