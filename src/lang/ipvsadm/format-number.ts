/**
 * Counter cells of `ipvsadm -L --stats` / `--rate` (ipvsadm.c print_largenum, ipvs.md §6.6).
 * Each cell is 9 characters wide including its leading separator; large values are cut down
 * with 1000-based K/M/G/T suffixes unless `--exact` is given.
 */

/** Decimal text of a non-negative integer counter, as C's `%llu` prints it. */
export function u64(n: number): string {
  // Counters are integers well below 2^53; BigInt keeps 1e21+ from turning into exponent form.
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** Integer division of a non-negative integer counter. */
function div(n: number, by: number): number {
  return Math.floor(n / by);
}

/**
 * One counter cell. Without `exact`: below 10^8 the number itself in 9 columns; below 10^9
 * thousands + `K`; below 10^11 millions + `M`; below 10^14 billions + `G`; otherwise
 * trillions + `T` (each in 8 columns plus the suffix). With `exact`: the whole number in 9
 * columns, or one leading space when it has more than 8 digits.
 */
export function largeNumber(n: number, exact: boolean): string {
  if (exact) {
    const text = u64(n);
    return text.padStart(text.length <= 8 ? 9 : text.length + 1);
  }
  if (n < 1e8) return u64(n).padStart(9);
  if (n < 1e9) return `${u64(div(n, 1e3)).padStart(8)}K`;
  if (n < 1e11) return `${u64(div(n, 1e6)).padStart(8)}M`;
  if (n < 1e14) return `${u64(div(n, 1e9)).padStart(8)}G`;
  return `${u64(div(n, 1e12)).padStart(8)}T`;
}
