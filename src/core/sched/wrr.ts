/**
 * wrr — weighted round robin (ip_vs_wrr.c, ipvs.md §2.2). State: cursor `cl` (a destination or
 * head), current weight `cw`, maximum `mw` and step `di` (gcd of the positive weights). Each pass
 * over the list hands a connection to every destination whose weight is at least `cw`; `cw` drops
 * by `di` per pass, so per cycle each destination gets weight/di connections.
 */
import type { Destination, Scheduler, VirtualService } from '../model.js';
import { gcd, isOverloaded } from './load.js';

export const WRR_ALL_OVERLOADED = 'all destinations are overloaded';

export class WeightedRoundRobin implements Scheduler {
  readonly name = 'wrr';
  lastFailure: string | undefined = undefined;
  /** Last chosen destination, or null for head. */
  private cl: Destination | null = null;
  private cw = 0;
  private mw = 0;
  private di = 1;

  init(svc: VirtualService): void {
    this.cl = null;
    this.recompute(svc, null);
    this.cw = this.mw;
  }

  done(): void {
    this.cl = null;
  }

  addDest(svc: VirtualService): void {
    this.changed(svc, null);
  }

  updDest(svc: VirtualService): void {
    this.changed(svc, null);
  }

  /** Runs while `dest` is still listed; the kernel's hook runs after the unlink, so skip it. */
  delDest(svc: VirtualService, dest: Destination): void {
    this.changed(svc, dest);
  }

  /** Current (cw, mw, di), for tests and diagnostics. */
  state(): { readonly cw: number; readonly mw: number; readonly di: number } {
    return { cw: this.cw, mw: this.mw, di: this.di };
  }

  private changed(svc: VirtualService, removed: Destination | null): void {
    this.cl = null;
    this.recompute(svc, removed);
    if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.trunc(this.cw / this.di) * this.di + 1;
  }

  private recompute(svc: VirtualService, removed: Destination | null): void {
    let g = 0;
    let max = 0;
    for (const d of svc.dests) {
      if (d === removed) continue;
      const w = d.weight;
      if (w > 0) g = g > 0 ? gcd(w, g) : w;
      if (w > max) max = w;
    }
    this.di = g > 0 ? g : 1;
    this.mw = max - (this.di - 1);
  }

  pick(svc: VirtualService): Destination | null {
    if (this.mw === 0) return this.fail(undefined);
    const list = svc.dests;
    const n = list.length;
    const last = this.cl !== null && list[this.cl.index] === this.cl ? this.cl : null;
    let stop: Destination | null = null;
    let lastPass = false;
    let restarted = false;
    let i = last === null ? 0 : last.index + 1;
    for (;;) {
      for (; i < n; i++) {
        const d = list[i]!;
        if (!isOverloaded(d) && d.weight >= this.cw) {
          this.cl = d;
          return d;
        }
        if (d === stop) return this.fail(WRR_ALL_OVERLOADED);
      }
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        // Give up after a last pass (all weights >= 1 checked) or after one full scan from head.
        if (lastPass || last === null) return this.fail(WRR_ALL_OVERLOADED);
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      // The first scan covered only the dests after `last`; the final one must stop at `last`.
      if (lastPass && restarted && last !== null) stop = last;
      i = 0;
    }
  }

  private fail(reason: string | undefined): null {
    this.lastFailure = reason;
    return null;
  }
}

export function createWrr(): Scheduler {
  return new WeightedRoundRobin();
}
