/**
 * The packet data plane (`--engine packet`): AF_PACKET rings on the interface that reaches the
 * real servers, every frame through the pure forwarding path (src/core/forward), transmissions
 * sent back in batches. On sync it finds the interface, its MAC, MTU and address, the neighbours
 * (kernel table first, ARP requests for the rest, ARP replies learnt from the ring), and installs
 * the nftables rule that keeps the host from answering what it forwards; close removes it.
 */
import type { ConnEngine } from '../../core/conn/engine.js';
import { Forwarder } from '../../core/forward/forwarder.js';
import { Neighbours } from '../../core/forward/neighbours.js';
import type { Ipvs } from '../../core/ipvs.js';
import type { Clock, Dataplane, DataplaneProblem, Logger } from '../../core/ports.js';
import { serviceKeyString } from '../../core/model.js';
import { ARP_OP, decodeArp } from '../../wire/arp.js';
import { macBytes, readMac } from '../../wire/bytes.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import { DESC_FLAG, DESC_WORDS, PKTTYPE, type RingAddon, type RingHandle } from './native-ring.js';
import { defaultGateway, installHostRules, kernelNeighbours, linkInfo, removeHostRules, routeTo, type HostRuleSpec, type RunCommand } from './system.js';

export interface PacketDataplaneOptions {
  readonly addon: RingAddon;
  readonly run: RunCommand;
  /** Force the interface (default: the one the route to the first real server uses). */
  readonly ifname?: string;
  readonly fanoutGroup?: number;
}

const TX_PAIRS = 4096;

