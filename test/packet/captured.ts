/**
 * Reading the frames test/packet/ns-capture.ts recorded: Ethernet addresses, the IPv4 header
 * fields the topology tests assert on, and the IP packet's bytes for byte-for-byte comparison.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { formatIPv6Groups } from '../../src/core/addr.js';
import { internetChecksum } from '../../src/wire/checksum.js';
import { fileURLToPath } from 'node:url';
import type { CapturedFrame } from './ns-capture.js';
import type { Topology } from './netns.js';

export const CAPTURE = fileURLToPath(new URL('./ns-capture.ts', import.meta.url));

export interface Frame {
  readonly pkttype: number;
  readonly dstMac: string;
  readonly srcMac: string;
  /** The IP packet (hex), as on the wire. */
  readonly ip: string;
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly ttl: number;
  /** Ports of the transport header (TCP/UDP), or of the inner packet for IP-in-IP. */
  readonly sport: number;
  readonly dport: number;
}

const mac = (b: Buffer, o: number): string => [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Buffer, o: number): string => [...b.subarray(o, o + 4)].join('.');

export function parseFrame(c: CapturedFrame): Frame {
  const b = Buffer.from(c.hex, 'hex');
  if (b.readUInt16BE(12) === 0x86dd) return parseFrame6(c.pkttype, b);
  const total = b.readUInt16BE(16);
  const protocol = b[23]!;
  // Ports: behind this header, or behind the inner header of an IP-in-IP packet.
  let l4 = 14 + (b[14]! & 0x0f) * 4;
  if (protocol === 4) l4 += (b[l4]! & 0x0f) * 4;
  const ports = l4 + 4 <= b.length;
  return {
    pkttype: c.pkttype,
    dstMac: mac(b, 0),
    srcMac: mac(b, 6),
    ip: b.subarray(14, 14 + total).toString('hex'),
    src: ip4(b, 26),
    dst: ip4(b, 30),
    protocol,
    ttl: b[22]!,
    sport: ports ? b.readUInt16BE(l4) : 0,
    dport: ports ? b.readUInt16BE(l4 + 2) : 0,
  };
}

const ip6 = (b: Buffer, o: number): string => formatIPv6Groups(Array.from({ length: 8 }, (_, i) => b.readUInt16BE(o + 2 * i)));

/** An IPv6 frame (no extension headers: what the tests send). */
function parseFrame6(pkttype: number, b: Buffer): Frame {
  const protocol = b[20]!;
  const ports = (protocol === 6 || protocol === 17) && b.length >= 58;
  return {
    pkttype,
    dstMac: mac(b, 0),
    srcMac: mac(b, 6),
    ip: b.subarray(14, 54 + b.readUInt16BE(18)).toString('hex'),
    src: ip6(b, 22),
    dst: ip6(b, 38),
    protocol,
    ttl: b[21]!,
    sport: ports ? b.readUInt16BE(54) : 0,
    dport: ports ? b.readUInt16BE(56) : 0,
  };
}

/**
 * An IP packet (hex) as a router sends it on: IPv4 TTL one lower with the header checksum
 * computed afresh over the whole header, or IPv6 hop limit one lower (no checksum covers it).
 */
/**
 * What the director received for the VIP (HTTP requests, frames for this host), with the assertion
 * every DR/TUN topology makes: no reply from the VIP passes the director. Returns the IP packets, in
 * order, as they should leave it (one hop less), for comparison with what the real servers got.
 */
export function requestsAtDirector(frames: readonly Frame[], vip: string, minimum: number): string[] {
  const atD = frames.filter((f) => f.pkttype === 0);
  const toVip = atD.filter((f) => f.dst === vip && f.dport === 80);
  assert.ok(toVip.length >= minimum, `frames to the VIP at the director: ${toVip.length}`);
  assert.deepEqual(atD.filter((f) => f.src === vip), [], 'a reply passed the director');
  return toVip.map((f) => oneHopLess(f.ip));
}

export function oneHopLess(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  if (b[0]! >>> 4 === 6) {
    b[7] = b[7]! - 1;
    return b.toString('hex');
  }
  b[8] = b[8]! - 1;
  b.writeUInt16BE(0, 10);
  b.writeUInt16BE(internetChecksum(b, 0, (b[0]! & 0x0f) * 4), 10);
  return b.toString('hex');
}

/** The inner IPv4 packet of an IP-in-IP frame (hex). */
export function innerPacket(f: Frame): string {
  const b = Buffer.from(f.ip, 'hex');
  return b.subarray((b[0]! & 0x0f) * 4).toString('hex');
}

/** Start a capture on `ifname` in `ns`; `finish()` stops it and returns the frames. */
export async function capture(t: Topology, ns: string, ifname: string, log: string[]): Promise<{ finish(): Promise<Frame[]> }> {
  const child: ChildProcess = await t.start(ns, ['node', '--import', 'tsx', CAPTURE, ifname], 'ready', log);
  return {
    async finish() {
      const out = await t.stop(child);
      const line = out.trim().split('\n').at(-1) ?? '[]';
      return (JSON.parse(line) as CapturedFrame[]).map(parseFrame);
    },
  };
}
