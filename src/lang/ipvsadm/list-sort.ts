/**
 * Display order of `ipvsadm -L` and `-S` (libipvs ipvs_cmp_services / ipvs_cmp_dests, sorted
 * with glibc's qsort). The comparators subtract unsigned 32-bit values and keep the sign of the
 * wrapped result, so values 2^31 or more apart compare "backwards" (ipvs.md §6.6, §10 item 7);
 * that relation is not transitive, so the sorting algorithm itself is reproduced too.
 */
import type { Family } from '../../core/addr.js';
import { PROTOCOL_NUMBER } from '../../core/model.js';
import type { DestView, ServiceView } from '../../core/snapshot.js';
import { addrWords } from './format-addr.js';

/** C's `int r = a - b` for unsigned 32-bit a and b: the difference wrapped to a signed 32-bit value. */
export function wrappedDiff(a: number, b: number): number {
  return (a - b) | 0;
}

const AF: Readonly<Record<Family, number>> = { 4: 2, 6: 10 };

/** Compare two addresses word by word, using the first entry's family for both (as libipvs does). */
function compareAddr(family: Family, a: readonly number[], b: readonly number[]): number {
  let r = 0;
  const n = family === 6 ? 4 : 1;
  for (let i = 0; r === 0 && i < n; i++) r = wrappedDiff(a[i] ?? 0, b[i] ?? 0);
  return r;
}

/** ipvs_cmp_services: fwmark, address family, protocol, address, port. */
export function compareServices(s1: ServiceView, s2: ServiceView): number {
  let r = wrappedDiff(s1.fwmark, s2.fwmark);
  if (r !== 0) return r;
  r = AF[s1.family] - AF[s2.family];
  if (r !== 0) return r;
  r = PROTOCOL_NUMBER[s1.protocol] - PROTOCOL_NUMBER[s2.protocol];
  if (r !== 0) return r;
  r = compareAddr(s1.family, addrWords(s1.addr, 6), addrWords(s2.addr, 6));
  if (r !== 0) return r;
  return s1.port - s2.port;
}

/** ipvs_cmp_dests: address (in the first dest's family), then port. */
export function compareDests(d1: DestView, d2: DestView): number {
  const r = compareAddr(d1.family, addrWords(d1.addr, 6), addrWords(d2.addr, 6));
  if (r !== 0) return r;
  return d1.port - d2.port;
}

/**
 * glibc's qsort (msort_with_tmp): top-down merge sort, left half of size n/2, ties taken from
 * the left. Returns a new array.
 */
export function glibcSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = [...items];
  const tmp = new Array<T>(a.length);
  mergeSort(a, tmp, 0, a.length, cmp);
  return a;
}

function mergeSort<T>(a: T[], tmp: T[], lo: number, n: number, cmp: (a: T, b: T) => number): void {
  if (n <= 1) return;
  const n1 = Math.floor(n / 2);
  mergeSort(a, tmp, lo, n1, cmp);
  mergeSort(a, tmp, lo + n1, n - n1, cmp);
  let i = lo;
  let j = lo + n1;
  const iEnd = lo + n1;
  const jEnd = lo + n;
  let k = 0;
  while (i < iEnd && j < jEnd) tmp[k++] = cmp(a[i]!, a[j]!) <= 0 ? a[i++]! : a[j++]!;
  while (i < iEnd) tmp[k++] = a[i++]!;
  // Whatever is left of the right half is already in place.
  for (let m = 0; m < k; m++) a[lo + m] = tmp[m]!;
}

/** Services in display order; `nosort` keeps the order the kernel reports (see {@link kernelServiceOrder}). */
export function orderServices(services: readonly ServiceView[], nosort: boolean): ServiceView[] {
  return nosort ? kernelServiceOrder(services) : glibcSort(services, compareServices);
}

/**
 * The kernel dumps the address-service table before the fwmark table.
 * COMPAT(ipvsadm): within each table the kernel's order follows its service hash buckets
 * (seeded by the namespace's address, effectively arbitrary); we keep creation order.
 */
export function kernelServiceOrder(services: readonly ServiceView[]): ServiceView[] {
  return [...services.filter((s) => s.kind === 'addr'), ...services.filter((s) => s.kind === 'fwmark')];
}

/** Destinations in display order; `nosort` keeps the kernel's list order (newest first). */
export function orderDests(dests: readonly DestView[], nosort: boolean): DestView[] {
  return nosort ? [...dests] : glibcSort(dests, compareDests);
}
