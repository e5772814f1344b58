/**
 * UDP virtual services: one socket bound on VIP:port receives client datagrams; each
 * connection entry (one per client address/port, living for the UDP timeout, ipvs.md §3.5) is
 * carried by a session with its own socket connected to the real server. Replies are fed as the
 * out direction and sent back from the VIP socket, so the client sees the VIP as their source.
 *
 * One-packet scheduling (`-o`) keeps no entry: each datagram is scheduled on its own; replies
 * are relayed through a session per client and real server that closes after the UDP timeout of
 * silence (what conntrack would do for the kernel).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { textToWords, wordsToText } from '../../core/conn/addr-words.js';
import type { Verdict } from '../../core/conn/packet.js';
import type { Family } from '../../core/addr.js';
import type { EntryOwner, ProxyContext } from './context.js';
import { IPPROTO_UDP as UDP, setClient, setServer, type FlowEnds } from './feed.js';
import type { VirtualEndpoint } from './tcp-flow.js';

export class UdpSession implements FlowEnds, EntryOwner {
  readonly family: Family;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  cport: number;
  readonly vip: Uint32Array;
  readonly vport: number;
  d0 = 0;
  d1 = 0;
  d2 = 0;
  d3 = 0;
  dport = 0;
  readonly nat: boolean;
  /** Last datagram (ms), for one-packet sessions. */
  lastSeen = 0;
  private readonly socket: Socket;
  private queue: Buffer[] | null = [];
  private closed = false;

  constructor(
    private readonly listener: UdpListener,
    probe: FlowEnds,
    v: Verdict,
    /** Client address text (replies are sent to it). */
    readonly caddr: string,
    /** The entry, -1 for one-packet sessions. */
    public entry: number,
  ) {
    this.family = probe.family;
    this.c0 = probe.c0;
    this.c1 = probe.c1;
    this.c2 = probe.c2;
    this.c3 = probe.c3;
    this.cport = probe.cport;
    this.vip = probe.vip;
    this.vport = probe.vport;
    setServer(this, v);
    this.nat = v.fwd === 'nat';
    this.socket = createSocket(v.family === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (msg) => this.fromServer(msg));
    // ICMP errors from the real server surface as socket errors; the session stays (as IPVS's entry).
    this.socket.on('error', () => {});
    this.socket.connect(v.dport, v.dest ? v.dest.addr : wordsToText(v.family, v.daddr), () => this.flush());
  }

  send(msg: Buffer): void {
    if (this.closed) return;
    if (this.queue) this.queue.push(msg);
    else this.socket.send(msg);
  }

  private flush(): void {
    const q = this.queue;
    this.queue = null;
    if (this.closed || !q) return;
    for (const m of q) this.socket.send(m);
  }

  private fromServer(msg: Buffer): void {
    const ctx = this.listener.ctx;
    ctx.counters.udpFromServers++;
    if (this.entry < 0) this.lastSeen = ctx.clock.now();
    else if (this.nat) {
      const v = ctx.feed.out(this, UDP, 0, msg.length);
      if (v.kind !== 'reply') {
        ctx.counters.udpDropped++;
        return;
      }
    }
    this.listener.reply(msg, this.cport, this.caddr);
  }

  entryRemoved(): void {
    this.entry = -1;
    this.abort();
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}

export class UdpListener implements VirtualEndpoint {
  readonly vip = new Uint32Array(4);
  readonly family: Family;
  private readonly socket: Socket;
  private readonly probe: FlowEnds;
  /** One-packet sessions by "client|port|server|port". */
  private readonly opsSessions = new Map<string, UdpSession>();
  private closed = false;

  private constructor(
    readonly ctx: ProxyContext,
    readonly addr: string,
    readonly vport: number,
  ) {
    this.family = textToWords(addr, this.vip);
    this.socket = createSocket({ type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: this.family === 6 });
    this.probe = { family: this.family, c0: 0, c1: 0, c2: 0, c3: 0, cport: 0, vip: this.vip, vport, d0: 0, d1: 0, d2: 0, d3: 0, dport: 0 };
  }

  static open(ctx: ProxyContext, addr: string, port: number): Promise<UdpListener> {
    const l = new UdpListener(ctx, addr, port);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        l.socket.close();
        reject(err);
      };
      l.socket.once('error', onError);
      l.socket.bind({ address: addr, port, exclusive: true }, () => {
        l.socket.removeListener('error', onError);
        l.socket.on('error', (err) => ctx.log.error(`UDP socket ${addr}:${port} failed: ${err.message}`, { error: err }));
        l.socket.on('message', (msg, rinfo) => l.fromClient(msg, rinfo));
        resolve(l);
      });
    });
  }

  private fromClient(msg: Buffer, rinfo: RemoteInfo): void {
    const ctx = this.ctx;
    ctx.counters.udpFromClients++;
    const p = this.probe;
    if (!setClient(p, rinfo.address, rinfo.port)) {
      ctx.counters.udpDropped++;
      return;
    }
    const v = ctx.feed.in(p, UDP, 0, msg.length);
    if (v.kind !== 'forward') {
      // COMPAT(ipvsadm): with no destination IPVS also answers ICMP port unreachable; a socket
      // proxy cannot, so the datagram is only dropped (and counted).
      ctx.counters.udpDropped++;
      return;
    }
    const s = v.entry >= 0 ? this.entrySession(v, rinfo.address) : this.opsSession(v, rinfo.address);
    s.send(msg);
  }

  private entrySession(v: Verdict, caddr: string): UdpSession {
    const ctx = this.ctx;
    const owner = ctx.ownerOf(v.entry);
    if (owner instanceof UdpSession) return owner;
    ctx.counters.udpSessions++;
    const s = new UdpSession(this, this.probe, v, caddr, v.entry);
    ctx.own(v.entry, s);
    return s;
  }

  private opsSession(v: Verdict, caddr: string): UdpSession {
    const key = `${caddr}|${this.probe.cport}|${wordsToText(v.family, v.daddr)}|${v.dport}`;
    let s = this.opsSessions.get(key);
    if (!s) {
      this.ctx.counters.udpSessions++;
      s = new UdpSession(this, this.probe, v, caddr, -1);
      this.opsSessions.set(key, s);
    }
    s.lastSeen = this.ctx.clock.now();
    return s;
  }

  reply(msg: Buffer, port: number, addr: string): void {
    if (this.closed) return;
    this.socket.send(msg, port, addr);
  }

  /** Close one-packet sessions silent for the UDP timeout. */
  sweep(now: number): void {
    if (this.opsSessions.size === 0) return;
    const idle = this.ctx.engine.ipvs.timeouts.udp * 1000;
    for (const [k, s] of this.opsSessions) {
      if (now - s.lastSeen < idle) continue;
      s.abort();
      this.opsSessions.delete(k);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.opsSessions.values()) s.abort();
    this.opsSessions.clear();
    this.socket.close();
  }
}
