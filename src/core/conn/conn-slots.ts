/**
 * The slots of the IPVS connection table as struct-of-arrays: allocation, the free list, and
 * every field of an entry. The hash index over them is conn-table.ts.
 *
 * Everything a lookup compares sits in one 32-byte record per entry (one cache miss per chain
 * step): chain link, hash, ports, family/protocol/flags and the first word of each address.
 * IPv6 addresses keep their other three words in a side table allocated when the first IPv6
 * entry appears. Nothing here allocates after a slot exists.
 */
import type { Family } from '../addr.js';

/** Which address of an entry. */
export const CADDR = 0;
export const VADDR = 1;
export const DADDR = 2;

/** Record layout (32-bit words). */
export const STRIDE = 8;
export const R_NEXT = 0;
export const R_HASH = 1;
/** cport | vport << 16 */
export const R_PORTS = 2;
/** family | protocol << 8 | flags << 16 */
export const R_META = 3;
/** First word of client, virtual, destination address. */
export const R_ADDR = 4;
/** dport | destination family << 16 */
export const R_DPORT = 7;
/** IPv6 side table: words 1..3 of the three addresses. */
const HI = 9;

export interface ConnTableOptions {
  /** Slots allocated up front (rounded up to a power of two, at least 64). */
  readonly initialCapacity?: number;
  /** Hard limit on live entries; creating more fails (the kernel's ENOMEM). */
  readonly maxEntries?: number;
  /** Seed of the key hash (the kernel randomises it at boot against hash flooding). */
  readonly hashSeed?: number;
}

const DEFAULT_MAX_ENTRIES = 1 << 24;

function nextPow2(n: number): number {
  let p = 64;
  while (p < n) p *= 2;
  return p;
}

function grown<T extends Uint8Array | Uint32Array | Int32Array>(old: T | undefined, next: T): T {
  if (old) next.set(old);
  return next;
}

export class ConnSlots {
  capacity: number;
  readonly maxEntries: number;
  /** Allocated (live) slots, hashed or not. */
  count = 0;
  protected rec!: Uint32Array;
  protected recI!: Int32Array;
  private hi: Uint32Array | null = null;
  state!: Uint8Array;
  /** Destination handle (dest-registry.ts), -1 for none (bypass entries). */
  dest!: Int32Array;
  /** Index of the controlling entry (template or FTP control connection), -1 for none. */
  control!: Int32Array;
  /** How many entries this one controls. */
  nControl!: Int32Array;
  /** Current timeout in ms (set by each state transition; templates: the persistence timeout). */
  timeout!: Uint32Array;
  inPkts!: Uint32Array;
  fwmark!: Uint32Array;
  private freeHead = -1;
  private highWater = 0;

  constructor(opts: ConnTableOptions = {}) {
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.capacity = Math.min(nextPow2(opts.initialCapacity ?? 1024), nextPow2(this.maxEntries));
    this.allocate(this.capacity);
  }

  private allocate(cap: number): void {
    this.rec = grown(this.rec, new Uint32Array(cap * STRIDE));
    this.recI = new Int32Array(this.rec.buffer);
    if (this.hi) this.hi = grown(this.hi, new Uint32Array(cap * HI));
    this.state = grown(this.state, new Uint8Array(cap));
    this.dest = grown(this.dest, new Int32Array(cap));
    this.control = grown(this.control, new Int32Array(cap));
    this.nControl = grown(this.nControl, new Int32Array(cap));
    this.timeout = grown(this.timeout, new Uint32Array(cap));
    this.inPkts = grown(this.inPkts, new Uint32Array(cap));
    this.fwmark = grown(this.fwmark, new Uint32Array(cap));
  }

  // --- field access -------------------------------------------------------------------------

  family(idx: number): number {
    return this.rec[idx * STRIDE + R_META]! & 0xff;
  }
  proto(idx: number): number {
    return (this.rec[idx * STRIDE + R_META]! >>> 8) & 0xff;
  }
  flags(idx: number): number {
    return this.rec[idx * STRIDE + R_META]! >>> 16;
  }
  setFlags(idx: number, f: number): void {
    const at = idx * STRIDE + R_META;
    this.rec[at] = (this.rec[at]! & 0xffff) | ((f & 0xffff) << 16);
  }
  cport(idx: number): number {
    return this.rec[idx * STRIDE + R_PORTS]! & 0xffff;
  }
  vport(idx: number): number {
    return this.rec[idx * STRIDE + R_PORTS]! >>> 16;
  }
  dport(idx: number): number {
    return this.rec[idx * STRIDE + R_DPORT]! & 0xffff;
  }
  /** Family of the destination address (tunnels may cross families). */
  daf(idx: number): Family {
    return (this.rec[idx * STRIDE + R_DPORT]! >>> 16) === 6 ? 6 : 4;
  }

