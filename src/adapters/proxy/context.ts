/**
 * State shared by every flow of one proxy data plane: the feeder, counters, options, and the
 * owner of each connection entry (so an entry leaving the table can close what carries it).
 */
import type { ConnEngine } from '../../core/conn/engine.js';
import { DEST_F, type Destination } from '../../core/model.js';
import type { Clock, Logger } from '../../core/ports.js';
import { ProxyCounters } from './counters.js';
import { Feeder } from './feed.js';

export interface ProxyOptions {
  /** How often entries are expired and stalled flows retried, in ms (default 250). */
  readonly tickMs?: number;
  /** A real server that has not accepted after this long counts as refused, in ms (default 3000). */
  readonly connectTimeoutMs?: number;
  /** Stream buffer high-water mark of both sockets (default 64 KiB, Node 22's default, set explicitly for Node 20). */
  readonly highWaterMark?: number;
  /** TCP keepalive on both sockets after this much idle time in ms; 0 = off (default 0). */
  readonly keepAliveMs?: number;
  /** listen() backlog of virtual-service listeners (default 4096). */
  readonly backlog?: number;
}

export type ResolvedOptions = Required<ProxyOptions>;

export function resolveOptions(o: ProxyOptions): ResolvedOptions {
  return {
    tickMs: o.tickMs ?? 250,
    connectTimeoutMs: o.connectTimeoutMs ?? 3000,
    highWaterMark: o.highWaterMark ?? 64 * 1024,
    keepAliveMs: o.keepAliveMs ?? 0,
    backlog: o.backlog ?? 4096,
  };
}

/** Whatever carries one connection entry: a TCP flow or a UDP session. */
export interface EntryOwner {
  /** The entry left the table (expired, flushed): close what carries it. It must not feed it again. */
  entryRemoved(): void;
  /** Close everything at once (the data plane is shutting down). */
  abort(): void;
}

/** Flows that wait for their destination to come back (expire_nodest_conn = 0). */
export interface Stallable {
  retryStalled(): void;
}

/** Flows connecting to a real server. */
export interface Connecting {
  readonly connectAt: number;
  connectFailed(): void;
}

export class ProxyContext {
  readonly counters = new ProxyCounters();
  readonly feed: Feeder;
  /** The owner of each entry, by entry index. */
  private readonly owners: (EntryOwner | undefined)[] = [];
  readonly stalled = new Set<Stallable>();
  readonly connecting = new Set<Connecting>();
  /** TCP flows with at least one socket open. */
  liveFlows = 0;
  /** Called when liveFlows drops to 0 (close() waits on it). */
  onIdle: (() => void) | null = null;

  constructor(
    readonly engine: ConnEngine,
    readonly clock: Clock,
    readonly log: Logger,
    readonly opts: ResolvedOptions,
  ) {
    this.feed = new Feeder(engine, clock);
  }

  own(idx: number, owner: EntryOwner): void {
    const o = this.owners;
    while (o.length <= idx) o.push(undefined);
    o[idx] = owner;
  }

  ownerOf(idx: number): EntryOwner | undefined {
    return this.owners[idx];
  }

  disown(idx: number, owner: EntryOwner): void {
    if (idx >= 0 && this.owners[idx] === owner) this.owners[idx] = undefined;
  }

  /** The table removes entry `idx` (Connections.onRemove). */
  entryRemoved(idx: number): void {
    const o = this.owners[idx];
    if (o === undefined) return;
    this.owners[idx] = undefined;
    o.entryRemoved();
  }

  /** Every current owner (close() resets what is left). */
  allOwners(): EntryOwner[] {
    return this.owners.filter((o): o is EntryOwner => o !== undefined);
  }

  /** Expire an unowned entry at once (ip_vs_conn_expire_now, then the timer runs). */
  expireNow(idx: number): void {
    const now = this.clock.now();
    this.engine.conns.expireNow(idx, now);
    this.engine.advance(now);
  }

  /** Real servers that have not accepted within the connect timeout count as refused. */
  checkConnectTimeouts(now: number): void {
    if (this.connecting.size === 0) return;
    const limit = this.opts.connectTimeoutMs;
    for (const f of [...this.connecting]) if (this.connecting.has(f) && now - f.connectAt >= limit) f.connectFailed();
  }

  /** Give every held flow another try (its destination may be back). */
  retryStalled(): void {
    if (this.stalled.size === 0) return;
    for (const f of [...this.stalled]) if (this.stalled.has(f)) f.retryStalled();
  }

  flowEnded(): void {
    if (--this.liveFlows === 0) this.onIdle?.();
  }
}

/**
 * Run `fn` while the destinations in `tried` look OVERLOADED, so every scheduler passes them
 * over; their own OVERLOAD bit is restored afterwards. Nothing else runs in between, so no one
 * else can observe the borrowed flag.
 */
export function withTriedOverloaded<T>(tried: readonly Destination[], fn: () => T): T {
  const saved = tried.map((d) => d.flags & DEST_F.OVERLOAD);
  for (const d of tried) d.flags |= DEST_F.OVERLOAD;
  try {
    return fn();
  } finally {
    for (let i = 0; i < tried.length; i++) tried[i]!.flags = (tried[i]!.flags & ~DEST_F.OVERLOAD) | saved[i]!;
  }
}
