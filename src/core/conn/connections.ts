/**
 * Entry lifecycle (ip_vs_conn.c semantics, ipvs.md §3.2, §3.3, §3.7, §4.2, §9.8): creating an
 * entry and binding it to its destination, control links (templates), timer re-arming as
 * "last packet + timeout", and expiry — entries that still control others are kept and re-armed
 * for 60 s; otherwise they are unlinked, their destination counters and the controller's
 * n_control are decremented.
 */
import type { Family } from '../addr.js';
import type { Ipvs } from '../ipvs.js';
import { DEST_F, type Destination } from '../model.js';
import { ConnTable, type ConnTableOptions } from './conn-table.js';
import { DestRegistry } from './dest-registry.js';
import { CONN_F, CONTROL_EXTEND_MS, FWD_CODE } from './flags.js';
import { TimerWheel, type TimerWheelOptions } from './timer-wheel.js';

/** A new entry waits this long for its first state transition (never observable in practice). */
const INITIAL_TIMEOUT_MS = 3000;

export interface ConnectionsOptions extends ConnTableOptions {
  readonly wheel?: Omit<TimerWheelOptions, 'tieBreak'>;
}

export class Connections {
  readonly table: ConnTable;
  readonly wheel: TimerWheel;
  readonly dests = new DestRegistry();
  /** Live entries by kind (the property tests compare them with the destination counters). */
  connCount = 0;
  templateCount = 0;
  /**
   * Called with an entry's index just before it is unlinked and freed: on expiry, on the
   * expire_nodest_conn flush, and right after the packet of a one-packet entry. The entry can
   * still be read. A data plane that carries the traffic itself (the socket proxy) closes what it
   * holds for the entry here. Must not create or remove entries.
   */
  onRemove: ((idx: number) => void) | null = null;
  private seenUnlinks: number;

  constructor(
    readonly ipvs: Ipvs,
    opts: ConnectionsOptions = {},
  ) {
    this.table = new ConnTable(opts);
    // Same-ms expiries: entries that control nothing go first, so a template expiring with the
    // last entry it controls sees that entry gone (as the kernel's LIFO timer lists do).
    const t = this.table;
    this.wheel = new TimerWheel(this.table.capacity, { ...opts.wheel, tieBreak: (a, b) => t.nControl[a]! - t.nControl[b]! || a - b });
    this.seenUnlinks = ipvs.destUnlinks;
  }

  /**
   * ip_vs_conn_new + ip_vs_bind_dest: a fresh entry in state 0 with a 3 s timeout, bound to
   * `dest` (counted inactive, or as persistent for templates), hashed unless one-packet.
   * Returns -1 when the table is full.
   */
  create(af: Family, proto: number, caddr: ArrayLike<number>, cOff: number, cport: number, vaddr: ArrayLike<number>, vOff: number, vport: number, dport: number, flags: number, dest: Destination | null, fwmark: number): number {
    const t = this.table;
    const idx = t.alloc();
    if (idx < 0) return -1;
    if (idx >= this.wheel.capacity) this.wheel.ensureCapacity(t.capacity);
    t.setKey(idx, af, proto, caddr, cOff, cport, vaddr, vOff, vport);
    t.setFlags(idx, flags);
    t.fwmark[idx] = fwmark;
    t.timeout[idx] = INITIAL_TIMEOUT_MS;
    if (dest) {
      const h = this.dests.handleOf(dest);
      t.setDestAddr(idx, this.dests.familyOf(h), this.dests.addrs, h * 4, dport);
      this.bind(idx, h, dest);
    } else {
      t.setDestAddr(idx, af, ZERO_WORDS, 0, dport);
    }
    if (flags & CONN_F.TEMPLATE) this.templateCount++;
    else this.connCount++;
    if (!(flags & CONN_F.ONE_PACKET)) t.hash(idx);
    return idx;
  }

  private bind(idx: number, h: number, dest: Destination): void {
    const t = this.table;
    dest.refs++;
    t.dest[idx] = h;
    // The destination's conn_flags: its method, INACTIVE, and NOOUTPUT unless it is NAT.
    const fwd = FWD_CODE[dest.fwd];
    let f = (t.flags(idx) & ~CONN_F.FWD_MASK) | fwd | CONN_F.INACTIVE;
    if (fwd !== FWD_CODE.nat) f |= CONN_F.NOOUTPUT;
    t.setFlags(idx, f);
    if (f & CONN_F.TEMPLATE) dest.persistConns++;
    else dest.inactConns++;
    if (dest.uThreshold !== 0 && dest.activeConns + dest.inactConns >= dest.uThreshold) dest.flags |= DEST_F.OVERLOAD;
  }

