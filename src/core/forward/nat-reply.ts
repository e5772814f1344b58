/**
 * The NAT reply path (ipvs.md §5.1, handle_response): a real server's packet to a client leaves
 * the director with the virtual service as its source. In the kernel the reply is forwarded by the
 * host (ip_forward takes its hop, or answers Time Exceeded and drops it before IPVS sees it), then
 * IPVS rewrites the source and re-routes it (snat_reroute).
 */
import { FWD_CODE, CONN_F } from '../conn/flags.js';
import type { ConnEngine } from '../conn/engine.js';
import type { PacketMeta } from '../conn/packet.js';
import type { Egress } from './egress.js';
import { readWords } from './frame-util.js';
import { forwardHop, hopsLeft } from './hop-limit.js';
import { exceedsRoom } from './mtu.js';
import { natSource, rewriteEndpoint } from './rewrite.js';
import type { FrameVerdict } from './verdict.js';

const client = new Uint32Array(4);

/** The director's own address on the link the reply came in on: icmp_send's source for a forwarded packet. */
function ownAddress(out: Egress): Uint8Array | null {
  const l = out.arrivalLink;
  return out.view.family === 4 ? l.addressBytes : l.address6Bytes;
}

/** Take the reply's hop; a spent one is answered from the director's own address, or dropped without one. */
function replyHop(out: Egress): FrameVerdict | null {
  const own = ownAddress(out);
  // COMPAT(ipvsadm): the kernel always finds a source for icmp_send; an engine told no address of
  // the family on the link drops the reply silently rather than answer from someone else's.
  if (own === null && hopsLeft(out.view) <= 1) return out.drop('ttl-exceeded');
  return forwardHop(out, own);
}

/**
 * Send the current frame (a NAT reply) to its client from `vaddr`:`vport`; `vport` -1 for a later
 * fragment (no ports, only the address changes). In ip_forward's order: a spent TTL first, then
 * the route and the MTU of the link to the client (the error quotes the reply as the real server
 * sent it, from the director's own address), then the hop and IPVS's rewrite.
 */
export function sendNatReply(out: Egress, vaddr: Uint32Array, vport: number): FrameVerdict {
  const f = out.view;
  if (hopsLeft(f) <= 1) return replyHop(out)!;
  readWords(f.buf, f.dstAt, f.family, client);
  const link = out.route(f.family, client);
  if (!link) return out.drop('no-route');
  const own = ownAddress(out);
  // COMPAT(ipvsadm): as for a spent reply, no address of the family on the link: dropped unanswered.
  const big = exceedsRoom(out, link.mtu, out.aggregate, 'needs-fragmentation', own, own !== null);
  if (big) return big;
  forwardHop(out); // more than one hop left: never an error here
  if (vport >= 0) natSource(f, vaddr, vport);
  else rewriteEndpoint(f.buf, f.family, f.srcAt, vaddr, -1, 0, f.family === 4 ? f.l3 + 10 : -1, -1, false);
  out.counters.natOut++;
  return out.toHop(link, f.buf, f.length, f.family, 'nat-reply');
}

/**
 * A packet not sent to a virtual address whose TTL / hop limit is spent, if it is a NAT reply:
 * the host's forwarding answers it before IPVS sees it, so the connection is looked up only (no
 * state change, no counters) and the reply dies here. Null when it is not a NAT reply.
 */
export function expiredNatReply(out: Egress, engine: ConnEngine, m: PacketMeta): FrameVerdict | null {
  if (hopsLeft(out.view) > 1) return null;
  const t = engine.conns.table;
  const cp = t.lookupOut(m.family, m.protocol, m.saddr, m.sport, m.daddr, m.dport);
  if (cp < 0 || (t.flags(cp) & CONN_F.FWD_MASK) !== FWD_CODE.nat) return null;
  return replyHop(out);
}
