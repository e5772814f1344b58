/**
 * Addresses on the packet path: four big-endian 32-bit words (IPv4 uses word 0, the rest 0),
 * so lookups compare numbers and allocate nothing. Text is produced only for listings and for
 * the scheduler's PickContext on the new-connection path.
 */
import { formatIPv4, formatIPv6Groups, parseIp, type Family } from '../addr.js';

/** Canonical text of an address held as words. */
export function wordsToText(family: Family, w: ArrayLike<number>, off = 0): string {
  if (family === 4) return formatIPv4(w[off]! >>> 0);
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const v = w[off + i]! >>> 0;
    g.push(v >>> 16, v & 0xffff);
  }
  return formatIPv6Groups(g);
}

/** Parse address text into `out` (4 words; IPv4 leaves words 1..3 at 0). Returns the family. */
export function textToWords(text: string, out: Uint32Array, off = 0): Family {
  const p = parseIp(text);
  if (!p) throw new Error(`not an IP address: ${text}`);
  out[off] = p.words[0]!;
  for (let i = 1; i < 4; i++) out[off + i] = p.family === 6 ? p.words[i]! : 0;
  return p.family;
}

/** The kernel's address fold used by hashing schedulers: IPv4 as is, IPv6 XOR of its words. */
export function foldWords4(family: Family, w: ArrayLike<number>): number {
  if (family === 4) return w[0]! >>> 0;
  return (w[0]! ^ w[1]! ^ w[2]! ^ w[3]!) >>> 0;
}

/**
 * Mask a client address for the persistence template key (ipvs.md §4.1): IPv4 with a 32-bit
 * mask, IPv6 with a prefix length. Writes 4 words into `out`.
 */
export function maskWords(family: Family, src: ArrayLike<number>, netmask: number, out: Uint32Array): void {
  if (family === 4) {
    out[0] = (src[0]! & netmask) >>> 0;
    out[1] = out[2] = out[3] = 0;
    return;
  }
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(32, netmask - i * 32));
    const m = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    out[i] = (src[i]! & m) >>> 0;
  }
}