export class PacketDataplane implements Dataplane {
  readonly name = 'packet';
  private ring: RingHandle | null = null;
  private fw: Forwarder | null = null;
  private ifname: string | null = null;
  private mac = '';
  private address: string | null = null;
  private readonly neighbours = new Neighbours();
  private readonly blockPairs = new Uint32Array(TX_PAIRS * 2);
  private readonly staging = new Uint8Array(TX_PAIRS * 256);
  private readonly stagingPairs = new Uint32Array(TX_PAIRS * 2);
  private readonly extra = { truncated: 0, notForUs: 0, txFailed: 0, arpLearnt: 0, arpSent: 0 };
  private rulesInstalled = false;
  private ringDrops = 0;
  private gatewayAddr: string | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ipvs: Ipvs,
    private readonly conns: ConnEngine,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: PacketDataplaneOptions,
  ) {}

  async sync(): Promise<readonly DataplaneProblem[]> {
    if (this.closed) return [];
    const problems: DataplaneProblem[] = [];
    const rules: HostRuleSpec[] = [];
    const wanted: string[] = [];
    for (const svc of this.ipvs.services.values()) {
      const id = serviceKeyString(svc.key);
      if (svc.key.kind !== 'addr') {
        problems.push({ service: id, code: 'unsupported-fwmark', message: 'the packet engine does not read packet marks; fwmark services are not carried' });
        continue;
      }
      rules.push({ family: svc.key.family, protocol: svc.key.protocol, kind: 'to-vip', addr: svc.key.addr, port: svc.key.port });
      for (const d of svc.dests) {
        wanted.push(d.addr);
        if (d.fwd === 'nat') rules.push({ family: d.family, protocol: svc.key.protocol, kind: 'nat-reply', addr: d.addr, port: d.port });
      }
    }
    if (wanted.length === 0 && !this.ring) return problems;
    if (!this.ring) await this.open(wanted[0] ?? null);
    await this.resolve(wanted);
    await installHostRules(this.opts.run, rules);
    this.rulesInstalled = true;
    return problems;
  }

  private async open(firstDest: string | null): Promise<void> {
    const route = firstDest ? await routeTo(this.opts.run, firstDest) : null;
    const ifname = this.opts.ifname ?? route?.dev;
    if (!ifname) throw new Error('packet engine: no interface (no real server to route to)');
    const link = await linkInfo(this.opts.run, ifname);
    this.ifname = ifname;
    this.mac = link.mac;
    this.address = route?.prefsrc ?? null;
    this.fw = new Forwarder(this.conns, { mac: macBytes(link.mac), mtu: link.mtu, neighbours: this.neighbours, ...(this.address ? { address: this.address } : {}) });
    // TPACKET_V3 wakes the reader only when a block is retired (full, or after retireMs = 1).
    this.ring = this.opts.addon.ringOpen({ ifname, retireMs: 1, ...(this.opts.fanoutGroup ? { fanoutGroup: this.opts.fanoutGroup } : {}) }, (block, desc, count) => this.onBatch(block, desc, count));
    // Expire connections on time even when no frame arrives (frames also advance the engine).
    this.expiry = setInterval(() => this.conns.advance(this.clock.now()), 1000);
    this.expiry.unref();
    this.log.info(`engine 'packet': AF_PACKET ring on ${ifname} (${link.mac}, mtu ${link.mtu})`);
  }

  /** Fill neighbours from the kernel table and the gateway; ask by ARP for what is missing. */
  private async resolve(addrs: readonly string[]): Promise<void> {
    if (!this.ifname || !this.ring) return;
    const table = await kernelNeighbours(this.opts.run, this.ifname);
    for (const [a, m] of table) this.neighbours.set(a, macBytes(m));
    const gw = await defaultGateway(this.opts.run, this.ifname);
    if (gw && table.has(gw)) this.neighbours.gateway = macBytes(table.get(gw)!);
    else if (gw) this.gatewayAddr = gw;
    for (const a of [...addrs, ...(gw && !table.has(gw) ? [gw] : [])]) if (!table.has(a) && !a.includes(':')) this.sendArpRequest(a);
  }

  private sendArpRequest(target: string): void {
    if (!this.ring || !this.address) return;
    const f = new PacketBuilder()
      .eth({ src: this.mac, dst: 'ff:ff:ff:ff:ff:ff' })
      .arp({ op: ARP_OP.REQUEST, senderMac: this.mac, senderIp: this.address, targetMac: '00:00:00:00:00:00', targetIp: target })
      .build();
    const pairs = Uint32Array.of(0, f.length);
    if (this.opts.addon.ringSend(this.ring, f, pairs, 1) === 1) this.extra.arpSent++;
  }

  private learnArp(frame: Uint8Array): void {
    if (frame.length < 42 || ((frame[12]! << 8) | frame[13]!) !== ETHERTYPE.ARP) return;
    const a = decodeArp(frame, 14, frame.length - 14);
    if (!a.ok || a.value.senderIp === '0.0.0.0') return;
    const mac = macBytes(readMac(frame, 22));
    this.neighbours.set(a.value.senderIp, mac);
    if (a.value.senderIp === this.gatewayAddr) this.neighbours.gateway = mac;
    this.extra.arpLearnt++;
  }

  private onBatch(block: Buffer, desc: Uint32Array, count: number): void {
    const fw = this.fw;
    const ring = this.ring;
    if (!fw || !ring) return;
    const now = this.clock.now();
    this.conns.advance(now);
    let nb = 0;
    let ns = 0;
    let stagingUsed = 0;
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      const len = desc[i * DESC_WORDS + 1]!;
      const wire = desc[i * DESC_WORDS + 2]!;
      const flags = desc[i * DESC_WORDS + 3]!;
      const pkttype = flags & DESC_FLAG.PKTTYPE_MASK;
      const frame = block.subarray(off, off + len);
      if (pkttype !== PKTTYPE.HOST) {
        if (pkttype === PKTTYPE.BROADCAST) this.learnArp(frame);
        this.extra.notForUs++;
        continue;
      }
      if (wire > len) {
        // A GSO/GRO aggregate or a capture cut short: never forward part of a packet.
        this.extra.truncated++;
        continue;
      }
      if (((frame[12]! << 8) | frame[13]!) === ETHERTYPE.ARP) {
        this.learnArp(frame);
        continue;
      }
      const v = fw.process(frame, len, now, (flags & DESC_FLAG.CSUM_NOT_READY) !== 0);
      if (v.action !== 'transmit') continue;
      if (v.frame === frame) {
        this.blockPairs[nb * 2] = off;
        this.blockPairs[nb * 2 + 1] = v.length;
        nb++;
      } else if (stagingUsed + v.length <= this.staging.length) {
        this.staging.set(v.frame.subarray(0, v.length), stagingUsed);
        this.stagingPairs[ns * 2] = stagingUsed;
        this.stagingPairs[ns * 2 + 1] = v.length;
        stagingUsed += v.length;
        ns++;
      } else {
        this.extra.txFailed++;
      }
      if (nb === TX_PAIRS || ns === TX_PAIRS) {
        nb = this.flush(block, this.blockPairs, nb);
        ns = this.flush(this.staging, this.stagingPairs, ns);
        stagingUsed = 0;
      }
    }
    this.flush(block, this.blockPairs, nb);
    this.flush(this.staging, this.stagingPairs, ns);
  }

  private flush(buf: Uint8Array, pairs: Uint32Array, n: number): number {
    if (n === 0 || !this.ring) return 0;
    const sent = this.opts.addon.ringSend(this.ring, buf, pairs, n);
    this.extra.txFailed += n - sent;
    return 0;
  }

  async close(graceMs: number): Promise<void> {
    void graceMs;
    if (this.closed) return;
    this.closed = true;
    if (this.expiry) clearInterval(this.expiry);
    if (this.ring) this.opts.addon.ringClose(this.ring);
    this.ring = null;
    if (this.rulesInstalled) await removeHostRules(this.opts.run);
  }

  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    const c = this.fw?.counters;
    if (c) {
      for (const [k, v] of Object.entries(c)) if (typeof v === 'number') out[k] = v;
      for (const [k, v] of Object.entries(c.drops)) if (v > 0) out[`drop:${k}`] = v;
    }
    for (const [k, v] of Object.entries(this.extra)) out[k] = v;
    if (this.ring) {
      // PACKET_STATISTICS counts since the previous read.
      const s = this.opts.addon.ringStats(this.ring);
      this.ringDrops += s.drops;
    }
    out['ringDrops'] = this.ringDrops;
    return out;
  }
}
