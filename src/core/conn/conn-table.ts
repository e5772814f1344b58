/**
 * The IPVS connection table as struct-of-arrays, with a chained hash index on (family,
 * protocol, client address, client port) like the kernel's ip_vs_conn_tab. Both lookup
 * directions land in the same bucket: requests hash the packet's source, NAT replies the packet's
 * destination — the client in both cases. New entries go to the head of their chain, so the
 * newest of two equal keys wins.
 *
 * Everything a lookup compares sits in one 32-byte record per entry (one cache miss per chain
 * step): chain link, hash, ports, family/protocol/flags and the first word of each address.
 * IPv6 addresses keep their other three words in a side table allocated when the first IPv6
 * entry appears. Nothing here allocates after a slot exists.
 */
import type { Family } from '../addr.js';
import { CONN_F, FWD_CODE } from './flags.js';

/** Which address of an entry. */
export const CADDR = 0;
export const VADDR = 1;
export const DADDR = 2;

/** Record layout (32-bit words). */
const STRIDE = 8;
const R_NEXT = 0;
const R_HASH = 1;
/** cport | vport << 16 */
const R_PORTS = 2;
/** family | protocol << 8 | flags << 16 */
const R_META = 3;
/** First word of client, virtual, destination address. */
const R_ADDR = 4;
/** dport | destination family << 16 */
const R_DPORT = 7;
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

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function grown<T extends Uint8Array | Uint32Array | Int32Array>(old: T | undefined, next: T): T {
  if (old) next.set(old);
  return next;
}

export class ConnTable {
  capacity: number;
  readonly maxEntries: number;
  /** Allocated (live) slots, hashed or not. */
  count = 0;
  /** Hashed entries without a client port (enables the cport-0 second lookup). */
  noCportCount = 0;
  private readonly seed: number;
  private rec!: Uint32Array;
  private recI!: Int32Array;
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
  private buckets: Int32Array;
  private mask: number;
  private readonly scratch = new Uint32Array(4);
  private freeHead = -1;
  private highWater = 0;

  constructor(opts: ConnTableOptions = {}) {
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.seed = (opts.hashSeed ?? 0x2545f491) | 0;
    this.capacity = Math.min(nextPow2(opts.initialCapacity ?? 1024), nextPow2(this.maxEntries));
    this.allocate(this.capacity);
    this.buckets = new Int32Array(this.capacity).fill(-1);
    this.mask = this.capacity - 1;
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

  /** Hash of a lookup key; the client address is 4 words at `off` in `a`. */
  hashKey(af: number, proto: number, a: ArrayLike<number>, off: number, port: number): number {
    let h = mix(this.seed, a[off]!);
    if (af === 6) h = mix(mix(mix(h, a[off + 1]!), a[off + 2]!), a[off + 3]!);
    h = mix(h, port | (proto << 16) | (af << 24));
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  }

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
    let n = this.rec.byteLength + (this.hi?.byteLength ?? 0) + this.buckets.byteLength;
    for (const a of [this.state, this.dest, this.control, this.nControl, this.timeout, this.inPkts, this.fwmark]) n += a.byteLength;
    return n;
  }

  private grow(): void {
    const cap = Math.min(this.capacity * 2, nextPow2(this.maxEntries));
    this.allocate(cap);
    this.capacity = cap;
    this.rebuildIndex(cap);
  }

