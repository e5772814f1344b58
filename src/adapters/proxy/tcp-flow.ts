/**
 * One proxied TCP connection: the accepted client socket, the socket to the real server, and
 * the IPVS connection entry they are accounted in. Socket events are translated into the
 * segments a NAT director would have seen (ipvs.md §3.4):
 *
 *   accept                     → in SYN          (schedules: the entry is created, SYN_RECV)
 *   real server connected      → out SYN+ACK, in ACK          (ESTABLISHED: ActiveConn)
 *   data from client / server  → in / out PSH+ACK with the payload length
 *   client half-close ('end')  → in FIN, out ACK              (CLOSE_WAIT)
 *   server half-close ('end')  → out FIN, in ACK              (FIN_WAIT, then TIME_WAIT)
 *   reset or error on a side   → RST from that side           (CLOSE)
 *
 * so a closing or closed flow stays inactive for its state timeout as `ipvsadm -L -n` shows on a
 * real director. The entry is the authority: when it leaves the table (idle past its timeout,
 * expire_nodest_conn flush) both sockets are reset.
 *
 * Socket listeners: tcp-socket-events.ts.
 */
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { wordsToText } from '../../core/conn/addr-words.js';
import type { Verdict } from '../../core/conn/packet.js';
import type { Family } from '../../core/addr.js';
import type { Destination } from '../../core/model.js';
import { withTriedOverloaded, type EntryOwner, type ProxyContext, type Stallable } from './context.js';
import { IPPROTO_TCP as TCP, SEG, setClient, setServer, type FlowEnds } from './feed.js';
import { watchClient, watchClientErrors, watchServer, type FlowSocket } from './tcp-socket-events.js';

/** What a listener tells its flows: the virtual service endpoint. */
export interface VirtualEndpoint {
  readonly family: Family;
  readonly vip: Uint32Array;
  readonly vport: number;
}

const CONNECTED = 1;
const CLIENT_END = 2;
const SERVER_END = 4;
const CLIENT_CLOSED = 8;
const SERVER_CLOSED = 16;
/** Client data (or its FIN) is held: the destination is gone and expire_nodest_conn is 0. */
const STALLED = 32;
const PENDING_FIN = 64;
/** The flow was torn down on purpose (reset, expiry); further socket events are ignored. */
const ABORTED = 128;
const FINISHED = 256;

export class TcpFlow implements FlowEnds, EntryOwner, Stallable {
  readonly family: Family;
  c0 = 0;
  c1 = 0;
  c2 = 0;
  c3 = 0;
  cport = 0;
  readonly vip: Uint32Array;
  readonly vport: number;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  dport = 0;
  /** The connection entry, -1 when none is held. */
  entry = -1;
  dest: Destination | null = null;
  /** NAT entries see the reply direction; DR/TUN-configured ones only the requests (INPUT_ONLY). */
  nat = true;
  bits = 0;
  server: FlowSocket | null = null;
  pending: Buffer | null = null;
  /** Destinations that refused this connection (allocated on the first refusal only). */
  tried: Destination[] | null = null;
  /** When the connect to the real server started (ms, the injected clock). */
  connectAt = 0;

  constructor(
    readonly ctx: ProxyContext,
    ve: VirtualEndpoint,
    readonly client: FlowSocket,
  ) {
    this.family = ve.family;
    this.vip = ve.vip;
    this.vport = ve.vport;
  }

  // --- connecting ----------------------------------------------------------------------------

  /** Take the entry of a forward verdict and connect to its real server. */
  connectTo(v: Verdict): void {
    const ctx = this.ctx;
    this.entry = v.entry;
    this.dest = v.dest;
    this.nat = v.fwd === 'nat';
    setServer(this, v);
    ctx.own(v.entry, this);
    const o = ctx.opts;
    // highWaterMark reaches the stream (Node passes these options to Duplex); @types/node omits it.
    const opts: NetConnectOpts & { highWaterMark: number } = {
      host: v.dest ? v.dest.addr : wordsToText(v.family, v.daddr),
      port: v.dport,
      allowHalfOpen: true,
      noDelay: true,
      highWaterMark: o.highWaterMark,
      keepAlive: o.keepAliveMs > 0,
      keepAliveInitialDelay: o.keepAliveMs,
    };
    const s = connect(opts) as FlowSocket;
    s.flow = this;
    this.server = s;
    watchServer(s);
    // The connect timeout runs on the data plane's tick (injected clock), not a timer per socket.
    this.connectAt = ctx.clock.now();
    ctx.connecting.add(this);
  }

  connected(): void {
    const ctx = this.ctx;
    if (this.bits & ABORTED) return;
    this.bits |= CONNECTED;
    ctx.connecting.delete(this);
    if (this.nat) ctx.feed.out(this, TCP, SEG.SYN_ACK, 0);
    ctx.feed.in(this, TCP, SEG.ACK, 0);
    this.client.resume();
  }

