/**
 * A frame capture for the namespace tests (no tcpdump needed): an AF_PACKET ring on one
 * interface of the namespace it runs in (ip netns exec), keeping the received IP frames. A
 * transport checksum the sender left to offload (TP_STATUS_CSUMNOTREADY) is completed, so the
 * bytes are those on the wire. Prints "ready"; on SIGTERM prints one JSON line of frames.
 *
 * Usage: node --import tsx test/packet/ns-capture.ts IFNAME [MAX_FRAMES]
 */
import { DESC_FLAG, DESC_WORDS, loadRingAddon } from '../../src/adapters/packet/native-ring.js';
import { transportChecksum } from '../../src/wire/transport.js';

export interface CapturedFrame {
  /** sll_pkttype: 0 to this host, 1 broadcast, 3 to another host. */
  readonly pkttype: number;
  readonly hex: string;
}

const [ifname, maxText] = process.argv.slice(2) as [string, string | undefined];
const max = Number(maxText ?? 4000);
const loaded = loadRingAddon();
if (!loaded.ok) {
  console.error(loaded.reason);
  process.exit(2);
}
const frames: CapturedFrame[] = [];
const ring = loaded.addon.ringOpen({ ifname, retireMs: 1 }, (block, desc, count) => {
  for (let i = 0; i < count && frames.length < max; i++) {
    const off = desc[i * DESC_WORDS]!;
    const len = desc[i * DESC_WORDS + 1]!;
    const flags = desc[i * DESC_WORDS + 3]!;
    const f = Buffer.from(block.subarray(off, off + len));
    const type = f.length >= 14 ? f.readUInt16BE(12) : 0;
    if ((type !== 0x0800 || f.length < 34) && (type !== 0x86dd || f.length < 54)) continue;
    if ((flags & DESC_FLAG.CSUM_NOT_READY) !== 0) completeChecksum(f);
    frames.push({ pkttype: flags & DESC_FLAG.PKTTYPE_MASK, hex: f.toString('hex') });
  }
});
console.log('ready');
process.on('SIGTERM', () => {
  // Give the last retired block a moment to arrive.
  setTimeout(() => {
    loaded.addon.ringClose(ring);
    console.log(JSON.stringify(frames));
    process.exit(0);
  }, 50);
});

function completeChecksum(f: Buffer): void {
  if (f.readUInt16BE(12) === 0x86dd) {
    // IPv6 without extension headers (what the tests send).
    const nh = f[20]!;
    const at6 = nh === 6 ? 16 : nh === 17 ? 6 : -1;
    if (at6 >= 0) f.writeUInt16BE(transportChecksum(f, 6, 14, nh, 54, f.readUInt16BE(18), at6), 54 + at6);
    return;
  }
  const hl = (f[14]! & 0x0f) * 4;
  const proto = f[23]!;
  const total = f.readUInt16BE(16);
  const at = proto === 6 ? 16 : proto === 17 ? 6 : -1;
  if (at < 0 || (f.readUInt16BE(20) & 0x3fff) !== 0) return;
  const l4 = 14 + hl;
  f.writeUInt16BE(transportChecksum(f, 4, 14, proto, l4, total - hl, at), l4 + at);
}
