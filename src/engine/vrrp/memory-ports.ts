/**
 * In-memory VrrpIo, NetControl and ScriptRunner for tests of the engine: directors on one
 * MemoryWire (a broadcast segment per interface name), VIPs kept in sets, scripts answered by a
 * function. Nothing here touches the host.
 */
import type { Timers } from '../../core/ports.js';
import type { InterfaceInfo, NetControl, ScriptRunner, VrrpIo, VrrpSocket } from '../../core/vrrp/ports.js';
import type { Family, ReceivedPacket, ScriptOutcome, VipSpec } from '../../core/vrrp/types.js';
import { decodeIpv4Header } from '../../wire/vrrp-ip.js';

interface Attached {
  readonly host: string;
  readonly ifname: string;
  readonly family: Family;
  readonly address: () => string[];
  readonly deliver: (p: ReceivedPacket) => void;
}

/** A segment: every frame sent on an interface name reaches the other hosts' sockets on it. */
export class MemoryWire {
  private readonly attached = new Set<Attached>();
  readonly frames: Array<{ host: string; ifname: string; frame: Uint8Array }> = [];
  readonly datagrams: Array<{ host: string; dst: string; bytes: Uint8Array }> = [];
  /** Hosts whose link is cut (they neither send nor receive). */
  readonly cut = new Set<string>();

  constructor(private readonly timers: Timers) {}

  attach(a: Attached): () => void {
    this.attached.add(a);
    return () => this.attached.delete(a);
  }

  send(host: string, ifname: string, family: Family, bytes: Uint8Array, dst: string, src: string | null): void {
    this.datagrams.push({ host, dst, bytes: bytes.slice() });
    if (this.cut.has(host)) return;
    const ip = family === 4 ? decodeIpv4Header(bytes, 0, bytes.length) : null;
    const from = ip && ip.ok ? ip.value.src : (src ?? '::');
    const ttl = ip && ip.ok ? ip.value.ttl : 255;
    const multicast = family === 4 ? dst.startsWith('224.') : dst.startsWith('ff');
    for (const a of this.attached) {
      if (a.host === host || a.ifname !== ifname || a.family !== family || this.cut.has(a.host)) continue;
      if (!multicast && !a.address().includes(dst)) continue;
      const copy = bytes.slice();
      this.timers.set(0, () => a.deliver({ ifname, family, bytes: copy, src: from, dst, ttl }));
    }
  }
}

export class MemoryVrrpIo implements VrrpIo {
  private readonly detach: Array<() => void> = [];
  constructor(
    private readonly wire: MemoryWire,
    private readonly host: string,
    private readonly addresses: (ifname: string) => string[],
  ) {}

  open(ifname: string, family: Family, _group: string | null, onPacket: (p: ReceivedPacket) => void): VrrpSocket {
    const off = this.wire.attach({ host: this.host, ifname, family, address: () => this.addresses(ifname), deliver: onPacket });
    this.detach.push(off);
    return {
      send: (bytes, dst, src) => this.wire.send(this.host, ifname, family, bytes, dst, src),
      close: off,
    };
  }

  sendFrame(ifname: string, frame: Uint8Array): void {
    this.wire.frames.push({ host: this.host, ifname, frame: frame.slice() });
  }

  close(): void {
    for (const d of this.detach) d();
  }
}

export class MemoryNetControl implements NetControl {
  readonly vips = new Set<string>();
  readonly log: string[] = [];
  private listener: ((ifname: string, info: InterfaceInfo | null) => void) | null = null;

  constructor(readonly interfaces: Map<string, InterfaceInfo>) {}

  async interfaceInfo(ifname: string): Promise<InterfaceInfo | null> {
    const i = this.interfaces.get(ifname);
    return i ? { ...i, addresses: [...i.addresses, ...[...this.vips].filter((v) => v.endsWith(`@${ifname}`)).map((v) => v.split('@')[0]!)] } : null;
  }

  async addVip(v: VipSpec): Promise<void> {
    this.vips.add(`${v.address}@${v.dev}`);
    this.log.push(`add ${v.address}/${v.prefix} dev ${v.dev}${v.label ? ` label ${v.label}` : ''}`);
  }

  async removeVip(v: VipSpec): Promise<void> {
    this.vips.delete(`${v.address}@${v.dev}`);
    this.log.push(`del ${v.address}/${v.prefix} dev ${v.dev}`);
  }

  watch(_ifnames: readonly string[], onChange: (ifname: string, info: InterfaceInfo | null) => void): () => void {
    this.listener = onChange;
    return () => (this.listener = null);
  }

  /** Test hook: an interface changes. */
  set(ifname: string, info: InterfaceInfo): void {
    this.interfaces.set(ifname, info);
    this.listener?.(ifname, info);
  }

  async restore(): Promise<void> {
    for (const v of [...this.vips]) {
      this.log.push(`restore del ${v}`);
      this.vips.delete(v);
    }
  }
}

/** Scripts answered by a function of their argument vector, after `delayMs` on the given timers. */
export class MemoryScriptRunner implements ScriptRunner {
  readonly calls: Array<{ args: readonly string[]; timeoutMs: number }> = [];
  constructor(
    private readonly timers: Timers,
    private readonly answer: (args: readonly string[]) => ScriptOutcome = () => ({ kind: 'exit', status: 0 }),
    private readonly delayMs = 0,
  ) {}

  run(args: readonly string[], timeoutMs: number): Promise<ScriptOutcome> {
    this.calls.push({ args, timeoutMs });
    return new Promise((resolve) => this.timers.set(this.delayMs, () => resolve(this.answer(args))));
  }
}