  /**
   * The real server refused, was unreachable or did not answer. The client has seen nothing
   * yet: expire the failed entry and schedule again with the servers tried so far passed over;
   * when every destination has been tried, reset the client.
   *
   * COMPAT(ipvsadm): IPVS does not retry; the real server's RST reaches the client, which may
   * connect again and be scheduled anew. Each attempt counts `conns` on the destination tried,
   * as those reconnects would on a real director.
   */
  connectFailed(): void {
    const ctx = this.ctx;
    ctx.counters.connectFailures++;
    ctx.connecting.delete(this);
    const old = this.server!;
    old.flow = null;
    old.destroy();
    this.server = null;
    if (this.bits & (ABORTED | CLIENT_CLOSED)) return this.finishIfClosed();
    const failed = this.dest!;
    const tried = (this.tried ??= []);
    tried.push(failed);
    if (!hasUntried(failed, tried)) return this.giveUp();
    ctx.disown(this.entry, this);
    ctx.expireNow(this.entry);
    this.entry = -1;
    const v = withTriedOverloaded(tried, () => ctx.feed.in(this, TCP, SEG.SYN, 0));
    if (v.kind !== 'forward') return this.giveUp();
    if (v.dest && tried.includes(v.dest)) {
      // A persistence template still points at a server that refused: IPVS would send the
      // client there again, so the client is reset.
      this.entry = v.entry;
      ctx.own(v.entry, this);
      return this.giveUp();
    }
    ctx.counters.refusedRetried++;
    ctx.log.debug('real server refused; trying the next one', { refused: `${failed.addr}:${failed.port}`, next: v.dest ? `${v.dest.addr}:${v.dest.port}` : '' });
    this.connectTo(v);
  }

  /** Every destination refused: the real server's RST closes the entry (CLOSE), the client is reset. */
  private giveUp(): void {
    const ctx = this.ctx;
    ctx.counters.refusedGaveUp++;
    if (this.entry >= 0 && this.nat) ctx.feed.out(this, TCP, SEG.RST, 0);
    this.abort();
  }

  // --- data ----------------------------------------------------------------------------------

  fromClient(chunk: Buffer): void {
    const ctx = this.ctx;
    ctx.counters.clientReads++;
    const v = ctx.feed.in(this, TCP, SEG.DATA, chunk.length);
    if (v.kind === 'forward' && v.entry === this.entry) {
      ctx.counters.serverWrites++;
      if (!this.server!.write(chunk)) this.client.pause();
      return;
    }
    this.inNotForwarded(v, chunk);
  }

  fromServer(chunk: Buffer): void {
    const ctx = this.ctx;
    ctx.counters.serverReads++;
    if (this.nat) {
      const v = ctx.feed.out(this, TCP, SEG.DATA, chunk.length);
      if (v.kind !== 'reply' || v.entry !== this.entry) return this.lost(v);
    }
    ctx.counters.clientWrites++;
    if (!this.client.write(chunk)) this.server!.pause();
  }

  clientEnded(): void {
    this.bits |= CLIENT_END;
    if (this.bits & ABORTED || !this.server) return;
    const v = this.ctx.feed.in(this, TCP, SEG.FIN, 0);
    if (v.kind === 'forward' && v.entry === this.entry) return this.clientFinForwarded();
    this.inNotForwarded(v, null);
  }

  private clientFinForwarded(): void {
    if (this.nat) this.ctx.feed.out(this, TCP, SEG.ACK, 0);
    this.server!.end();
  }

  serverEnded(): void {
    const ctx = this.ctx;
    this.bits |= SERVER_END;
    if (this.bits & ABORTED) return;
    if (this.nat) {
      const v = ctx.feed.out(this, TCP, SEG.FIN, 0);
      if (v.kind !== 'reply' || v.entry !== this.entry) return this.lost(v);
    }
    // The client's ACK of that FIN. Dropped when the destination is gone; nothing to hold.
    ctx.feed.in(this, TCP, SEG.ACK, 0);
    this.client.end();
  }

  clientDrained(): void {
    if (!(this.bits & STALLED)) this.server?.resume();
  }

  serverDrained(): void {
    if (!(this.bits & STALLED)) this.client.resume();
  }

  /**
   * A client segment was not forwarded. Destination gone with expire_nodest_conn = 0: IPVS drops
   * it and the client retransmits; the proxy holds it (client paused) and retries on every tick,
   * so traffic resumes intact if the destination is re-added. Anything else: the entry is gone.
   * COMPAT(ipvsadm): each retry counts one dest-unavailable drop, one per tick rather than per
   * client retransmission.
   */
  private inNotForwarded(v: Verdict, chunk: Buffer | null): void {
    if (v.kind === 'drop' && v.reason === 'dest-unavailable') {
      this.pending = chunk;
      this.bits |= STALLED | (chunk === null ? PENDING_FIN : 0);
      this.client.pause();
      this.ctx.stalled.add(this);
      this.ctx.counters.stalls++;
      return;
    }
    this.lost(v);
  }

