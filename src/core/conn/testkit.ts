/**
 * A small harness for connection tests and benchmarks: an Ipvs with services and destinations
 * built from short specs, a ConnEngine, an explicit clock, and packets written as
 * "addr:port" strings. Verdicts are copied into plain objects so they can be compared.
 */
import type { Family } from '../addr.js';
import { Ipvs, type IpvsOptions } from '../ipvs.js';
import { DEFAULT_PERSISTENCE_TIMEOUT, SVC_F, type DestSpec, type FwdMethod, type ServiceKey, type ServiceSpec } from '../model.js';
import type { ConnView } from '../snapshot.js';
import { wordsToText } from './addr-words.js';
import { ConnEngine, type ConnEngineOptions } from './engine.js';
import { PROTO } from './flags.js';
import { PacketMeta, type Direction, type DropReason, type VerdictKind } from './packet.js';
import { TCP_FLAG } from './tcp-table.js';

export interface ServiceOpts {
  readonly scheduler?: string;
  /** Persistence timeout in seconds; omitted = not persistent. */
  readonly persistent?: number;
  readonly netmask?: number;
  readonly ops?: boolean;
}

export interface DestOpts {
  readonly fwd?: FwdMethod;
  readonly weight?: number;
  readonly u?: number;
  readonly l?: number;
}

/** "tcp 10.0.0.1:80", "udp [2001:db8::1]:53", "fwm 5" or "fwm6 5". */
export function serviceKey(text: string): ServiceKey {
  const [kind, rest] = text.split(' ') as [string, string];
  if (kind === 'fwm' || kind === 'fwm6') return { kind: 'fwmark', family: kind === 'fwm' ? 4 : 6, fwmark: Number(rest) };
  const { addr, port } = splitEndpoint(rest);
  return { kind: 'addr', family: addr.includes(':') ? 6 : 4, protocol: kind as 'tcp' | 'udp' | 'sctp', addr, port };
}

export function splitEndpoint(text: string): { addr: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new Error(`bad endpoint ${text}`);
  return { addr: m[1]!, port: Number(m[2]) };
}

export interface VerdictCopy {
  readonly kind: VerdictKind;
  readonly reason: DropReason | null;
  readonly fwd?: FwdMethod;
  /** forward: "daddr:dport"; reply: "saddr:sport" (the new source). */
  readonly to?: string;
  readonly entry: number;
}

const TCP_FLAG_LETTERS: Readonly<Record<string, number>> = { S: TCP_FLAG.SYN, F: TCP_FLAG.FIN, A: TCP_FLAG.ACK, R: TCP_FLAG.RST, P: TCP_FLAG.PSH };

/** "SA" → SYN|ACK; "" or "-" → no flags. */
export function tcpFlags(letters: string): number {
  let f = 0;
  for (const ch of letters) if (ch !== '-') f |= TCP_FLAG_LETTERS[ch] ?? 0;
  return f;
}

export class Lab {
  readonly ipvs: Ipvs;
  readonly engine: ConnEngine;
  now = 0;
  readonly pkt = new PacketMeta();

  constructor(opts: IpvsOptions = {}, engineOpts: ConnEngineOptions = {}) {
    this.ipvs = new Ipvs(opts);
    this.engine = new ConnEngine(this.ipvs, engineOpts);
  }

  service(key: string, o: ServiceOpts = {}): ServiceKey {
    const k = serviceKey(key);
    const spec: ServiceSpec = {
      key: k,
      scheduler: o.scheduler ?? 'rr',
      flags: (o.persistent !== undefined ? SVC_F.PERSISTENT : 0) | (o.ops ? SVC_F.ONEPACKET : 0),
      timeout: o.persistent ?? DEFAULT_PERSISTENCE_TIMEOUT,
      netmask: o.netmask ?? (k.family === 4 ? 0xffffffff : 128),
      pe: '',
    };
    this.must(this.ipvs.apply({ type: 'add-service', service: spec }, this.now));
    return k;
  }