  /** Copy address `which` (CADDR, VADDR, DADDR) of an entry into 4 words of `out`. */
  copyAddr(idx: number, which: number, out: Uint32Array, off = 0): void {
    out[off] = this.rec[idx * STRIDE + R_ADDR + which]!;
    const hi = this.hi;
    const b = idx * HI + which * 3;
    out[off + 1] = hi ? hi[b]! : 0;
    out[off + 2] = hi ? hi[b + 1]! : 0;
    out[off + 3] = hi ? hi[b + 2]! : 0;
  }

  private setAddr(idx: number, which: number, a: ArrayLike<number>, off: number, af: number): void {
    this.rec[idx * STRIDE + R_ADDR + which] = a[off]!;
    if (af === 6 && !this.hi) this.hi = new Uint32Array(this.capacity * HI);
    const hi = this.hi;
    if (!hi) return;
    const b = idx * HI + which * 3;
    hi[b] = af === 6 ? a[off + 1]! : 0;
    hi[b + 1] = af === 6 ? a[off + 2]! : 0;
    hi[b + 2] = af === 6 ? a[off + 3]! : 0;
  }

  // --- slots ----------------------------------------------------------------------------------

  /** Grab a free slot (its fields are reset), or -1 when the table is at maxEntries. */
  alloc(): number {
    let idx = this.freeHead;
    if (idx >= 0) {
      this.freeHead = this.recI[idx * STRIDE + R_NEXT]!;
    } else {
      if (this.highWater >= this.maxEntries) return -1;
      if (this.highWater === this.capacity) this.grow();
      idx = this.highWater++;
    }
    this.count++;
    this.rec.fill(0, idx * STRIDE, idx * STRIDE + STRIDE);
    this.recI[idx * STRIDE + R_NEXT] = -1;
    this.hi?.fill(0, idx * HI, idx * HI + HI);
    this.state[idx] = 0;
    this.dest[idx] = -1;
    this.control[idx] = -1;
    this.nControl[idx] = 0;
    this.timeout[idx] = 0;
    this.inPkts[idx] = 0;
    this.fwmark[idx] = 0;
    return idx;
  }

  /** Return a slot; it must already be unhashed. */
  free(idx: number): void {
    this.rec[idx * STRIDE + R_META] = 0;
    this.recI[idx * STRIDE + R_NEXT] = this.freeHead;
    this.freeHead = idx;
    this.count--;
  }

  isLive(idx: number): boolean {
    return idx >= 0 && idx < this.highWater && this.family(idx) !== 0;
  }

  /** One past the highest slot ever used (iteration bound). */
  get slotsInUse(): number {
    return this.highWater;
  }

  /** Bytes of typed arrays held (for benchmarks). */
  get bytes(): number {
    let n = this.rec.byteLength + (this.hi?.byteLength ?? 0);
    for (const a of [this.state, this.dest, this.control, this.nControl, this.timeout, this.inPkts, this.fwmark]) n += a.byteLength;
    return n;
  }

  /** Double the slots (up to maxEntries); the index rebuilds itself on top. */
  protected grow(): void {
    const cap = Math.min(this.capacity * 2, nextPow2(this.maxEntries));
    this.allocate(cap);
    this.capacity = cap;
  }

  /** Set the key of a fresh slot. Addresses are 4 words each at the given offsets. */
  setKey(idx: number, af: Family, proto: number, caddr: ArrayLike<number>, cOff: number, cport: number, vaddr: ArrayLike<number>, vOff: number, vport: number): void {
    this.rec[idx * STRIDE + R_META] = af | (proto << 8) | (this.flags(idx) << 16);
    this.rec[idx * STRIDE + R_PORTS] = (cport | (vport << 16)) >>> 0;
    this.setAddr(idx, CADDR, caddr, cOff, af);
    this.setAddr(idx, VADDR, vaddr, vOff, af);
  }

  setDestAddr(idx: number, daf: Family, daddr: ArrayLike<number>, dOff: number, dport: number): void {
    this.setAddr(idx, DADDR, daddr, dOff, daf);
    this.rec[idx * STRIDE + R_DPORT] = dport | (daf << 16);
  }

  /** Change the virtual and destination ports of an entry in place (template invalidation). */
  setPorts(idx: number, vport: number, dport: number): void {
    const at = idx * STRIDE;
    this.rec[at + R_PORTS] = ((this.rec[at + R_PORTS]! & 0xffff) | (vport << 16)) >>> 0;
    this.rec[at + R_DPORT] = (this.rec[at + R_DPORT]! & 0xffff0000) | dport;
  }

  /** Words 1..3 of address `which` of an entry equal `w[1..3]` (all zero while there is no IPv6 side table). */
  protected hiEq(idx: number, which: number, w: ArrayLike<number>): boolean {
    const hi = this.hi;
    const b = idx * HI + which * 3;
    if (!hi) return w[1] === 0 && w[2] === 0 && w[3] === 0;
    return hi[b] === w[1] && hi[b + 1] === w[2] && hi[b + 2] === w[3];
  }
}
