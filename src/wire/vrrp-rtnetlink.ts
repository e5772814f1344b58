/**
 * rtnetlink address messages for VIPs (RTM_NEWADDR / RTM_DELADDR with NLM_F_ACK) and the kernel's
 * acknowledgement, as `ip addr add|del` sends them: ifaddrmsg, then IFA_LOCAL / IFA_ADDRESS,
 * IFA_BROADCAST, IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO (preferred lifetime). Netlink integers are
 * in host byte order; addresses in network order.
 */
import { addrBytes, type AddrFamily } from './vrrp-addr.js';
import type { Decoded } from './vrrp.js';

export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_LABEL = 3;
const IFA_BROADCAST = 4;
const IFA_CACHEINFO = 6;
const IFA_FLAGS = 8;
export const IFA_F_NODAD = 0x02;
export const IFA_F_HOMEADDRESS = 0x10;
export const IFA_F_NOPREFIXROUTE = 0x200;
const AF_INET = 2;
const AF_INET6 = 10;

/** Byte order of the host (netlink integers are native). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface AddrRequest {
  readonly op: 'add' | 'del';
  readonly family: AddrFamily;
  readonly ifindex: number;
  readonly address: string;
  readonly prefix: number;
  /** Point-to-point peer (IFA_ADDRESS), when given. */
  readonly peer: string | null;
  /** Broadcast address, '+' (computed from the prefix), '-' or null (none). IPv4 only. */
  readonly broadcast: string | null;
  readonly label: string | null;
  /** RT_SCOPE_*: 0 global, 200 site, 253 link, 254 host, 255 nowhere. */
  readonly scope: number;
  /** IFA_F_* bits. */
  readonly flags: number;
  /** Preferred lifetime in seconds (valid lifetime stays forever); null: not set. */
  readonly preferredLft: number | null;
  readonly seq: number;
}

const SCOPES: Readonly<Record<string, number>> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };

/** `scope NAME|NUMBER` of a virtual_ipaddress entry; null when unknown. */
export function scopeValue(text: string | null): number | null {
  if (text === null) return 0;
  if (/^\d+$/.test(text) && Number(text) <= 255) return Number(text);
  return SCOPES[text] ?? null;
}

const align4 = (n: number): number => (n + 3) & ~3;

function broadcastBytes(r: AddrRequest): Uint8Array | null {
  if (r.family !== 4 || r.broadcast === null || r.broadcast === '-') return null;
  if (r.broadcast !== '+') return addrBytes(r.broadcast, 4);
  const a = addrBytes(r.address, 4)!;
  const host = r.prefix >= 32 ? 0 : 0xffffffff >>> r.prefix;
  return Uint8Array.from(a.map((b, i) => b | ((host >>> (24 - 8 * i)) & 0xff)));
}

/** The request datagram; throws TypeError for an address not of `family` (a configuration error upstream). */
export function encodeAddrRequest(r: AddrRequest): Uint8Array {
  const local = addrBytes(r.address, r.family);
  const peer = r.peer ? addrBytes(r.peer, r.family) : null;
  if (!local || (r.peer && !peer)) throw new TypeError(`not an IPv${r.family} address: ${r.address}`);
  const attrs: Array<[number, Uint8Array]> = [];
  const u32 = (v: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, LITTLE);
    return b;
  };
  if (r.family === 4) attrs.push([IFA_LOCAL, local], [IFA_ADDRESS, peer ?? local]);
  else if (peer) attrs.push([IFA_LOCAL, local], [IFA_ADDRESS, peer]);
  else attrs.push([IFA_ADDRESS, local]);
  if (r.op === 'add') {
    const brd = broadcastBytes(r);
    if (brd) attrs.push([IFA_BROADCAST, brd]);
    if (r.label && r.family === 4) attrs.push([IFA_LABEL, new TextEncoder().encode(`${r.label}\0`)]);
    if (r.flags) attrs.push([IFA_FLAGS, u32(r.flags)]);
    if (r.preferredLft !== null) {
      const ci = new Uint8Array(16);
      const dv = new DataView(ci.buffer);
      dv.setUint32(0, r.preferredLft >>> 0, LITTLE);
      dv.setUint32(4, 0xffffffff, LITTLE);
      attrs.push([IFA_CACHEINFO, ci]);
    }
  }
  const len = 16 + 8 + attrs.reduce((n, [, d]) => n + align4(4 + d.length), 0);
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, len, LITTLE);
  dv.setUint16(4, r.op === 'add' ? RTM_NEWADDR : RTM_DELADDR, LITTLE);
  dv.setUint16(6, NLM_F_REQUEST | NLM_F_ACK | (r.op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0), LITTLE);
  dv.setUint32(8, r.seq >>> 0, LITTLE);
  dv.setUint32(12, 0, LITTLE);
  out[16] = r.family === 4 ? AF_INET : AF_INET6;
  out[17] = r.prefix;
  out[18] = r.flags & 0xff;
  out[19] = r.scope;
  dv.setUint32(20, r.ifindex >>> 0, LITTLE);
  let at = 24;
  for (const [type, data] of attrs) {
    dv.setUint16(at, 4 + data.length, LITTLE);
    dv.setUint16(at + 2, type, LITTLE);
    out.set(data, at + 4);
    at += align4(4 + data.length);
  }
  return out;
}

export interface NetlinkAck {
  readonly seq: number;
  /** 0 for success, else a negative errno. */
  readonly error: number;
}

/** The NLMSG_ERROR acknowledgement of a request. */
export function decodeAck(buf: Uint8Array): Decoded<NetlinkAck> {
  if (buf.length < 20) return { ok: false, reason: 'short' };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  if (dv.getUint16(4, LITTLE) !== NLMSG_ERROR) return { ok: false, reason: 'not-an-ack' };
  return { ok: true, bytes: dv.getUint32(0, LITTLE), value: { seq: dv.getUint32(8, LITTLE), error: dv.getInt32(16, LITTLE) } };
}
