/**
 * IPv6 neighbour discovery as the packet engine needs it (RFC 4861): learn a neighbour's MAC
 * from a Neighbor Advertisement (target + target link-layer address option) or Solicitation
 * (source + source link-layer address option), and write the Solicitation that asks for one.
 * Only packets without extension headers are read, as ND packets are sent (hop limit 255).
 */
import { formatIPv6Groups, parseIp } from '../addr.js';
import { transportChecksum } from '../../wire/transport.js';

export const ND_SOLICIT = 135;
export const ND_ADVERT = 136;
const OPT_SOURCE_LL = 1;
const OPT_TARGET_LL = 2;

export interface LearntNeighbour {
  readonly addr: string;
  readonly mac: Uint8Array;
}

/** The neighbour an untagged Ethernet frame carrying an NS or NA tells about, or null. */
export function neighbourFromNd(frame: Uint8Array, length: number): LearntNeighbour | null {
  if (length < 14 + 40 + 24 || frame[12] !== 0x86 || frame[13] !== 0xdd) return null;
  const ip = 14;
  const l4 = ip + 40;
  if (frame[ip + 6] !== 58 || frame[ip + 7] !== 255) return null;
  const type = frame[l4]!;
  if ((type !== ND_SOLICIT && type !== ND_ADVERT) || frame[l4 + 1] !== 0) return null;
  const end = Math.min(length, l4 + ((frame[ip + 4]! << 8) | frame[ip + 5]!));
  // NA: the target is the neighbour; NS: its sender (unless it is doing DAD, from ::).
  const at = type === ND_ADVERT ? l4 + 8 : ip + 8;
  const addr = text16(frame, at);
  if (addr === '::') return null;
  const want = type === ND_ADVERT ? OPT_TARGET_LL : OPT_SOURCE_LL;
  for (let o = l4 + 24; o + 8 <= end; ) {
    const len = frame[o + 1]! * 8;
    if (len === 0) return null;
    if (frame[o] === want && len >= 8) return { addr, mac: frame.slice(o + 2, o + 8) };
    o += len;
  }
  return null;
}

/**
 * Write a Neighbor Solicitation for `target` from `src` (the link's IPv6 address) and `mac`
 * into `out`: to the solicited-node multicast address and its MAC, with the source link-layer
 * option. Returns the frame length (86), or 0 when an address is not IPv6.
 */
export function writeNeighbourSolicit(out: Uint8Array, mac: Uint8Array, src: string, target: string): number {
  const s = parseIp(src);
  const t = parseIp(target);
  if (!s || s.family !== 6 || !t || t.family !== 6 || out.length < 86) return 0;
  const tb = bytes16(t.words);
  out.set([0x33, 0x33, 0xff, tb[13]!, tb[14]!, tb[15]!], 0);
  out.set(mac, 6);
  out[12] = 0x86;
  out[13] = 0xdd;
  const ip = 14;
  out.set([0x60, 0, 0, 0, 0, 32, 58, 255], ip);
  out.set(bytes16(s.words), ip + 8);
  out.set([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, tb[13]!, tb[14]!, tb[15]!], ip + 24);
  const l4 = ip + 40;
  out.fill(0, l4, l4 + 8);
  out[l4] = ND_SOLICIT;
  out.set(tb, l4 + 8);
  out[l4 + 24] = OPT_SOURCE_LL;
  out[l4 + 25] = 1;
  out.set(mac, l4 + 26);
  const c = transportChecksum(out, 6, ip, 58, l4, 32, 2);
  out[l4 + 2] = c >>> 8;
  out[l4 + 3] = c & 0xff;
  return l4 + 32;
}

function bytes16(words: readonly number[]): Uint8Array {
  const b = new Uint8Array(16);
  words.forEach((w, i) => b.set([w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff], i * 4));
  return b;
}

function text16(b: Uint8Array, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  return formatIPv6Groups(g);
}
