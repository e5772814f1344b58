/**
 * One received VRRP datagram as `tcpdump -vvv vrrp` prints it (tcpdump print-ip.c and
 * print-vrrp.c), for `tsvs vrrp watch`:
 *
 *   IP (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)
 *       10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20, addrs: 10.99.0.100 auth "secret12"
 *
 * IPv6 datagrams come without their header from a raw socket, so the first line has only what
 * the socket reports (hop limit).
 */
import { internetChecksum } from './checksum.js';
import type { AddrFamily } from './vrrp-addr.js';
import { decodeIpv4Header } from './vrrp-ip.js';
import { decodeVrrp, decodeVrrpHeader, pseudoHeaderSum, vrrpMessageLength } from './vrrp.js';

const AUTH = ['none', 'simple', 'ah'];

function flags(fragment: number): string {
  const f: string[] = [];
  if (fragment & 0x4000) f.push('DF');
  if (fragment & 0x2000) f.push('+');
  return f.length ? f.join('') : 'none';
}

/** The VRRP part: `VRRPv2, Advertisement, vrid 51, ...`. */
export function formatVrrpMessage(buf: Uint8Array, off: number, len: number, family: AddrFamily, pseudo: { src: string; dst: string } | null): string {
  const h = decodeVrrpHeader(buf, off, len);
  if (!h.ok) return '[|vrrp]';
  const v = h.value;
  let out = `VRRPv${v.version}, ${v.type === 1 ? 'Advertisement' : `unknown type (${v.type})`}`;
  if ((v.version !== 2 && v.version !== 3) || v.type !== 1) return out;
  out += `, vrid ${v.vrid}, prio ${v.priority}`;
  out += v.version === 2 ? `, authtype ${AUTH[v.authType] ?? `unknown (${v.authType})`}, intvl ${v.interval}s, length ${len}` : `, intvl ${v.interval}cs, length ${len}`;
  const d = decodeVrrp(buf, off, len, family);
  if (!d.ok) return `${out} [|vrrp]`;
  const msgLen = vrrpMessageLength(v.version, v.count, family);
  const acc = v.version === 3 && pseudo ? pseudoHeaderSum(pseudo, family, msgLen) : 0;
  // IPv6 checksums are verified by the kernel before the datagram reaches the socket.
  if (family === 4 && internetChecksum(buf, off, msgLen, acc) !== 0) out += `, (bad vrrp cksum ${v.checksum.toString(16)})`;
  out += `, addrs${v.count > 1 ? `(${v.count})` : ''}:`;
  out += d.value.addresses.map((a, i) => `${i === 0 ? ' ' : ','}${a}`).join('');
  if (v.version === 2 && v.authType === 1 && d.value.authData) {
    let pass = '';
    for (const b of d.value.authData) {
      if (b === 0) break;
      pass += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\0${b.toString(8)}`;
    }
    out += ` auth "${pass}"`;
  }
  return out;
}

/** Both lines for one datagram from a raw socket (IPv4 with its header; IPv6 without). */
export function formatVrrpDatagram(bytes: Uint8Array, family: AddrFamily, meta: { src: string; dst: string | null; ttl: number }): string {
  if (family === 4) {
    const ip = decodeIpv4Header(bytes, 0, bytes.length);
    if (!ip.ok) return `IP [|ip] (${bytes.length} bytes)`;
    const h = ip.value;
    const head = `IP (tos 0x${h.tos.toString(16)}, ttl ${h.ttl}, id ${h.id}, offset ${(h.fragment & 0x1fff) * 8}, flags [${flags(h.fragment)}], proto VRRP (${h.protocol}), length ${h.totalLength})`;
    const body = formatVrrpMessage(bytes, h.headerLength, bytes.length - h.headerLength, 4, { src: h.src, dst: h.dst });
    return `${head}\n    ${h.src} > ${h.dst}: ${body}`;
  }
  const dst = meta.dst ?? 'ff02::12';
  const head = `IP6 (hlim ${meta.ttl}, next-header VRRP (112) payload length: ${bytes.length})`;
  return `${head} ${meta.src} > ${dst}: ${formatVrrpMessage(bytes, 0, bytes.length, 6, { src: meta.src, dst })}`;
}
