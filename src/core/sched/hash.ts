/**
 * Hash primitives of the hashing schedulers, bit-exact with a 64-bit little-endian kernel
 * (ipvs.md §2.15): the 2654435761 multiplier of sh/dh, hash_32() of lblc/lblcr, and hsiphash
 * (SipHash-1-3 over a 4-byte value, truncated to 32 bits) of mh.
 *
 * All arithmetic is exact uint32: 64-bit SipHash lanes are kept as (hi, lo) uint32 pairs in
 * locals, so hashing allocates nothing and needs no BigInt.
 */

/** sh/dh multiplier 0x9E3779B1; only the low 32 bits of the product ever matter. */
export const HASH_MULTIPLIER = 2654435761;

/** `x * 2654435761 mod 2^32` (sh/dh key scrambling), as an unsigned number. */
export function mulHash(x: number): number {
  return Math.imul(x, 0x9e3779b1) >>> 0;
}

/** The kernel's hash_32(val, bits) = (val * GOLDEN_RATIO_32) >> (32 - bits), 1 ≤ bits ≤ 32. */
export function hash32(val: number, bits: number): number {
  return (Math.imul(val, 0x61c88647) >>> 0) >>> (32 - bits);
}

/** A 128-bit SipHash key as two 64-bit words, each split into uint32 halves. */
export interface SipKey {
  readonly k0hi: number;
  readonly k0lo: number;
  readonly k1hi: number;
  readonly k1lo: number;
}

/** Key from two 64-bit words given as (hi, lo) uint32 halves. */
export function sipKey(k0hi: number, k0lo: number, k1hi: number, k1lo: number): SipKey {
  return { k0hi: k0hi >>> 0, k0lo: k0lo >>> 0, k1hi: k1hi >>> 0, k1lo: k1lo >>> 0 };
}

/** The fixed mh keys (generate_hash_secret): no per-boot secret. */
export const MH_KEY1: SipKey = sipKey(0, 2654435761, 0, 2654435761);
export const MH_KEY2: SipKey = sipKey(0, 2654446892, 0, 2654446892);

/**
 * hsiphash(&v, 4, key) on a 64-bit little-endian kernel: SipHash-1-3 of the 4 bytes of the
 * uint32 `v`, low 32 bits of the result. The message is shorter than one word, so it is all in
 * the final block b = (4 << 56) | v: one compression round, then three finalisation rounds.
 *
 * The lanes v0..v3 are (hi, lo) uint32 pairs in locals (module-level variables would box every
 * value above 2^30 on each store); the round body is written once and run four times.
 */
export function hsiphash32(v: number, key: SipKey): number {
  let v0h = (key.k0hi ^ 0x736f6d65) >>> 0;
  let v0l = (key.k0lo ^ 0x70736575) >>> 0;
  let v1h = (key.k1hi ^ 0x646f7261) >>> 0;
  let v1l = (key.k1lo ^ 0x6e646f6d) >>> 0;
  let v2h = (key.k0hi ^ 0x6c796765) >>> 0;
  let v2l = (key.k0lo ^ 0x6e657261) >>> 0;
  let v3h = (key.k1hi ^ 0x74656462) >>> 0;
  let v3l = (key.k1lo ^ 0x79746573) >>> 0;
  const bh = 0x04000000;
  const bl = v >>> 0;
  v3h = (v3h ^ bh) >>> 0;
  v3l = (v3l ^ bl) >>> 0;
  for (let r = 0; r < 4; r++) {
    if (r === 1) {
      // After the compression round: v0 ^= b; v2 ^= 0xff starts finalisation.
      v0h = (v0h ^ bh) >>> 0;
      v0l = (v0l ^ bl) >>> 0;
      v2l = (v2l ^ 0xff) >>> 0;
    }
    let s: number;
    let h: number;
    // SipRound. v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
    s = v0l + v1l;
    v0h = (v0h + v1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    v0l = s >>> 0;
    h = v1h;
    v1h = (((h << 13) | (v1l >>> 19)) ^ v0h) >>> 0;
    v1l = (((v1l << 13) | (h >>> 19)) ^ v0l) >>> 0;
    h = v0h;
    v0h = v0l;
    v0l = h;
    // v2 += v3; v3 = rotl(v3, 16) ^ v2
    s = v2l + v3l;
    v2h = (v2h + v3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    v2l = s >>> 0;
    h = v3h;
    v3h = (((h << 16) | (v3l >>> 16)) ^ v2h) >>> 0;
    v3l = (((v3l << 16) | (h >>> 16)) ^ v2l) >>> 0;
    // v0 += v3; v3 = rotl(v3, 21) ^ v0
    s = v0l + v3l;
    v0h = (v0h + v3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    v0l = s >>> 0;
    h = v3h;
    v3h = (((h << 21) | (v3l >>> 11)) ^ v0h) >>> 0;
    v3l = (((v3l << 21) | (h >>> 11)) ^ v0l) >>> 0;
    // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
    s = v2l + v1l;
    v2h = (v2h + v1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    v2l = s >>> 0;
    h = v1h;
    v1h = (((h << 17) | (v1l >>> 15)) ^ v2h) >>> 0;
    v1l = (((v1l << 17) | (h >>> 15)) ^ v2l) >>> 0;
    h = v2h;
    v2h = v2l;
    v2l = h;
  }
  return (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
}
