import type { Rng } from './ports.js';

/**
 * A small, fast, seeded PRNG (SplitMix32-style mixing over a 32-bit Weyl sequence).
 * Deterministic for a given seed, so tests and simulations are reproducible; adapters seed
 * it from the operating system's entropy.
 */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
}
