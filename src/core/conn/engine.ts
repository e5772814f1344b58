/**
 * The per-packet decision of IPVS (ip_vs_in / ip_vs_out, ipvs.md §3.1, §7.1, §9.4): find the
 * entry of a packet, handle connection reuse and dead destinations, create entries for new
 * connections through scheduling and persistence, count statistics, run the protocol state
 * machine, re-arm the entry's timer, and say what to do with the packet.
 *
 * The established path (entry found) allocates nothing: the packet metadata and the verdict are
 * reusable objects. Expiry runs in {@link ConnEngine.advance}, driven by the caller's clock.
 */
import type { Ipvs } from '../ipvs.js';
import type { ConnView } from '../snapshot.js';
import { wordsToText } from './addr-words.js';
import { CADDR, DADDR, VADDR } from './conn-table.js';
import { Connections, type ConnectionsOptions } from './connections.js';
import { CONN_F, FWD_CODE, PROTO, fwdOfFlags } from './flags.js';
import { Verdict, newDropCounters, type DropReason, type PacketMeta } from './packet.js';
import { SCHED_ERROR, SCHED_ICMP, SCHED_NO_DEST, SCHED_PASS, SchedEnv, leave, protocolName, schedule } from './schedule.js';
import { SCTP_CHUNK, SCTP_STATE } from './sctp-table.js';
import { DIR_INPUT, DIR_OUTPUT, transition } from './state.js';
import { TCP_FLAG, TCP_STATE } from './tcp-table.js';
import { connectionViews } from './view.js';

export interface ConnEngineOptions extends ConnectionsOptions {
  /** cache_bypass (§5.4): whether the packet's original destination is a non-local unicast address. */
  readonly isBypassTarget?: (m: PacketMeta) => boolean;
}

export class ConnEngine {
  readonly conns: Connections;
  /** Packets dropped or refused, per reason. */
  readonly drops = newDropCounters();
  private readonly verdict = new Verdict();
  private readonly env: SchedEnv;

  constructor(
    readonly ipvs: Ipvs,
    opts: ConnEngineOptions = {},
  ) {
    this.conns = new Connections(ipvs, opts);
    this.env = new SchedEnv(this.conns, opts.isBypassTarget ?? null);
  }

  /** Decide one packet at time `now` (ms). The verdict object is reused by the next call. */
  process(m: PacketMeta, now: number): Verdict {
    this.conns.wheel.begin(now);
    this.verdict.reset();
    if (m.protocol !== PROTO.TCP && m.protocol !== PROTO.UDP && m.protocol !== PROTO.SCTP) return this.verdict;
    return m.direction === 'in' ? this.processIn(m, now) : this.processOut(m, now);
  }

  /** Expire every entry due by `now`; returns how many timers fired. */
  advance(now: number): number {
    return this.conns.advance(now);
  }

  /** Entries as `ipvsadm -L -c` lists them, in table order. Consume before processing more packets. */
  views(now: number): IterableIterator<ConnView> {
    return connectionViews(this.conns, now);
  }

  private processIn(m: PacketMeta, now: number): Verdict {
    const c = this.conns;
    const t = c.table;
    let cp = t.lookupIn(m.family, m.protocol, m.saddr, m.sport, m.daddr, m.dport);
    if (cp >= 0 && this.ipvs.sysctls.conn_reuse_mode !== 0 && !m.fragment && isNewConn(m) && this.mustReschedule(cp)) {
      // Without netfilter conntrack the old entry never forces a drop: expire it, schedule anew.
      if (t.nControl[cp] === 0) c.expireNow(cp, now);
      cp = -1;
    }
    if (cp >= 0) {
      const dest = c.destOf(cp);
      if (dest && !dest.available) {
        if (!this.ipvs.sysctls.expire_nodest_conn) return this.drop('dest-unavailable');
        c.expireNow(cp, now);
        cp = -1;
      }
    }
    if (cp < 0) {
      // Non-first fragments cannot start connections.
      if (m.fragment) return this.verdict;
      cp = this.newConnection(m, now);
      if (cp < 0) return this.verdict;
    }
    this.countIn(cp, m.ipLength);
    transition(c, cp, DIR_INPUT, m.tcpFlags, m.sctpChunk, m.sctpNextChunk);
    this.forward(cp, m);
    const f = t.flags(cp);
    if (f & CONN_F.ONE_PACKET && t.control[cp]! >= 0) t.inPkts[t.control[cp]!]!++;
    else t.inPkts[cp]!++;
    c.put(cp, now);
    return this.verdict;
  }

