/**
 * Loopback harness for the proxy engine: real sockets (backends, clients, the proxy's listeners)
 * with the IPVS clock on a FakeClock, so entry timeouts are exact and expiry happens exactly when
 * a test advances time. Every server and socket a test opens is closed by `close()`.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ConnEngine } from '../../src/core/conn/engine.js';
import { FakeClock } from '../../src/core/fake-clock.js';
import { Ipvs } from '../../src/core/ipvs.js';
import { DEFAULT_PERSISTENCE_TIMEOUT, SVC_F, type DestSpec, type ServiceKey, type Sysctls } from '../../src/core/model.js';
import type { Op } from '../../src/core/ops.js';
import { silentLogger, type DataplaneProblem, type Logger } from '../../src/core/ports.js';
import { ProxyDataplane, type ProxyOptions } from '../../src/adapters/proxy/index.js';

export const TICK_MS = 250;

/** Resolve when `cond()` holds (polled); fail after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A TCP port nobody listens on right now (bound, read, released). */
export async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function ep(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export interface ServiceOpts {
  readonly scheduler?: string;
  readonly persistent?: number;
  readonly netmask?: number;
  readonly ops?: boolean;
}

export interface DestOpts {
  readonly weight?: number;
  readonly u?: number;
  readonly l?: number;
  readonly fwd?: DestSpec['fwd'];
}

/** A backend that greets each connection with `name\n`, then echoes; ends when the client ends. */
export interface Backend {
  readonly name: string;
  readonly addr: string;
  readonly port: number;
  readonly sockets: Set<Socket>;
}

/** What a test serves: a virtual service on a free port of the VIP, and the real servers behind it. */
export interface Served {
  readonly svc: ServiceKey;
  readonly port: number;
  /** What `sync()` reported once the real servers were added. */
  readonly problems: readonly DataplaneProblem[];
}

export interface LabSetup {
  readonly sysctls?: Partial<Sysctls>;
  readonly opts?: ProxyOptions;
  readonly logger?: Logger;
}

type LabBody = (lab: ProxyLab) => Promise<void>;

/** Run `body` on a fresh lab (built from `setup`), closing the lab however the body ends. */
export async function withLab(...args: [LabBody] | [LabSetup, LabBody]): Promise<void> {
  const [setup, body] = args.length === 1 ? [{}, args[0]] : args;
  const lab = new ProxyLab(setup.sysctls, setup.opts, setup.logger);
  try {
    await body(lab);
  } finally {
    await lab.close();
  }
}

export class ProxyLab {
  readonly clock = new FakeClock(1_000_000);
  readonly ipvs: Ipvs;
  readonly engine: ConnEngine;
  readonly proxy: ProxyDataplane;
  private readonly servers: Server[] = [];
  private readonly udps: UdpSocket[] = [];
  private readonly clients: Socket[] = [];
  /** Sockets accepted by test servers (destroyed in teardown). */
  private readonly accepted = new Set<Socket>();

  constructor(sysctls: Partial<Sysctls> = {}, opts: ProxyOptions = {}, logger: Logger = silentLogger) {
    this.ipvs = new Ipvs({ sysctls });
    this.engine = new ConnEngine(this.ipvs);
    this.proxy = new ProxyDataplane(this.ipvs, this.engine, this.clock, this.clock, logger, { tickMs: TICK_MS, ...opts });
  }

  apply(op: Op): void {
    const r = this.ipvs.apply(op, this.clock.now());
    if (!r.ok) throw new Error(`operation failed: ${r.detail}`);
  }

  service(protocol: 'tcp' | 'udp' | 'sctp', addr: string, port: number, o: ServiceOpts = {}): ServiceKey {
    const key: ServiceKey = { kind: 'addr', family: addr.includes(':') ? 6 : 4, protocol, addr, port };
    const flags = (o.persistent !== undefined ? SVC_F.PERSISTENT : 0) | (o.ops ? SVC_F.ONEPACKET : 0);
    const netmask = o.netmask ?? (key.family === 4 ? 0xffffffff : 128);
    this.apply({ type: 'add-service', service: { key, scheduler: o.scheduler ?? 'rr', flags, timeout: o.persistent ?? DEFAULT_PERSISTENCE_TIMEOUT, netmask, pe: '' } });
    return key;
  }

  destSpec(addr: string, port: number, o: DestOpts = {}): DestSpec {
    return { family: addr.includes(':') ? 6 : 4, addr, port, fwd: o.fwd ?? 'nat', weight: o.weight ?? 1, uThreshold: o.u ?? 0, lThreshold: o.l ?? 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' };
  }

  dest(svc: ServiceKey, b: { addr: string; port: number }, o: DestOpts = {}): void {
    this.apply({ type: 'add-dest', service: svc, dest: this.destSpec(b.addr, b.port, o) });
  }

  editDest(svc: ServiceKey, b: { addr: string; port: number }, o: DestOpts = {}): void {
    this.apply({ type: 'edit-dest', service: svc, dest: this.destSpec(b.addr, b.port, o) });
  }

  deleteDest(svc: ServiceKey, b: { addr: string; port: number }): void {
    this.apply({ type: 'delete-dest', service: svc, dest: { family: b.addr.includes(':') ? 6 : 4, addr: b.addr, port: b.port } });
  }

  /** A `protocol` service on a free port of `vip`, `dests` added in order (default options), synced. */
  async serve(protocol: 'tcp' | 'udp', vip: string, dests: readonly { addr: string; port: number }[], o: ServiceOpts = {}): Promise<Served> {
    const port = await freePort(vip);
    const svc = this.service(protocol, vip, port, o);
    for (const d of dests) this.dest(svc, d);
    return { svc, port, problems: await this.sync() };
  }

  /** Backends A and B (TCP greeting or UDP, on 127.0.0.1) behind a service on `vip`, added A then B. */
  async serveAB(protocol: 'tcp' | 'udp', vip: string, o: ServiceOpts = {}): Promise<Served & { a: Backend; b: Backend }> {
    const make = (n: string) => (protocol === 'tcp' ? this.backend(n) : this.udpBackend(n));
    const a = await make('A');
    const b = await make('B');
    return { a, b, ...(await this.serve(protocol, vip, [a, b], o)) };
  }

  sync(): Promise<readonly DataplaneProblem[]> {
    return this.proxy.sync();
  }

  /** Move IPVS time forward; the proxy's tick runs on the way (expiry, stalled flows). */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** "ActiveConn/InActConn/PersistConn" of a destination (also after deletion, from the trash). */
  counts(svc: ServiceKey, b: { addr: string; port: number }): string {
    const d = this.ipvs.getService(svc)?.findDest({ family: b.addr.includes(':') ? 6 : 4, addr: b.addr, port: b.port }) ?? this.ipvs.trash.find((x) => x.addr === b.addr && x.port === b.port);
    if (!d) throw new Error(`no destination ${b.addr}:${b.port}`);
    return `${d.activeConns}/${d.inactConns}/${d.persistConns}`;
  }

  /** Entries as "PROTO STATE client -> virtual -> real expiresMs", sorted. */
  entries(): string[] {
    return [...this.engine.views(this.clock.now())].map((c) => `${c.protocol} ${c.state} ${ep(c.caddr, c.cport)} -> ${ep(c.vaddr, c.vport)} -> ${ep(c.daddr, c.dport)} ${c.expiresMs}`).sort();
  }

  /** A greeting echo backend (see {@link Backend}). `greet: false` makes it a pure echo. */
  async backend(name: string, addr = '127.0.0.1', greet = true): Promise<Backend> {
    const sockets = new Set<Socket>();
    const srv = createServer({ allowHalfOpen: true }, (s) => {
      this.track(s);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      if (greet) s.write(`${name}\n`);
      s.pipe(s);
    });
    await new Promise<void>((r) => srv.listen(0, addr, r));
    this.servers.push(srv);
    return { name, addr, port: (srv.address() as { port: number }).port, sockets };
  }

  /** A raw TCP server whose connection handler the test writes. */
  async server(addr: string, onConn: (s: Socket) => void): Promise<{ addr: string; port: number }> {
    const srv = createServer({ allowHalfOpen: true }, (s) => {
      this.track(s);
      s.on('error', () => {});
      onConn(s);
    });
    await new Promise<void>((r) => srv.listen(0, addr, r));
    this.servers.push(srv);
    return { addr, port: (srv.address() as { port: number }).port };
  }

  /** A UDP backend answering `name:payload` to each datagram. */
  async udpBackend(name: string, addr = '127.0.0.1'): Promise<Backend> {
    const s = createSocket(addr.includes(':') ? 'udp6' : 'udp4');
    s.on('message', (msg, r) => s.send(Buffer.concat([Buffer.from(`${name}:`), msg]), r.port, r.address));
    await new Promise<void>((r) => s.bind(0, addr, r));
    this.udps.push(s);
    return { name, addr, port: s.address().port, sockets: new Set() };
  }

  /** A UDP client socket bound on `addr` (closed in teardown). */
  async udpClient(addr = '127.0.0.1'): Promise<UdpSocket> {
    const s = createSocket(addr.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => s.bind(0, addr, r));
    this.udps.push(s);
    return s;
  }

  /** Open a client connection (closed in teardown); resolves once connected. */
  async connect(addr: string, port: number, localAddress?: string): Promise<Client> {
    const s = connect({ host: addr, port, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
    this.clients.push(s);
    const c = new Client(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    c.localPort = s.localPort ?? 0;
    return c;
  }

  /** Connect, read the greeting line, close; returns the backend name. */
  async whoAnswers(addr: string, port: number, localAddress?: string): Promise<string> {
    const c = await this.connect(addr, port, localAddress);
    const name = await c.line();
    c.socket.end();
    await c.closed;
    return name;
  }

  private track(s: Socket): void {
    this.accepted.add(s);
    s.on('close', () => this.accepted.delete(s));
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await this.proxy.close(0);
    for (const s of this.accepted) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const u of this.udps) u.close();
  }
}

/** A client socket that records what it receives and how it ended. */
export class Client {
  private chunks: Buffer[] = [];
  /** Bytes received so far. */
  received = 0;
  ended = false;
  error: string | null = null;
  /** The client's port, recorded once connected (the socket forgets it when closed). */
  localPort = 0;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
    });
    socket.on('end', () => (this.ended = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e.code ?? e.message));
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  /** Everything received so far. */
  get data(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  get text(): string {
    return this.data.toString();
  }

  /** The first line received (waits for it). */
  async line(): Promise<string> {
    await until(() => this.data.includes(10) || this.socket.destroyed, 'a line');
    const i = this.data.indexOf(10);
    assert.ok(i >= 0, `no line received (error ${this.error})`);
    return this.data.subarray(0, i).toString();
  }
}

/** Count occurrences of each name. */
export function tally(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}
