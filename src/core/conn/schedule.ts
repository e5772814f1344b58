/**
 * Scheduling a new connection (ip_vs_schedule, ip_vs_sched_persist, ip_vs_leave; ipvs.md §2,
 * §4, §9.4): the scheduler picks a destination, or a persistence template supplies it; the
 * entry (and template) are created; `conns` is counted. Results are an entry index or one of the
 * negative outcome codes below.
 */
import type { Destination, PickContext, VirtualService } from '../model.js';
import { foldWords4, maskWords, wordsToText } from './addr-words.js';
import type { Connections } from './connections.js';
import { CONN_F, FTP_DATA_PORT, FTP_PORT, FWD_CODE, INVALID_TEMPLATE_PORT, PROTO } from './flags.js';
import type { PacketMeta } from './packet.js';

/** Not for IPVS to decide: let the packet through (the kernel's *ignored = 1). */
export const SCHED_PASS = -1;
/** No destination: go on to {@link leave} (*ignored = 0). */
export const SCHED_NO_DEST = -2;
/** Could not create the entry: drop (*ignored = -1). */
export const SCHED_ERROR = -3;
/** {@link leave}: answer ICMP port unreachable and drop. */
export const SCHED_ICMP = -4;

const PROTOCOL_NAME: Readonly<Record<number, 'tcp' | 'udp' | 'sctp'>> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

export function protocolName(proto: number): 'tcp' | 'udp' | 'sctp' | undefined {
  return PROTOCOL_NAME[proto];
}

/** Reusable scratch state of the scheduling path. */
export class SchedEnv {
  readonly ctx: PickContext = { family: 4, protocol: 'tcp', saddr: '', sfold: 0, sport: 0, daddr: '', dfold: 0, dport: 0, inverse: false, now: 0 };
  /** Masked client network of a template key. */
  readonly cnet = new Uint32Array(4);
  /** A fwmark as template "virtual address": [mark, 0, 0, 0]. */
  readonly fwm = new Uint32Array(4);

  constructor(
    readonly conns: Connections,
    /** cache_bypass: is the packet's original destination a non-local unicast address? */
    readonly isBypassTarget: ((m: PacketMeta) => boolean) | null,
  ) {}
}

/** Ask the service's scheduler; null when it has none (`none`) or finds no destination. */
function pick(env: SchedEnv, svc: VirtualService, m: PacketMeta, now: number): Destination | null {
  if (!svc.sched) return null;
  const ctx = env.ctx;
  ctx.family = m.family;
  ctx.protocol = protocolName(m.protocol) ?? 'tcp';
  ctx.saddr = wordsToText(m.family, m.saddr);
  ctx.sfold = foldWords4(m.family, m.saddr);
  ctx.sport = m.sport;
  ctx.daddr = wordsToText(m.family, m.daddr);
  ctx.dfold = foldWords4(m.family, m.daddr);
  ctx.dport = m.dport;
  ctx.inverse = false;
  ctx.now = now;
  return svc.sched.pick(svc, ctx);
}

function countConn(env: SchedEnv, dest: Destination, svc: VirtualService): void {
  dest.stats.conns++;
  svc.stats.conns++;
  env.conns.ipvs.totals.conns++;
}

function opsFlag(svc: VirtualService, m: PacketMeta): number {
  return svc.onePacket && m.protocol === PROTO.UDP ? CONN_F.ONE_PACKET : 0;
}

/** ip_vs_schedule: create the entry of a new connection for `svc`. */
export function schedule(env: SchedEnv, svc: VirtualService, m: PacketMeta, now: number): number {
  // Active FTP data connections (from port 20) are never scheduled.
  if (m.sport === FTP_DATA_PORT) return SCHED_PASS;
  if (svc.persistent) return schedulePersistent(env, svc, m, now);
  // Non-persistent address services take only their own port (a port-0 one takes nothing).
  // COMPAT(ipvsadm): ipvs.md §9.1 says a non-persistent port-0 service lets such packets pass;
  // the kernel returns "no destination" here, so ip_vs_leave answers ICMP port unreachable
  // (only a port-21 service lets other ports pass). We follow the kernel code.
  if (svc.fwmark === 0 && m.dport !== svc.port) return SCHED_NO_DEST;
  const dest = pick(env, svc, m, now);
  if (!dest) return SCHED_NO_DEST;
  const dport = dest.port !== 0 ? dest.port : m.dport;
  const cp = env.conns.create(m.family, m.protocol, m.saddr, 0, m.sport, m.daddr, 0, m.dport, dport, opsFlag(svc, m), dest, m.fwmark);
  if (cp < 0) return SCHED_ERROR;
  countConn(env, dest, svc);
  return cp;
}