  destSpec(endpoint: string, o: DestOpts = {}): DestSpec {
    const { addr, port } = splitEndpoint(endpoint);
    const family: Family = addr.includes(':') ? 6 : 4;
    return { family, addr, port, fwd: o.fwd ?? 'nat', weight: o.weight ?? 1, uThreshold: o.u ?? 0, lThreshold: o.l ?? 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' };
  }

  dest(svc: ServiceKey, endpoint: string, o: DestOpts = {}): void {
    this.must(this.ipvs.apply({ type: 'add-dest', service: svc, dest: this.destSpec(endpoint, o) }, this.now));
  }

  editDest(svc: ServiceKey, endpoint: string, o: DestOpts = {}): void {
    this.must(this.ipvs.apply({ type: 'edit-dest', service: svc, dest: this.destSpec(endpoint, o) }, this.now));
  }

  deleteDest(svc: ServiceKey, endpoint: string): void {
    const { addr, port } = splitEndpoint(endpoint);
    this.must(this.ipvs.apply({ type: 'delete-dest', service: svc, dest: { family: addr.includes(':') ? 6 : 4, addr, port } }, this.now));
  }

  findDest(svc: ServiceKey, endpoint: string) {
    const { addr, port } = splitEndpoint(endpoint);
    const d = this.ipvs.getService(svc)?.findDest({ family: addr.includes(':') ? 6 : 4, addr, port }) ?? this.ipvs.trash.find((x) => x.addr === addr && x.port === port);
    if (!d) throw new Error(`no destination ${endpoint}`);
    return d;
  }

  /** "active/inactive/persistent" counters of a destination. */
  counts(svc: ServiceKey, endpoint: string): string {
    const d = this.findDest(svc, endpoint);
    return `${d.activeConns}/${d.inactConns}/${d.persistConns}`;
  }

  private must(r: { ok: boolean; detail?: string }): void {
    if (!r.ok) throw new Error(`operation failed: ${r.detail}`);
  }

  /** Move the clock to `ms` and run expiry. */
  at(ms: number): this {
    this.now = ms;
    this.engine.advance(ms);
    return this;
  }

  send(dir: Direction, proto: number, from: string, to: string, setup: (p: PacketMeta) => void, len: number): VerdictCopy {
    const s = splitEndpoint(from);
    const d = splitEndpoint(to);
    const p = this.pkt;
    p.set(proto, s.addr, s.port, d.addr, d.port);
    p.direction = dir;
    p.tcpFlags = 0;
    p.sctpChunk = -1;
    p.sctpNextChunk = -1;
    p.fwmark = 0;
    p.fragment = false;
    p.ipLength = len;
    setup(p);
    return this.copy(p);
  }

  private copy(p: PacketMeta): VerdictCopy {
    const v = this.engine.process(p, this.now);
    const base = { kind: v.kind, reason: v.reason, entry: v.entry };
    if (v.kind === 'forward') return { ...base, fwd: v.fwd, to: endpointText(v.family, v.daddr, v.dport) };
    if (v.kind === 'reply') return { ...base, fwd: v.fwd, to: endpointText(v.family, v.saddr, v.sport) };
    return base;
  }

  tcp(dir: Direction, from: string, to: string, flags: string, len = 60, fwmark = 0): VerdictCopy {
    return this.send(dir, PROTO.TCP, from, to, (p) => {
      p.tcpFlags = tcpFlags(flags);
      p.fwmark = fwmark;
    }, len);
  }

  udp(dir: Direction, from: string, to: string, len = 100, fwmark = 0): VerdictCopy {
    return this.send(dir, PROTO.UDP, from, to, (p) => {
      p.fwmark = fwmark;
    }, len);
  }

  sctp(dir: Direction, from: string, to: string, chunk: number, next = -1, len = 80): VerdictCopy {
    return this.send(dir, PROTO.SCTP, from, to, (p) => {
      p.sctpChunk = chunk;
      p.sctpNextChunk = next;
    }, len);
  }

  views(): ConnView[] {
    return [...this.engine.views(this.now)];
  }

  /** Entries as compact lines: "TCP ESTABLISHED 1.2.3.4:5 -> 10.0.0.1:80 -> 192.168.1.1:80 900000". */
  list(): string[] {
    return this.views()
      .map((c) => `${c.protocol} ${c.state} ${ep(c.caddr, c.cport)} -> ${ep(c.vaddr, c.vport)} -> ${ep(c.daddr, c.dport)} ${c.expiresMs}`)
      .sort();
  }
}

function ep(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function endpointText(family: Family, w: Uint32Array, port: number): string {
  return ep(wordsToText(family, w), port);
}