  /** conn_reuse_mode (§3.1 step 4) for an entry hit by a packet that looks like a new connection. */
  private mustReschedule(cp: number): boolean {
    const c = this.conns;
    const t = c.table;
    const sys = this.ipvs.sysctls;
    const dest = c.destOf(cp);
    if (sys.expire_nodest_conn && dest && dest.weight === 0) return true;
    if (t.control[cp]! >= 0) return false;
    const s = t.state[cp]!;
    switch (t.proto(cp)) {
      case PROTO.TCP:
        return s === TCP_STATE.TIME_WAIT || s === TCP_STATE.CLOSE || ((sys.conn_reuse_mode & 2) !== 0 && s === TCP_STATE.FIN_WAIT && (t.flags(cp) & CONN_F.NOOUTPUT) !== 0);
      case PROTO.SCTP:
        return s === SCTP_STATE.CLOSED;
      default:
        return false;
    }
  }

  /** No entry: may this packet create one, for which service, and with what result? */
  private newConnection(m: PacketMeta, now: number): number {
    if (!this.mayCreate(m)) return -1;
    const svc = this.ipvs.lookupService(m.family, protocolName(m.protocol)!, wordsToText(m.family, m.daddr), m.dport, m.fwmark);
    if (!svc) return -1;
    let r = schedule(this.env, svc, m, now);
    if (r === SCHED_NO_DEST) r = leave(this.env, svc, m);
    if (r >= 0) return r;
    if (r === SCHED_ERROR) this.drop('table-full');
    else if (r === SCHED_ICMP) this.refuse('no-destination');
    else if (r !== SCHED_PASS) throw new Error(`unexpected scheduling result ${r}`);
    return -1;
  }

  /** TCP: SYN without RST (any non-RST with sloppy_tcp); SCTP: INIT (anything but ABORT with sloppy_sctp); UDP: always. */
  private mayCreate(m: PacketMeta): boolean {
    const sys = this.ipvs.sysctls;
    if (m.protocol === PROTO.TCP) return (m.tcpFlags & TCP_FLAG.RST) === 0 && (sys.sloppy_tcp !== 0 || (m.tcpFlags & TCP_FLAG.SYN) !== 0);
    // COMPAT(ipvsadm): ipvs.md §3.1 says sloppy_sctp creates entries from "anything"; the
    // kernel's sctp_conn_schedule still refuses an ABORT, and so do we.
    if (m.protocol === PROTO.SCTP) return m.sctpChunk !== SCTP_CHUNK.ABORT && (sys.sloppy_sctp !== 0 || m.sctpChunk === SCTP_CHUNK.INIT);
    return true;
  }

  /** inpkts/inbytes on the destination, its service and the totals, while the destination is available. */
  private countIn(cp: number, bytes: number): void {
    const dest = this.conns.destOf(cp);
    if (!dest || !dest.available) return;
    dest.stats.countIn(bytes);
    dest.service.stats.countIn(bytes);
    this.ipvs.totals.countIn(bytes);
  }