/**
 * ip_vs_check_template: a template is usable while its destination is available and, with
 * expire_quiescent_template, has a non-zero weight. An unusable one is re-keyed so it never
 * matches again and left to expire (its timer is not touched).
 */
export function checkTemplate(c: Connections, ct: number): boolean {
  const dest = c.destOf(ct);
  if (dest && dest.available && !(c.ipvs.sysctls.expire_quiescent_template && dest.weight === 0)) return true;
  if (c.table.vport(ct) !== INVALID_TEMPLATE_PORT) c.table.setPorts(ct, INVALID_TEMPLATE_PORT, INVALID_TEMPLATE_PORT);
  return false;
}

/**
 * ip_vs_sched_persist (§4.1, §4.2). Template key: <protocol, client net, 0, VIP, vport> with
 * vport 0 for FTP (port 21); a packet to another port than the service's (fwmark or port-zero
 * services) uses <IP, net, 0, fwmark, 0> for fwmark services, <protocol, net, 0, VIP, 0> else.
 */
function schedulePersistent(env: SchedEnv, svc: VirtualService, m: PacketMeta, now: number): number {
  const c = env.conns;
  maskWords(m.family, m.saddr, svc.netmask, env.cnet);
  let proto = m.protocol;
  let vaddr: Uint32Array = m.daddr;
  let vport = 0;
  const toServicePort = m.dport === svc.port;
  if (toServicePort) {
    if (svc.port !== FTP_PORT) vport = m.dport;
  } else if (svc.fwmark !== 0) {
    proto = PROTO.IP;
    env.fwm[0] = svc.fwmark;
    vaddr = env.fwm;
  }
  let ct = c.table.lookupTemplate(m.family, proto, env.cnet, vaddr, vport);
  let dest: Destination;
  if (ct < 0 || !checkTemplate(c, ct)) {
    const picked = pick(env, svc, m, now);
    if (!picked) return SCHED_NO_DEST;
    dest = picked;
    const tdport = toServicePort && svc.port !== FTP_PORT ? dest.port : 0;
    ct = c.create(m.family, proto, env.cnet, 0, 0, vaddr, 0, vport, tdport, CONN_F.TEMPLATE, dest, m.fwmark);
    if (ct < 0) return SCHED_ERROR;
    c.table.timeout[ct] = svc.timeout * 1000;
  } else {
    dest = c.destOf(ct)!;
  }
  // Persistent fwmark and port-zero services keep the client's port: the real server's port
  // applies only to packets for the service's own port (§4.2, quirk 11).
  const dport = toServicePort && dest.port !== 0 ? dest.port : m.dport;
  const cp = c.create(m.family, m.protocol, m.saddr, 0, m.sport, m.daddr, 0, m.dport, dport, opsFlag(svc, m), dest, m.fwmark);
  if (cp < 0) {
    c.put(ct, now);
    return SCHED_ERROR;
  }
  c.controlAdd(cp, ct);
  c.put(ct, now);
  countConn(env, dest, svc);
  return cp;
}

/**
 * ip_vs_leave (§9.4): no destination. A fwmark service with cache_bypass forwards to the
 * original destination through a bypass entry; a port-21 service lets other ports pass;
 * everything else gets ICMP port unreachable.
 */
export function leave(env: SchedEnv, svc: VirtualService, m: PacketMeta): number {
  const c = env.conns;
  if (c.ipvs.sysctls.cache_bypass && svc.fwmark !== 0 && env.isBypassTarget?.(m)) {
    const flags = FWD_CODE.bypass | opsFlag(svc, m);
    const cp = c.create(m.family, m.protocol, m.saddr, 0, m.sport, m.daddr, 0, m.dport, 0, flags, null, m.fwmark);
    return cp < 0 ? SCHED_ERROR : cp;
  }
  if (svc.port === FTP_PORT && m.dport !== FTP_PORT) return SCHED_PASS;
  return SCHED_ICMP;
}
