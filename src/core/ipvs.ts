/**
 * The director's IPVS state: services, destinations, timeouts, sync daemons and the trash of
 * deleted destinations, changed only through {@link Ipvs.apply} with the kernel's rules
 * (ip_vs_ctl.c semantics, ipvs.md §1, §6.4, §9.8, §9.11).
 */
import { foldIp, type Family } from './addr.js';
import {
  DEFAULT_SYSCTLS,
  DEFAULT_TIMEOUTS,
  DEST_F,
  Destination,
  IP_VS_SCHEDNAME_MAXLEN,
  VirtualService,
  serviceKeyString,
  type DestSpec,
  type Protocol,
  type ServiceKey,
  type ServiceSpec,
  type SyncDaemon,
  type Sysctls,
  type Timeouts,
} from './model.js';
import { OK, fail, type Op, type OpResult } from './ops.js';
import type { Rng } from './ports.js';
import { SeededRng } from './rng.js';
import { createScheduler, isKnownScheduler } from './sched/registry.js';
import { Stats } from './stats.js';

/** The Maglev table size bounds the number of destinations of an mh service (EINVAL past it). */
const MH_TABLE_SIZE = 4093;
/** A destination unreferenced this long in the trash is freed (reaped by a 60 s timer in the kernel). */
export const TRASH_FREE_AFTER_MS = 120_000;

export interface IpvsOptions {
  readonly rng?: Rng;
  readonly sysctls?: Partial<Sysctls>;
}

export class Ipvs {
  /** Services in creation order (listings sort; iteration order is kept stable). */
  readonly services = new Map<string, VirtualService>();
  readonly timeouts: Timeouts = { ...DEFAULT_TIMEOUTS };
  readonly sysctls: Sysctls;
  readonly daemons: { master: SyncDaemon | null; backup: SyncDaemon | null } = { master: null, backup: null };
  /** Deleted destinations still referenced by connections or templates. */
  readonly trash: Destination[] = [];
  /** Global totals (/proc/net/ip_vs_stats). */
  readonly totals = new Stats();
  /** Destinations unlinked into the trash so far (the connection table flushes their entries on change). */
  destUnlinks = 0;
  readonly rng: Rng;
  private readonly byFwmark = new Map<string, VirtualService>();
  /** Services with port 0, per protocol and family, to skip the port-0 lookup when there are none. */
  private portZeroCount = 0;
  private port21Count = 0;

  constructor(opts: IpvsOptions = {}) {
    this.rng = opts.rng ?? new SeededRng(1);
    this.sysctls = { ...DEFAULT_SYSCTLS, ...opts.sysctls };
  }

  /** Apply one operation; on failure nothing changed. `now` (ms) stamps trash entries. */
  apply(op: Op, now = 0): OpResult {
    switch (op.type) {
      case 'add-service':
        return this.addService(op.service);
      case 'edit-service':
        return this.editService(op.service);
      case 'delete-service':
        return this.deleteService(op.service, now);
      case 'flush':
        for (const svc of [...this.services.values()]) this.removeService(svc, now);
        return OK;
      case 'add-dest':
        return this.addDest(op.service, op.dest);
      case 'edit-dest':
        return this.editDest(op.service, op.dest);
      case 'delete-dest':
        return this.deleteDest(op.service, op.dest, now);
      case 'zero':
        return this.zero(op.service);
      case 'set-timeouts':
        return this.setTimeouts(op.tcp, op.tcpfin, op.udp);
      case 'start-daemon': {
        if (this.daemons[op.daemon.state]) return fail('EEXIST', `${op.daemon.state} sync daemon already running`);
        this.daemons[op.daemon.state] = withSyncDefaults(op.daemon);
        return OK;
      }
      case 'stop-daemon': {
        if (!this.daemons[op.state]) return fail('ESRCH', `no ${op.state} sync daemon running`);
        this.daemons[op.state] = null;
        return OK;
      }
    }
  }

  /** Apply operations in order, stopping at the first failure (its index is returned). */
  applyAll(ops: readonly Op[], now = 0): { ok: true } | { ok: false; index: number; result: OpResult & { ok: false } } {
    for (let i = 0; i < ops.length; i++) {
      const r = this.apply(ops[i]!, now);
      if (!r.ok) return { ok: false, index: i, result: r };
    }
    return { ok: true };
  }

  getService(key: ServiceKey): VirtualService | undefined {
    return this.services.get(serviceKeyString(key));
  }

  /**
   * Find the service for a packet (ipvs.md §9.1): fwmark first, then exact (protocol, VIP, port),
   * then the FTP data rule for port 21 services, then a port-0 service on the VIP.
   */
  lookupService(family: Family, protocol: Protocol, daddr: string, dport: number, fwmark: number): VirtualService | undefined {
    if (fwmark !== 0) {
      const s = this.byFwmark.get(`${family}|${fwmark}`);
      if (s) return s;
    }
    const exact = this.services.get(`${protocol}|${daddr}|${dport}`);
    if (exact) return exact;
    if (protocol === 'tcp' && this.port21Count > 0 && (dport === 20 || dport >= 1024)) {
      const ftp = this.services.get(`tcp|${daddr}|21`);
      if (ftp) return ftp;
    }
    if (this.portZeroCount > 0) return this.services.get(`${protocol}|${daddr}|0`);
    return undefined;
  }

