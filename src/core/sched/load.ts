/**
 * Load figures and comparisons shared by the counter-based schedulers, with the kernel's integer
 * semantics: the overhead is a C `int`, weighted comparisons are signed 64-bit products
 * (ipvs.md §0). Nothing here allocates.
 */
import { DEST_F, type Destination } from '../model.js';

const TWO_POW_53 = 9007199254740992;

/** Not OVERLOAD-flagged and weight > 0: the common "may take a new connection" test. */
export function eligible(d: Destination): boolean {
  return (d.flags & DEST_F.OVERLOAD) === 0 && d.weight > 0;
}

export function isOverloaded(d: Destination): boolean {
  return (d.flags & DEST_F.OVERLOAD) !== 0;
}

/** ip_vs_dest_conn_overhead as the kernel's int: (activeconns << 8) + inactconns. */
export function connOverhead(d: Destination): number {
  return ((d.activeConns << 8) + d.inactConns) | 0;
}

/**
 * Exact `(s64)a * b > (s64)c * d` for 32-bit integers. Products below 2^53 compare directly;
 * larger ones (huge weights times huge counters) are compared as (high, low) halves so the
 * result never depends on floating-point rounding.
 */
export function productGreater(a: number, b: number, c: number, d: number): boolean {
  const p = a * b;
  const q = c * d;
  if (p < TWO_POW_53 && p > -TWO_POW_53 && q < TWO_POW_53 && q > -TWO_POW_53) return p > q;
  const ph = productHigh(a, b);
  const qh = productHigh(c, d);
  if (ph !== qh) return ph > qh;
  return productLow(a, b) > productLow(c, d);
}

// a*b = high*65536 + low with 0 <= low < 65536; each part is exact in a double for 32-bit inputs.
function productHigh(a: number, b: number): number {
  const bh = Math.floor(b / 65536);
  const y = a * (b - bh * 65536);
  return a * bh + Math.floor(y / 65536);
}

function productLow(a: number, b: number): number {
  const bh = Math.floor(b / 65536);
  const y = a * (b - bh * 65536);
  return y - Math.floor(y / 65536) * 65536;
}

/**
 * Weighted least-connection choice over `dests` (wlc, and the lblc/lblcr fall-back): the first
 * eligible destination is the candidate; a later non-overloaded one replaces it only when
 * strictly less loaded, `overhead(cand) * w(d) > overhead(d) * w(cand)`.
 */
export function weightedLeast(dests: readonly Destination[]): Destination | null {
  const n = dests.length;
  let i = 0;
  let least: Destination | null = null;
  for (; i < n; i++) {
    const d = dests[i]!;
    if (eligible(d)) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = connOverhead(least);
  for (i++; i < n; i++) {
    const d = dests[i]!;
    if (isOverloaded(d)) continue;
    const doh = connOverhead(d);
    if (productGreater(loh, d.weight, doh, least.weight)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The lblc/lblcr "overloaded" test (not the OVERLOAD flag): more active connections than weight,
 * while some destination of the service is below half its weight.
 */
export function localityOverloaded(dest: Destination, dests: readonly Destination[]): boolean {
  if (dest.activeConns <= dest.weight) return false;
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i]!;
    if (d.activeConns * 2 < d.weight) return true;
  }
  return false;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
