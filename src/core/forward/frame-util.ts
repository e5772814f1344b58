/**
 * Small pieces of the forwarding path shared by its files: addresses read as words, byte counts
 * of later fragments, and completing a checksum the sender left to offload.
 */
import type { ConnEngine } from '../conn/engine.js';
import type { Destination } from '../model.js';
import { transportChecksum } from '../../wire/transport.js';
import type { FrameView } from './frame-view.js';
import { checksumField } from './rewrite.js';

/**
 * COMPAT(ipvsadm): IPVS counts a reassembled datagram as one packet of its full size; here the
 * first fragment counts the packet and each later fragment adds its bytes, so packet counts match
 * and byte counts differ only by the repeated IP headers of the later fragments.
 */
export function countBytes(engine: ConnEngine, dest: Destination | null, kind: 'forward' | 'reply', bytes: number): void {
  if (!dest || !dest.available) return;
  const totals = engine.ipvs.totals;
  if (kind === 'forward') {
    dest.stats.inbytes += bytes;
    dest.service.stats.inbytes += bytes;
    totals.inbytes += bytes;
  } else {
    dest.stats.outbytes += bytes;
    dest.service.stats.outbytes += bytes;
    totals.outbytes += bytes;
  }
}

/** Write the full transport checksum of an unfragmented TCP/UDP packet (offload not done yet). */
export function completeChecksum(f: FrameView): void {
  const at = checksumField(f.protocol);
  if (at < 0 || f.l4 < 0 || f.fragment || f.l3End - f.l4 < at + 2) return;
  const c = transportChecksum(f.buf, f.family, f.l3, f.protocol, f.l4, f.l3End - f.l4, at);
  f.buf[f.l4 + at] = c >>> 8;
  f.buf[f.l4 + at + 1] = c & 0xff;
}

/** Addresses as the connection table holds them: 4 big-endian words (IPv4: word 0). */
export function readWords(b: Uint8Array, at: number, family: 4 | 6, out: Uint32Array): void {
  const n = family === 4 ? 1 : 4;
  for (let i = 0; i < n; i++) {
    const o = at + 4 * i;
    out[i] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
  for (let i = n; i < 4; i++) out[i] = 0;
}