  private checkServiceSpec(spec: ServiceSpec): OpResult {
    if (spec.scheduler.length >= IP_VS_SCHEDNAME_MAXLEN) return fail('EINVAL', `scheduler name too long: ${spec.scheduler}`);
    if (!isKnownScheduler(spec.scheduler)) return fail('ENOENT', `unknown scheduler ${spec.scheduler}`);
    if (spec.pe !== '' && spec.pe !== 'sip') return fail('ENOENT', `unknown persistence engine ${spec.pe}`);
    if (spec.key.family === 6 && (spec.netmask < 1 || spec.netmask > 128)) return fail('EINVAL', `IPv6 prefix ${spec.netmask} out of 1..128`);
    return OK;
  }

  private addService(spec: ServiceSpec): OpResult {
    const id = serviceKeyString(spec.key);
    if (this.services.has(id)) return fail('EEXIST', `service ${id} exists`);
    const bad = this.checkServiceSpec(spec);
    if (!bad.ok) return bad;
    const svc = new VirtualService(spec);
    this.bindScheduler(svc);
    this.services.set(id, svc);
    this.index(svc, +1);
    return OK;
  }

  private editService(spec: ServiceSpec): OpResult {
    const svc = this.getService(spec.key);
    if (!svc) return fail('ESRCH', `no service ${serviceKeyString(spec.key)}`);
    const bad = this.checkServiceSpec(spec);
    if (!bad.ok) return bad;
    // The kernel rebinds only when the scheduler changes; the same scheduler keeps its state.
    const rebind = spec.scheduler !== svc.scheduler;
    if (rebind) svc.sched?.done(svc);
    svc.scheduler = spec.scheduler;
    svc.flags = spec.flags;
    svc.timeout = spec.timeout;
    svc.netmask = spec.netmask;
    svc.pe = spec.pe;
    if (rebind) this.bindScheduler(svc);
    return OK;
  }

  private bindScheduler(svc: VirtualService): void {
    svc.sched = svc.scheduler === 'none' ? null : createScheduler(svc.scheduler, this.rng, this.sysctls);
    svc.sched?.init(svc);
  }

  private deleteService(key: ServiceKey, now: number): OpResult {
    const svc = this.getService(key);
    if (!svc) return fail('ESRCH', `no service ${serviceKeyString(key)}`);
    this.removeService(svc, now);
    return OK;
  }

  private removeService(svc: VirtualService, now: number): void {
    // As the kernel: unbind the scheduler first, so no per-destination hook rebuilds its tables.
    svc.sched?.done(svc);
    svc.sched = null;
    for (const d of [...svc.dests]) this.unlinkDest(svc, d, now);
    this.services.delete(svc.id);
    this.index(svc, -1);
  }

  private index(svc: VirtualService, delta: 1 | -1): void {
    if (svc.key.kind === 'fwmark') {
      const k = `${svc.key.family}|${svc.key.fwmark}`;
      if (delta > 0) this.byFwmark.set(k, svc);
      else this.byFwmark.delete(k);
      return;
    }
    if (svc.key.port === 0) this.portZeroCount += delta;
    if (svc.key.port === 21 && svc.key.protocol === 'tcp') this.port21Count += delta;
  }

  private checkDestSpec(svc: VirtualService, spec: DestSpec): OpResult {
    if (spec.weight < 0) return fail('ERANGE', 'weight < 0');
    if (spec.lThreshold > spec.uThreshold) return fail('ERANGE', 'lower threshold above upper threshold');
    if (spec.fwd === 'tun' && spec.tunType === 'gue' && spec.tunPort === 0) return fail('EINVAL', 'GUE tunnel needs a port');
    if (spec.family !== svc.family && spec.fwd !== 'tun') return fail('EINVAL', 'mixed address families need tunnel forwarding');
    return OK;
  }

  private addDest(key: ServiceKey, spec: DestSpec): OpResult {
    const svc = this.getService(key);
    if (!svc) return fail('ESRCH', `no service ${serviceKeyString(key)}`);
    const bad = this.checkDestSpec(svc, spec);
    if (!bad.ok) return bad;
    if (svc.findDest(spec)) return fail('EEXIST', `destination ${spec.addr}:${spec.port} exists`);
    if (svc.scheduler === 'mh' && svc.dests.length >= MH_TABLE_SIZE) return fail('EINVAL', 'more destinations than the Maglev table');
    // A deleted destination still in the trash comes back with its counters and connections.
    const ti = this.trash.findIndex((d) => d.service.id === svc.id && d.addr === spec.addr && d.port === spec.port && d.family === spec.family);
    let dest: Destination;
    if (ti >= 0) {
      dest = this.trash.splice(ti, 1)[0]!;
      dest.service = svc;
      dest.trashedAt = -1;
      // __ip_vs_update_dest with add=1 sets last_weight even to 0 (mh then gives it no slots).
      dest.lastWeight = spec.weight;
    } else {
      dest = new Destination(spec, foldIp(spec.addr), svc);
    }
    this.updateDest(dest, spec);
    dest.flags |= DEST_F.AVAILABLE;
    svc.dests.unshift(dest);
    reindex(svc);
    svc.sched?.addDest(svc, dest);
    return OK;
  }

