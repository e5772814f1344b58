/**
 * Small integer handles for destinations, so connection entries (typed arrays) can refer to
 * them. A handle also caches the destination's address as words. Handles of destinations that
 * are deleted (in the trash) and no longer referenced by any entry are released, so the trash
 * can free them; a destination re-added later simply gets a handle again.
 */
import type { Family } from '../addr.js';
import type { Destination } from '../model.js';
import { textToWords } from './addr-words.js';

export class DestRegistry {
  private readonly byDest = new Map<Destination, number>();
  private readonly dests: (Destination | null)[] = [];
  private readonly freeHandles: number[] = [];
  /** Destination address words, 4 per handle. */
  addrs = new Uint32Array(64 * 4);
  family = new Uint8Array(64);

  /** The handle of `d`, assigned on first use. */
  handleOf(d: Destination): number {
    const h = this.byDest.get(d);
    if (h !== undefined) return h;
    const nh = this.freeHandles.pop() ?? this.dests.length;
    if (nh === this.dests.length) this.dests.push(d);
    else this.dests[nh] = d;
    this.ensure(nh + 1);
    this.family[nh] = textToWords(d.addr, this.addrs, nh * 4);
    this.byDest.set(d, nh);
    return nh;
  }

  get(h: number): Destination {
    const d = this.dests[h];
    if (!d) throw new Error(`no destination for handle ${h}`);
    return d;
  }

  familyOf(h: number): Family {
    return this.family[h] as Family;
  }

  /** Release the handle of a deleted destination that nothing references any more. */
  releaseIfIdle(h: number): void {
    const d = this.dests[h];
    if (!d || d.refs > 0 || d.available) return;
    this.byDest.delete(d);
    this.dests[h] = null;
    this.freeHandles.push(h);
  }

  /** Release every idle deleted destination (a resurrected one keeps its handle). */
  sweep(): void {
    for (let h = 0; h < this.dests.length; h++) this.releaseIfIdle(h);
  }

  get size(): number {
    return this.byDest.size;
  }

  private ensure(n: number): void {
    if (n <= this.family.length) return;
    const cap = Math.max(n, this.family.length * 2);
    const a = new Uint32Array(cap * 4);
    a.set(this.addrs);
    this.addrs = a;
    const f = new Uint8Array(cap);
    f.set(this.family);
    this.family = f;
  }
}
