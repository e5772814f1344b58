/** ARP for IPv4 over Ethernet (RFC 826): the only kind the director resolves and answers. */
import { ensureRoom, get16, put16, readMac, writeMac, type Decoded } from './bytes.js';
import { readAddr, writeAddr } from './vrrp-addr.js';

export const ARP_LENGTH = 28;
export const ARP_OP = { REQUEST: 1, REPLY: 2 } as const;

export interface ArpPacket {
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

export function decodeArp(buf: Uint8Array, off: number, len: number): Decoded<ArpPacket> {
  if (len < ARP_LENGTH || off + ARP_LENGTH > buf.length) return { ok: false, reason: 'short-arp' };
  if (get16(buf, off) !== 1 || get16(buf, off + 2) !== 0x0800 || buf[off + 4] !== 6 || buf[off + 5] !== 4) return { ok: false, reason: 'arp-not-ethernet-ipv4' };
  return {
    ok: true,
    bytes: ARP_LENGTH,
    value: {
      op: get16(buf, off + 6),
      senderMac: readMac(buf, off + 8),
      senderIp: readAddr(buf, off + 14, 4),
      targetMac: readMac(buf, off + 18),
      targetIp: readAddr(buf, off + 24, 4),
    },
  };
}

export function arpLength(): number {
  return ARP_LENGTH;
}

export function encodeArp(p: ArpPacket, buf: Uint8Array, off: number): number {
  ensureRoom(buf, off, ARP_LENGTH, 'ARP packet');
  put16(buf, off, 1);
  put16(buf, off + 2, 0x0800);
  buf[off + 4] = 6;
  buf[off + 5] = 4;
  put16(buf, off + 6, p.op);
  const ok = writeMac(p.senderMac, buf, off + 8) && writeAddr(p.senderIp, 4, buf, off + 14) && writeMac(p.targetMac, buf, off + 18) && writeAddr(p.targetIp, 4, buf, off + 24);
  if (!ok) throw new TypeError('bad ARP address');
  return ARP_LENGTH;
}