  private editDest(key: ServiceKey, spec: DestSpec): OpResult {
    const svc = this.getService(key);
    if (!svc) return fail('ESRCH', `no service ${serviceKeyString(key)}`);
    const bad = this.checkDestSpec(svc, spec);
    if (!bad.ok) return bad;
    const dest = svc.findDest(spec);
    if (!dest) return fail('ENOENT', `no destination ${spec.addr}:${spec.port}`);
    this.updateDest(dest, spec);
    svc.sched?.updDest(svc, dest);
    return OK;
  }

  /** __ip_vs_update_dest: attributes, last_weight, and the OVERLOAD rule for threshold edits. */
  private updateDest(dest: Destination, spec: DestSpec): void {
    dest.weight = spec.weight;
    if (spec.weight > 0) dest.lastWeight = spec.weight;
    dest.fwd = spec.fwd;
    dest.tunType = spec.tunType;
    dest.tunPort = spec.tunPort;
    dest.tunFlags = spec.tunFlags;
    if (spec.uThreshold === 0 || spec.uThreshold > dest.uThreshold) dest.flags &= ~DEST_F.OVERLOAD;
    dest.uThreshold = spec.uThreshold;
    dest.lThreshold = spec.lThreshold;
  }

  private deleteDest(key: ServiceKey, id: { family: Family; addr: string; port: number }, now: number): OpResult {
    const svc = this.getService(key);
    if (!svc) return fail('ESRCH', `no service ${serviceKeyString(key)}`);
    const dest = svc.findDest(id);
    if (!dest) return fail('ENOENT', `no destination ${id.addr}:${id.port}`);
    this.unlinkDest(svc, dest, now);
    return OK;
  }

  /** Scheduler hook first (it may need the dest's list position), then unlink into the trash. */
  private unlinkDest(svc: VirtualService, dest: Destination, now: number): void {
    svc.sched?.delDest(svc, dest);
    svc.dests.splice(svc.dests.indexOf(dest), 1);
    reindex(svc);
    dest.flags &= ~DEST_F.AVAILABLE;
    dest.trashedAt = now;
    this.trash.push(dest);
    this.destUnlinks++;
  }

  /** Free trashed destinations no connection references any more for {@link TRASH_FREE_AFTER_MS}. */
  reapTrash(now: number): void {
    for (let i = this.trash.length - 1; i >= 0; i--) {
      const d = this.trash[i]!;
      if (d.refs > 0) d.trashedAt = now;
      else if (now - d.trashedAt >= TRASH_FREE_AFTER_MS) this.trash.splice(i, 1);
    }
  }

  private zero(key: ServiceKey | undefined): OpResult {
    if (key) {
      const svc = this.getService(key);
      if (!svc) return fail('ESRCH', `no service ${serviceKeyString(key)}`);
      zeroService(svc);
      return OK;
    }
    for (const svc of this.services.values()) zeroService(svc);
    this.totals.zero();
    return OK;
  }

  private setTimeouts(tcp: number, tcpfin: number, udp: number): OpResult {
    const max = Math.floor(0x7fffffff / 1000);
    for (const v of [tcp, tcpfin, udp]) if (v < 0 || v > max) return fail('EINVAL', `timeout ${v} out of range`);
    if (tcp > 0) this.timeouts.tcp = tcp;
    if (tcpfin > 0) this.timeouts.tcpfin = tcpfin;
    if (udp > 0) this.timeouts.udp = udp;
    return OK;
  }

  /** Run the rate estimators of every stats object (every 2 s). */
  estimate(): void {
    this.totals.estimate();
    for (const svc of this.services.values()) {
      svc.stats.estimate();
      for (const d of svc.dests) d.stats.estimate();
    }
  }
}

/**
 * The kernel fills in what `--start-daemon` left at 0 (ipvs.md §8.1): group 224.0.0.81, port 8848,
 * TTL 1, and a UDP payload of 1500 − 28 (1472; 1452 for an IPv6 group). A backup's default payload
 * derives from the interface MTU; without an interface to ask, tsvs assumes MTU 1500 (same figure).
 */
export function withSyncDefaults(d: SyncDaemon): SyncDaemon {
  const v6 = d.mcastGroup.includes(':');
  return {
    ...d,
    mcastGroup: d.mcastGroup || '224.0.0.81',
    mcastPort: d.mcastPort || 8848,
    mcastTtl: d.mcastTtl || 1,
    maxlen: d.maxlen || (v6 ? 1452 : 1472),
  };
}

function zeroService(svc: VirtualService): void {
  svc.stats.zero();
  for (const d of svc.dests) d.stats.zero();
}

function reindex(svc: VirtualService): void {
  for (let i = 0; i < svc.dests.length; i++) svc.dests[i]!.index = i;
}
