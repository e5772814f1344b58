/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624), on byte arrays.
 * Sums are kept unfolded in a plain number between calls so a pseudo-header and a payload can be
 * summed separately and then combined, as VRRPv3 and ICMPv6 require.
 */

/** Add the 16-bit big-endian words of `buf[off, off+len)` to `acc` (an odd last byte is padded with zero). */
export function onesSum(buf: Uint8Array, off: number, len: number, acc = 0): number {
  let sum = acc;
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  // Fold now and then so the accumulator never leaves the exact-integer range.
  return sum > 0x7fffffff ? (sum & 0xffff) + Math.floor(sum / 0x10000) : sum;
}

/** Fold a running sum to 16 bits and complement it: the value that goes into a checksum field. */
export function finishChecksum(acc: number): number {
  let sum = acc;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of `buf[off, off+len)`, starting from a partial sum (e.g. a pseudo-header). */
export function internetChecksum(buf: Uint8Array, off: number, len: number, acc = 0): number {
  return finishChecksum(onesSum(buf, off, len, acc));
}

/** Sum of a list of 16-bit words (pseudo-header fields given as numbers). */
export function wordsSum(words: readonly number[], acc = 0): number {
  let sum = acc;
  for (const w of words) sum += w & 0xffff;
  return sum;
}

/**
 * RFC 1624 eqn. 3: the checksum after one 16-bit word of the covered data changes from `oldWord`
 * to `newWord`, without re-reading the data: HC' = ~(~HC + ~m + m').
 */
export function adjustChecksum(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return finishChecksum(sum);
}

/** RFC 1624 eqn. 3 for a 32-bit field (an IPv4 address in a pseudo-header): two word updates at once. */
export function adjustChecksum32(checksum: number, oldValue: number, newValue: number): number {
  const sum = (~checksum & 0xffff) + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff) + ((newValue >>> 16) & 0xffff) + (newValue & 0xffff);
  return finishChecksum(sum);
}