  retryStalled(): void {
    const ctx = this.ctx;
    const chunk = this.pending;
    const v = chunk ? ctx.feed.in(this, TCP, SEG.DATA, chunk.length) : ctx.feed.in(this, TCP, SEG.FIN, 0);
    if (v.kind === 'drop' && v.reason === 'dest-unavailable') return;
    ctx.stalled.delete(this);
    this.bits &= ~(STALLED | PENDING_FIN);
    this.pending = null;
    if (v.kind !== 'forward' || v.entry !== this.entry) return this.lost(v);
    if (chunk) {
      ctx.counters.serverWrites++;
      if (this.server!.write(chunk)) this.client.resume();
    } else {
      this.clientFinForwarded();
    }
  }

  // --- endings -------------------------------------------------------------------------------

  /** The client reset the connection (or its socket failed): in RST, reset the real server. */
  clientFailed(): void {
    if (this.bits & ABORTED) return;
    if (this.entry >= 0) this.ctx.feed.in(this, TCP, SEG.RST, 0);
    this.abort();
  }

  /** An error on the real server's socket: before the connect, a refusal; after, a reset. */
  serverError(): void {
    if (this.bits & CONNECTED) this.serverFailed();
    else this.connectFailed();
  }

  /** The real server reset an established connection: out RST, reset the client. */
  serverFailed(): void {
    if (this.bits & ABORTED) return;
    if (this.entry >= 0 && this.nat) this.ctx.feed.out(this, TCP, SEG.RST, 0);
    this.abort();
  }

  clientClosed(): void {
    this.bits |= CLIENT_CLOSED;
    // A side closing before both FINs were seen is an abort (reset the other side).
    if (!(this.bits & ABORTED) && (this.bits & (CLIENT_END | SERVER_END)) !== (CLIENT_END | SERVER_END)) this.clientFailed();
    this.finishIfClosed();
  }

  serverClosed(): void {
    this.bits |= SERVER_CLOSED;
    if (!(this.bits & ABORTED) && (this.bits & (CLIENT_END | SERVER_END)) !== (CLIENT_END | SERVER_END)) this.serverFailed();
    this.finishIfClosed();
  }

  /** The entry left the table: close both sides without touching it again. */
  entryRemoved(): void {
    this.entry = -1;
    this.ctx.counters.expiredClosed++;
    this.abort();
  }

  /** The entry was gone when traffic arrived. A new entry made for this flow (sloppy_tcp) is expired too. */
  private lost(v: Verdict): void {
    const ctx = this.ctx;
    ctx.counters.flowsLost++;
    ctx.disown(this.entry, this);
    this.entry = -1;
    if (v.entry >= 0 && ctx.ownerOf(v.entry) === undefined) ctx.expireNow(v.entry);
    this.abort();
  }

  /** Reset both sockets; later events of this flow only finish it. */
  abort(): void {
    if (this.bits & ABORTED) return;
    this.bits |= ABORTED;
    if (this.bits & STALLED) {
      this.ctx.stalled.delete(this);
      this.pending = null;
    }
    this.ctx.connecting.delete(this);
    resetSocket(this.client);
    if (this.server) resetSocket(this.server);
  }

  private finishIfClosed(): void {
    if (this.bits & FINISHED || !(this.bits & CLIENT_CLOSED) || (this.server !== null && !(this.bits & SERVER_CLOSED))) return;
    this.bits |= FINISHED;
    if (this.bits & STALLED) this.ctx.stalled.delete(this);
    this.ctx.disown(this.entry, this);
    this.entry = -1;
    this.client.flow = null;
    if (this.server) this.server.flow = null;
    this.ctx.flowEnded();
  }
}

function resetSocket(s: Socket): void {
  if (s.destroyed) return;
  if (s.connecting || s.pending) s.destroy();
  else s.resetAndDestroy();
}

/** Is there a destination of the refused one's service, with weight, not tried yet? */
function hasUntried(failed: Destination, tried: readonly Destination[]): boolean {
  for (const d of failed.service.dests) if (d.weight > 0 && !tried.includes(d)) return true;
  return false;
}

// --- the accept path ------------------------------------------------------------------------------

/** A connection accepted on a virtual service: schedule it and connect to its real server. */
export function acceptFlow(ctx: ProxyContext, ve: VirtualEndpoint, sock: Socket): void {
  ctx.counters.tcpAccepted++;
  const s = sock as FlowSocket;
  const flow = new TcpFlow(ctx, ve, s);
  s.flow = flow;
  watchClientErrors(s);
  if (!setClient(flow, sock.remoteAddress ?? '', sock.remotePort ?? 0)) {
    s.flow = null;
    ctx.counters.tcpRejected++;
    s.destroy();
    return;
  }
  const v = ctx.feed.in(flow, TCP, SEG.SYN, 0);
  if (v.kind !== 'forward') {
    // COMPAT(ipvsadm): no destination makes IPVS answer ICMP port unreachable, and a dropped SYN
    // would be retransmitted by the client; the handshake is already complete here, so the
    // client is reset instead.
    s.flow = null;
    ctx.counters.tcpRejected++;
    resetSocket(s);
    return;
  }
  ctx.liveFlows++;
  watchClient(s);
  flow.connectTo(v);
}
