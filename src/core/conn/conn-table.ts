/**
 * The IPVS connection table: the slots of conn-slots.ts with a chained hash index on (family,
 * protocol, client address, client port) like the kernel's ip_vs_conn_tab. Both lookup
 * directions land in the same bucket: requests hash the packet's source, NAT replies the packet's
 * destination — the client in both cases. New entries go to the head of their chain, so the
 * newest of two equal keys wins.
 */
import { ConnSlots, CADDR, DADDR, R_ADDR, R_DPORT, R_HASH, R_META, R_NEXT, R_PORTS, STRIDE, VADDR, type ConnTableOptions } from './conn-slots.js';
import { CONN_F, FWD_CODE } from './flags.js';

export { CADDR, DADDR, VADDR, type ConnTableOptions } from './conn-slots.js';

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return h ^ (h >>> 15);
}

export class ConnTable extends ConnSlots {
  /** Hashed entries without a client port (enables the cport-0 second lookup). */
  noCportCount = 0;
  private readonly seed: number;
  private buckets: Int32Array;
  private mask: number;
  private readonly scratch = new Uint32Array(4);

  constructor(opts: ConnTableOptions = {}) {
    super(opts);
    this.seed = (opts.hashSeed ?? 0x2545f491) | 0;
    this.buckets = new Int32Array(this.capacity).fill(-1);
    this.mask = this.capacity - 1;
  }

  /** Hash of a lookup key; the client address is 4 words at `off` in `a`. */
  hashKey(af: number, proto: number, a: ArrayLike<number>, off: number, port: number): number {
    let h = mix(this.seed, a[off]!);
    if (af === 6) h = mix(mix(mix(h, a[off + 1]!), a[off + 2]!), a[off + 3]!);
    h = mix(h, port | (proto << 16) | (af << 24));
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  }

  /** Bytes of typed arrays held (for benchmarks). */
  override get bytes(): number {
    return super.bytes + this.buckets.byteLength;
  }

  protected override grow(): void {
    super.grow();
    this.rebuildIndex(this.capacity);
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
