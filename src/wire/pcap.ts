/**
 * The classic libpcap file format (the one tcpdump -w writes): a 24-byte global header and a
 * 16-byte header per record. Both byte orders and both time resolutions (µs magic a1b2c3d4, ns
 * magic a1b23c4d) are read; files are written little-endian with microseconds, link type
 * Ethernet (1).
 */
import type { Decoded } from './bytes.js';

export const PCAP_LINKTYPE_ETHERNET = 1;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const GLOBAL = 24;
const RECORD = 16;

export interface PcapRecord {
  /** Capture time in microseconds since the epoch of the file (as stored). */
  readonly timeUs: number;
  /** Length on the wire (may exceed `data.length` when the capture was cut at the snap length). */
  readonly originalLength: number;
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly linkType: number;
  readonly snapLength: number;
  readonly records: readonly PcapRecord[];
}

export function decodePcap(buf: Uint8Array): Decoded<PcapFile> {
  if (buf.length < GLOBAL) return { ok: false, reason: 'short-pcap-header' };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  const little = le === MAGIC_US || le === MAGIC_NS;
  if (!little && be !== MAGIC_US && be !== MAGIC_NS) return { ok: false, reason: 'not-pcap' };
  const nano = (little ? le : be) === MAGIC_NS;
  const u32 = (o: number): number => dv.getUint32(o, little);
  const snapLength = u32(16);
  const linkType = u32(20) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let o = GLOBAL;
  while (o < buf.length) {
    if (o + RECORD > buf.length) return { ok: false, reason: 'truncated-record-header' };
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    const orig = u32(o + 12);
    if (o + RECORD + incl > buf.length) return { ok: false, reason: 'truncated-record' };
    records.push({ timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), originalLength: orig, data: buf.slice(o + RECORD, o + RECORD + incl) });
    o += RECORD + incl;
  }
  return { ok: true, bytes: o, value: { linkType, snapLength, records } };
}

export function pcapLength(f: Pick<PcapFile, 'records'>): number {
  let n = GLOBAL;
  for (const r of f.records) n += RECORD + r.data.length;
  return n;
}

export function encodePcap(f: PcapFile, buf: Uint8Array, off: number): number {
  const n = pcapLength(f);
  if (off + n > buf.length) throw new RangeError(`pcap needs ${n} bytes`);
  const dv = new DataView(buf.buffer, buf.byteOffset + off, n);
  dv.setUint32(0, MAGIC_US, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(8, 0, true);
  dv.setUint32(12, 0, true);
  dv.setUint32(16, f.snapLength, true);
  dv.setUint32(20, f.linkType, true);
  let o = GLOBAL;
  for (const r of f.records) {
    dv.setUint32(o, Math.floor(r.timeUs / 1e6), true);
    dv.setUint32(o + 4, r.timeUs % 1e6, true);
    dv.setUint32(o + 8, r.data.length, true);
    dv.setUint32(o + 12, r.originalLength, true);
    buf.set(r.data, off + o + RECORD);
    o += RECORD + r.data.length;
  }
  return n;
}