  /** Re-bucket every hashed entry, keeping each chain's relative order (newest first). */
  private rebuildIndex(nb: number): void {
    const old = this.buckets;
    const buckets = new Int32Array(nb).fill(-1);
    const tails = new Int32Array(nb).fill(-1);
    const mask = nb - 1;
    const r = this.recI;
    for (let b = 0; b < old.length; b++) {
      let i = old[b]!;
      while (i >= 0) {
        const next = r[i * STRIDE + R_NEXT]!;
        const nbk = this.rec[i * STRIDE + R_HASH]! & mask;
        r[i * STRIDE + R_NEXT] = -1;
        if (tails[nbk]! < 0) buckets[nbk] = i;
        else r[tails[nbk]! * STRIDE + R_NEXT] = i;
        tails[nbk] = i;
        i = next;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
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

  // --- index ----------------------------------------------------------------------------------

  /** Link a live entry into the index (head of its chain). */
  hash(idx: number): void {
    const at = idx * STRIDE;
    this.copyAddr(idx, CADDR, this.scratch);
    const h = this.hashKey(this.family(idx), this.proto(idx), this.scratch, 0, this.cport(idx));
    this.rec[at + R_HASH] = h;
    const bk = h & this.mask;
    this.recI[at + R_NEXT] = this.buckets[bk]!;
    this.buckets[bk] = idx;
    const f = this.flags(idx);
    this.setFlags(idx, f | CONN_F.HASHED);
    if (f & CONN_F.NO_CPORT) this.noCportCount++;
  }

  /** Remove an entry from the index; returns false when it was not hashed. */
  unhash(idx: number): boolean {
    const f = this.flags(idx);
    if (!(f & CONN_F.HASHED)) return false;
    const r = this.recI;
    const b = this.rec[idx * STRIDE + R_HASH]! & this.mask;
    let prev = -1;
    let i = this.buckets[b]!;
    while (i >= 0 && i !== idx) {
      prev = i;
      i = r[i * STRIDE + R_NEXT]!;
    }
    if (i < 0) throw new Error(`connection ${idx} missing from its hash chain`);
    const next = r[idx * STRIDE + R_NEXT]!;
    if (prev < 0) this.buckets[b] = next;
    else r[prev * STRIDE + R_NEXT] = next;
    r[idx * STRIDE + R_NEXT] = -1;
    this.setFlags(idx, f & ~CONN_F.HASHED);
    if (f & CONN_F.NO_CPORT) this.noCportCount--;
    return true;
  }

  /**
   * Request lookup (ip_vs_conn_in_get): packet source = client, destination = virtual address.
   * Templates never match; an entry without client port matches only a cport-0 key, which is
   * tried second when such entries exist.
   */
  lookupIn(af: number, proto: number, caddr: ArrayLike<number>, cport: number, vaddr: ArrayLike<number>, vport: number): number {
    const hit = this.findIn(af, proto, caddr, cport, vaddr, vport);
    if (hit >= 0 || this.noCportCount === 0 || cport === 0) return hit;
    return this.findIn(af, proto, caddr, 0, vaddr, vport);
  }

  private findIn(af: number, proto: number, caddr: ArrayLike<number>, cport: number, vaddr: ArrayLike<number>, vport: number): number {
    const h = this.hashKey(af, proto, caddr, 0, cport);
    const ports = (cport | (vport << 16)) >>> 0;
    // Family and protocol must match; TEMPLATE must be clear; NO_CPORT must be set iff cport is 0.
    const want = af | (proto << 8) | ((cport === 0 ? CONN_F.NO_CPORT : 0) << 16);
    const wantMask = 0xffff | ((CONN_F.TEMPLATE | CONN_F.NO_CPORT) << 16);
    const rec = this.rec;
    for (let i = this.buckets[h & this.mask]!; i >= 0; i = this.recI[i * STRIDE + R_NEXT]!) {
      const at = i * STRIDE;
      if (rec[at + R_HASH] !== h || rec[at + R_PORTS] !== ports || (rec[at + R_META]! & wantMask) !== want) continue;
      if (rec[at + R_ADDR + CADDR] !== caddr[0] || rec[at + R_ADDR + VADDR] !== vaddr[0]) continue;
      if (af === 4 || (this.hiEq(i, CADDR, caddr) && this.hiEq(i, VADDR, vaddr))) return i;
    }
    return -1;
  }

  /**
   * Reply lookup (ip_vs_conn_out_get): packet destination = client. The source must be the
   * real server (NAT) or the virtual address (other methods, whose replies carry the VIP).
   */
  lookupOut(af: number, proto: number, saddr: ArrayLike<number>, sport: number, daddr: ArrayLike<number>, dport: number): number {
    const h = this.hashKey(af, proto, daddr, 0, dport);
    const rec = this.rec;
    const want = af | (proto << 8);
    for (let i = this.buckets[h & this.mask]!; i >= 0; i = this.recI[i * STRIDE + R_NEXT]!) {
      const at = i * STRIDE;
      const meta = rec[at + R_META]!;
      if (rec[at + R_HASH] !== h || (meta & 0xffff) !== want || (meta >>> 16) & CONN_F.TEMPLATE) continue;
      const ports = rec[at + R_PORTS]!;
      if ((ports & 0xffff) !== dport || rec[at + R_ADDR + CADDR] !== daddr[0]) continue;
      const nat = ((meta >>> 16) & CONN_F.FWD_MASK) === FWD_CODE.nat;
      const which = nat ? DADDR : VADDR;
      const port = nat ? rec[at + R_DPORT]! & 0xffff : ports >>> 16;
      if (port !== sport || rec[at + R_ADDR + which] !== saddr[0]) continue;
      if (af === 4 || (this.hiEq(i, CADDR, daddr) && this.hiEq(i, which, saddr))) return i;
    }
    return -1;
  }

  /** Persistence template lookup (ip_vs_ct_in_get): key <proto, client net, 0, vaddr, vport>. */
  lookupTemplate(af: number, proto: number, cnet: ArrayLike<number>, vaddr: ArrayLike<number>, vport: number): number {
    const h = this.hashKey(af, proto, cnet, 0, 0);
    const rec = this.rec;
    const ports = (vport << 16) >>> 0;
    const want = af | (proto << 8) | (CONN_F.TEMPLATE << 16);
    const wantMask = 0xffff | (CONN_F.TEMPLATE << 16);
    for (let i = this.buckets[h & this.mask]!; i >= 0; i = this.recI[i * STRIDE + R_NEXT]!) {
      const at = i * STRIDE;
      if (rec[at + R_HASH] !== h || rec[at + R_PORTS] !== ports || (rec[at + R_META]! & wantMask) !== want) continue;
      if (rec[at + R_ADDR + CADDR] !== cnet[0] || rec[at + R_ADDR + VADDR] !== vaddr[0]) continue;
      if (af === 4 || (this.hiEq(i, CADDR, cnet) && this.hiEq(i, VADDR, vaddr))) return i;
    }
    return -1;
  }

  private hiEq(idx: number, which: number, w: ArrayLike<number>): boolean {
    const hi = this.hi;
    const b = idx * HI + which * 3;
    if (!hi) return w[1] === 0 && w[2] === 0 && w[3] === 0;
    return hi[b] === w[1] && hi[b + 1] === w[2] && hi[b + 2] === w[3];
  }

  /** Give a no-client-port entry the port of its first packet (ip_vs_conn_fill_cport). */
  fillCport(idx: number, cport: number): void {
    const hashed = this.unhash(idx);
    const f = this.flags(idx);
    if (f & CONN_F.NO_CPORT) {
      this.setFlags(idx, f & ~CONN_F.NO_CPORT);
      this.rec[idx * STRIDE + R_PORTS] = ((this.rec[idx * STRIDE + R_PORTS]! & 0xffff0000) | cport) >>> 0;
    }
    if (hashed) this.hash(idx);
  }

  /** Change the virtual and destination ports of an entry in place (template invalidation). */
  setPorts(idx: number, vport: number, dport: number): void {
    const at = idx * STRIDE;
    this.rec[at + R_PORTS] = ((this.rec[at + R_PORTS]! & 0xffff) | (vport << 16)) >>> 0;
    this.rec[at + R_DPORT] = (this.rec[at + R_DPORT]! & 0xffff0000) | dport;
  }

  /** Number of hash buckets, and the first entry of one (listing walks the index in order). */
  get bucketCount(): number {
    return this.buckets.length;
  }
  bucketHead(b: number): number {
    return this.buckets[b]!;
  }
  chainNext(idx: number): number {
    return this.recI[idx * STRIDE + R_NEXT]!;
  }
}
