/**
 * Address prefixes as the forwarding path matches them: network and mask as 4 big-endian words
 * (IPv4 uses word 0), compared without allocation.
 */
import { parseIp, type Family } from '../addr.js';

export interface Prefix {
  readonly family: Family;
  readonly len: number;
  readonly net: Uint32Array;
  readonly mask: Uint32Array;
}

/** "10.0.0.0/24", "10.0.0.5" (a host), "2001:db8::/64"; null when it is not a prefix. */
export function parsePrefix(text: string): Prefix | null {
  const slash = text.indexOf('/');
  const p = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!p) return null;
  const max = p.family === 4 ? 32 : 128;
  const len = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > max) return null;
  const mask = new Uint32Array(4);
  const net = new Uint32Array(4);
  for (let i = 0; i < p.words.length; i++) {
    const bits = Math.max(0, Math.min(32, len - 32 * i));
    mask[i] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    net[i] = (p.words[i]! & mask[i]!) >>> 0;
  }
  return { family: p.family, len, net, mask };
}

/** The prefix that matches every address of `family`. */
export function anyAddress(family: Family): Prefix {
  return { family, len: 0, net: new Uint32Array(4), mask: new Uint32Array(4) };
}

/** Does `addr` (4 words, of the prefix's family) fall in `p`? */
export function inPrefix(p: Prefix, addr: ArrayLike<number>): boolean {
  const n = p.family === 4 ? 1 : 4;
  for (let i = 0; i < n; i++) if (((addr[i]! & p.mask[i]!) >>> 0) !== p.net[i]) return false;
  return true;
}