  private forward(cp: number, m: PacketMeta): void {
    const t = this.conns.table;
    const v = this.verdict;
    const f = t.flags(cp);
    v.kind = 'forward';
    v.entry = f & CONN_F.ONE_PACKET ? -1 : cp;
    v.dest = this.conns.destOf(cp);
    v.fwd = fwdOfFlags(f);
    if ((f & CONN_F.FWD_MASK) === FWD_CODE.bypass) {
      // A bypass entry forwards to the packet's original destination (its virtual address).
      v.family = m.family;
      t.copyAddr(cp, VADDR, v.daddr);
      v.dport = t.vport(cp);
      return;
    }
    v.family = t.daf(cp);
    t.copyAddr(cp, DADDR, v.daddr);
    v.dport = t.dport(cp);
    if ((f & CONN_F.FWD_MASK) === FWD_CODE.nat && f & CONN_F.NO_CPORT) t.fillCport(cp, m.sport);
  }

  private processOut(m: PacketMeta, now: number): Verdict {
    const c = this.conns;
    const t = c.table;
    const cp = t.lookupOut(m.family, m.protocol, m.saddr, m.sport, m.daddr, m.dport);
    if (cp < 0) return this.noReplyEntry(m);
    // Only NAT replies pass through the director; other methods' entries are left alone here.
    if ((t.flags(cp) & CONN_F.FWD_MASK) !== FWD_CODE.nat) return this.verdict;
    const dest = c.destOf(cp);
    if (dest && dest.available) {
      dest.stats.countOut(m.ipLength);
      dest.service.stats.countOut(m.ipLength);
      this.ipvs.totals.countOut(m.ipLength);
    }
    transition(c, cp, DIR_OUTPUT, m.tcpFlags, m.sctpChunk, m.sctpNextChunk);
    const v = this.verdict;
    v.kind = 'reply';
    v.entry = cp;
    v.dest = dest;
    v.fwd = 'nat';
    v.family = m.family;
    t.copyAddr(cp, VADDR, v.saddr);
    t.copyAddr(cp, CADDR, v.daddr);
    v.sport = t.vport(cp);
    v.dport = t.cport(cp);
    c.put(cp, now);
    return v;
  }

  /** nat_icmp_send: a NAT real server's non-RST (non-ABORT) packet without an entry gets ICMP. */
  private noReplyEntry(m: PacketMeta): Verdict {
    if (!this.ipvs.sysctls.nat_icmp_send) return this.verdict;
    if (m.protocol === PROTO.TCP && m.tcpFlags & TCP_FLAG.RST) return this.verdict;
    if (m.protocol === PROTO.SCTP && m.sctpChunk === SCTP_CHUNK.ABORT) return this.verdict;
    if (!this.isNatRealServer(m)) return this.verdict;
    return this.refuse('nat-no-entry');
  }

  /** ip_vs_has_real_service: the source is a NAT destination (address, port, protocol or fwmark service). */
  private isNatRealServer(m: PacketMeta): boolean {
    const addr = wordsToText(m.family, m.saddr);
    const proto = protocolName(m.protocol);
    for (const svc of this.ipvs.services.values()) {
      if (svc.fwmark === 0 && svc.protocol !== proto) continue;
      for (const d of svc.dests) if (d.fwd === 'nat' && d.port === m.sport && d.family === m.family && d.addr === addr) return true;
    }
    return false;
  }

  private drop(reason: DropReason): Verdict {
    this.drops[reason]++;
    this.verdict.kind = 'drop';
    this.verdict.reason = reason;
    return this.verdict;
  }

  private refuse(reason: DropReason): Verdict {
    this.drops[reason]++;
    this.verdict.kind = 'icmp-unreachable';
    this.verdict.reason = reason;
    return this.verdict;
  }
}

/** is_new_conn: a TCP segment with SYN (ACK not checked) or an SCTP packet starting with INIT. */
function isNewConn(m: PacketMeta): boolean {
  if (m.protocol === PROTO.TCP) return (m.tcpFlags & TCP_FLAG.SYN) !== 0;
  if (m.protocol === PROTO.SCTP) return m.sctpChunk === SCTP_CHUNK.INIT;
  return false;
}