  private unbind(idx: number): void {
    const t = this.table;
    const h = t.dest[idx]!;
    if (h < 0) return;
    const dest = this.dests.get(h);
    const f = t.flags(idx);
    if (f & CONN_F.TEMPLATE) dest.persistConns--;
    else if (f & CONN_F.INACTIVE) dest.inactConns--;
    else dest.activeConns--;
    const total = dest.activeConns + dest.inactConns;
    if (dest.lThreshold !== 0) {
      if (total < dest.lThreshold) dest.flags &= ~DEST_F.OVERLOAD;
    } else if (dest.uThreshold !== 0) {
      if (total * 4 < dest.uThreshold * 3) dest.flags &= ~DEST_F.OVERLOAD;
    } else {
      dest.flags &= ~DEST_F.OVERLOAD;
    }
    dest.refs--;
    t.dest[idx] = -1;
    this.dests.releaseIfIdle(h);
  }

  /** The entry's destination, or null (bypass entries). */
  destOf(idx: number): Destination | null {
    const h = this.table.dest[idx]!;
    return h < 0 ? null : this.dests.get(h);
  }

  controlAdd(idx: number, ct: number): void {
    this.table.control[idx] = ct;
    this.table.nControl[ct]!++;
  }

  private controlDel(idx: number): void {
    const ct = this.table.control[idx]!;
    if (ct < 0) return;
    this.table.nControl[ct]!--;
    this.table.control[idx] = -1;
  }

  /** ip_vs_conn_put: re-arm to now + timeout, or end a one-packet entry right away. */
  put(idx: number, now: number): void {
    if (this.table.flags(idx) & CONN_F.ONE_PACKET) this.onTimer(idx, now);
    else this.wheel.arm(idx, now + this.table.timeout[idx]!);
  }

  /** ip_vs_conn_expire_now: let the timer fire at `now` (handled by the next advance). */
  expireNow(idx: number, now: number): void {
    if (this.wheel.isArmed(idx) && this.wheel.expires[idx]! > now) this.wheel.arm(idx, now);
  }

  /** Run every timer due by `now`; also flush entries of deleted destinations (see flushNodest). */
  advance(now: number): number {
    this.wheel.begin(now);
    if (this.ipvs.destUnlinks !== this.seenUnlinks) {
      this.seenUnlinks = this.ipvs.destUnlinks;
      if (this.ipvs.sysctls.expire_nodest_conn) this.flushNodest();
      this.dests.sweep();
    }
    return this.wheel.advance(now, this.onTimerBound);
  }

  private readonly onTimerBound = (idx: number, at: number): void => this.onTimer(idx, at);

  /** ip_vs_conn_expire at time `at`. */
  private onTimer(idx: number, at: number): void {
    const t = this.table;
    if (t.nControl[idx]! > 0) {
      t.timeout[idx] = CONTROL_EXTEND_MS;
      this.wheel.arm(idx, at + CONTROL_EXTEND_MS);
      return;
    }
    this.remove(idx);
  }

  /** Unlink and free an entry that controls nothing. */
  private remove(idx: number): void {
    const t = this.table;
    this.onRemove?.(idx);
    this.wheel.disarm(idx);
    t.unhash(idx);
    this.controlDel(idx);
    this.unbind(idx);
    if (t.flags(idx) & CONN_F.TEMPLATE) this.templateCount--;
    else this.connCount--;
    t.free(idx);
  }

  /**
   * ip_vs_expire_nodest_conn_flush (kernel >= 5.9, run shortly after a destination is deleted
   * while expire_nodest_conn=1): delete every entry of an unavailable destination that controls
   * nothing, and its controller once that controls nothing either.
   */
  flushNodest(): void {
    const t = this.table;
    for (let idx = 0; idx < t.slotsInUse; idx++) {
      if (!t.isLive(idx) || t.nControl[idx]! > 0) continue;
      const h = t.dest[idx]!;
      if (h < 0 || this.dests.get(h).available) continue;
      const ct = t.control[idx]!;
      this.remove(idx);
      if (ct >= 0 && t.isLive(ct) && t.nControl[ct] === 0) this.remove(ct);
    }
  }
}

const ZERO_WORDS = new Uint32Array(4);
