/**
 * ICMP errors that belong to a connection follow it (ip_vs_in_icmp / ip_vs_out_icmp, ipvs.md
 * §3.1): the packet quoted in the error is looked up in the connection table the other way round.
 * - A client's error about a reply it got (quoted: VIP → client) goes to the connection's real
 *   server by its forwarding method; for NAT the outer destination and the quoted source become
 *   the real server's.
 * - An error on the way to a client about a NAT request (quoted: client → real server) gets the
 *   virtual address as outer source and as quoted destination, as if the director sent it.
 * The quoted transport checksum is left as it is, as the kernel does; the ICMP checksum is
 * recomputed. Lookups only: no entry is created or refreshed.
 */
import { internetChecksum } from '../../wire/checksum.js';
import { isIcmp6Error, isIcmpError } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { ipv6UpperLayer, type Ipv6Upper } from '../../wire/ipv6.js';
import { transportChecksum } from '../../wire/transport.js';
import { DADDR, VADDR } from '../conn/conn-table.js';
import { FWD_CODE, CONN_F, fwdOfFlags } from '../conn/flags.js';
import type { Forwarder } from './forwarder.js';
import { readWords } from './frame-util.js';
import { forwardHop } from './hop-limit.js';
import { rewriteEndpoint } from './rewrite.js';

const up: Ipv6Upper = { protocol: 0, offset: 0, fragmentOffset: -1, moreFragments: false, fragmentId: 0 };
const qsrc = new Uint32Array(4);
const qdst = new Uint32Array(4);
const addr = new Uint32Array(4);

/** Where the quoted packet's parts are, or false when the error quotes nothing we can match. */
interface Quoted {
  ip: number;
  protocol: number;
  srcAt: number;
  dstAt: number;
  ports: number;
}
const q: Quoted = { ip: 0, protocol: 0, srcAt: 0, dstAt: 0, ports: 0 };

function findQuoted(b: Uint8Array, family: 4 | 6, l4: number, end: number): boolean {
  const e = l4 + 8;
  q.ip = e;
  if (family === 4) {
    if (!isIcmpError(b[l4]!) || e + 20 > end || b[e]! >>> 4 !== 4) return false;
    const hl = (b[e]! & 0x0f) << 2;
    // A quoted later fragment has no ports.
    if (hl < 20 || (((b[e + 6]! << 8) | b[e + 7]!) & 0x1fff) !== 0) return false;
    q.protocol = b[e + 9]!;
    q.srcAt = e + 12;
    q.dstAt = e + 16;
    q.ports = e + hl;
  } else {
    if (!isIcmp6Error(b[l4]!) || e + 40 > end || b[e]! >>> 4 !== 6) return false;
    if (!ipv6UpperLayer(b, e, end, up) || up.fragmentOffset > 0) return false;
    q.protocol = up.protocol;
    q.srcAt = e + 8;
    q.dstAt = e + 24;
    q.ports = up.offset;
  }
  if (q.protocol !== IP_PROTO.TCP && q.protocol !== IP_PROTO.UDP && q.protocol !== IP_PROTO.SCTP) return false;
  return q.ports + 4 <= end;
}

/** Handle the current frame (an ICMP or ICMPv6 packet) if it is an error about a connection. */
export function followIcmpError(fw: Forwarder, now: number): boolean {
  void now;
  const f = fw.view;
  const b = f.buf;
  if (!findQuoted(b, f.family, f.l4, f.l3End)) return false;
  readWords(b, q.srcAt, f.family, qsrc);
  readWords(b, q.dstAt, f.family, qdst);
  const qs = (b[q.ports]! << 8) | b[q.ports + 1]!;
  const qd = (b[q.ports + 2]! << 8) | b[q.ports + 3]!;
  const conns = fw.engine.conns;
  const t = conns.table;
  const ipCsum = f.family === 4 ? f.l3 + 10 : -1;
  const qCsum = f.family === 4 ? q.ip + 10 : -1;
  const inCp = t.lookupIn(f.family, q.protocol, qdst, qd, qsrc, qs);
  if (inCp >= 0) {
    const dest = conns.destOf(inCp);
    if (dest && dest.available) {
      dest.stats.countIn(f.ipLength);
      dest.service.stats.countIn(f.ipLength);
      fw.engine.ipvs.totals.countIn(f.ipLength);
    }
    fw.counters.icmpFollowed++;
    const fwd = fwdOfFlags(t.flags(inCp));
    const daf = t.daf(inCp);
    t.copyAddr(inCp, DADDR, addr);
    if (fwd === 'tun') {
      fw.tunnelCurrent(daf, addr);
      return true;
    }
    if (fwd !== 'dr' && (fwd !== 'nat' || daf !== f.family)) return false;
    // Sent on like the connection's packets: one hop less (a spent error dies silently).
    if (forwardHop(fw)) return true;
    if (fwd === 'nat') {
      rewriteEndpoint(b, f.family, f.dstAt, addr, -1, 0, ipCsum, -1, false);
      rewriteEndpoint(b, f.family, q.srcAt, addr, q.ports, t.dport(inCp), qCsum, -1, false);
      fixIcmpChecksum(b, f.family, f.l3, f.l4, f.l3End);
    }
    fw.toNeighbour(b, f.length, daf, addr, 'icmp-follow');
    return true;
  }
  const outCp = t.lookupOut(f.family, q.protocol, qdst, qd, qsrc, qs);
  if (outCp < 0 || (t.flags(outCp) & CONN_F.FWD_MASK) !== FWD_CODE.nat) return false;
  // Forwarded by the host before IPVS sees it: a spent error dies there, uncounted.
  if (forwardHop(fw)) return true;
  const dest = conns.destOf(outCp);
  if (dest && dest.available) {
    dest.stats.countOut(f.ipLength);
    dest.service.stats.countOut(f.ipLength);
    fw.engine.ipvs.totals.countOut(f.ipLength);
  }
  fw.counters.icmpFollowed++;
  t.copyAddr(outCp, VADDR, addr);
  rewriteEndpoint(b, f.family, f.srcAt, addr, -1, 0, ipCsum, -1, false);
  rewriteEndpoint(b, f.family, q.dstAt, addr, q.ports + 2, t.vport(outCp), qCsum, -1, false);
  fixIcmpChecksum(b, f.family, f.l3, f.l4, f.l3End);
  readWords(b, f.dstAt, f.family, qdst);
  fw.toNeighbour(b, f.length, f.family, qdst, 'icmp-follow');
  return true;
}

function fixIcmpChecksum(b: Uint8Array, family: 4 | 6, l3: number, l4: number, end: number): void {
  b[l4 + 2] = 0;
  b[l4 + 3] = 0;
  const c = family === 4 ? internetChecksum(b, l4, end - l4) : transportChecksum(b, 6, l3, IP_PROTO.ICMPV6, l4, end - l4, 2);
  b[l4 + 2] = c >>> 8;
  b[l4 + 3] = c & 0xff;
}
