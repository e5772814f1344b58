/**
 * The packet data plane (`--engine packet`): an AF_PACKET ring on every interface that carries
 * virtual-service traffic (the interfaces of the routes to the real servers, to the VIPs and of
 * the default route), every frame through the pure forwarding path (src/core/forward), and each
 * transmission sent on the interface of the route to its next hop (the real server, the gateway,
 * the client), from that interface's MAC. On sync it reads the interfaces (MAC, MTU, address),
 * the main routing table and the neighbours (kernel table first, ARP requests for the rest, ARP
 * learnt from the rings), and installs the nftables rule that keeps the host from answering what
 * it forwards; close removes it. VIPs need not be local: a backup director forwards as soon as
 * frames for a VIP reach it (after VRRP moves the VIP there). Firewall-mark services are carried
 * by evaluating the host's nft marking rules on each frame (AF_PACKET sees frames before netfilter).
 * GSO/GRO aggregates (TCP segments of up to 64 KB) arrive whole in the rings' 68 KiB slots. With
 * virtio_net_hdr on the rings (PACKET_VNET_HDR) DR and NAT forward them whole, as kernel IPVS
 * does, and the kernel segments them at the last moment; TUN, and rings without the header, cut
 * them into MTU-sized segments first (aggregates.ts).
 */
import type { ConnEngine } from '../../core/conn/engine.js';
import { Forwarder } from '../../core/forward/forwarder.js';
import type { Link } from '../../core/forward/links.js';
import { Neighbours } from '../../core/forward/neighbours.js';
import { RouteTable } from '../../core/forward/routes.js';
import { MarkTable } from '../../core/forward/marks.js';
import type { Ipvs } from '../../core/ipvs.js';
import type { Clock, Dataplane, DataplaneProblem, Logger } from '../../core/ports.js';
import { serviceKeyString } from '../../core/model.js';
import { macBytes } from '../../wire/bytes.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { DESC_FLAG, DESC_WORDS, PKTTYPE, readVnet, VNET, type RingAddon, type RingHandle, type RingOpenOptions } from './native-ring.js';
import { AggregateTx } from './aggregate-tx.js';
import { Aggregates } from './aggregates.js';
import { LargeFrames, RING_BLOCK_BYTES, RING_BLOCK_COUNT, RING_FRAME_BYTES } from './large-frames.js';
import { NeighbourResolver } from './neighbour-resolver.js';
import { readMarkRules } from './nft-marks.js';
import { TxBatch } from './tx-batch.js';
import { vlanRetag, vlanStrip, VLAN_SCRATCH_BYTES } from './vlan.js';
import {
  deviceWithAddress,
  hostRulesDescription,
  installHostRules,
  ipv4Addresses,
  ipv6Addresses,
  linkInfo,
  mainRoutes,
  removeHostRules,
  routeTo,
  type HostRuleSpec,
  type HostRulesBackend,
  type RunCommand,
} from './system.js';

export interface PacketDataplaneOptions {
  readonly addon: RingAddon;
  readonly run: RunCommand;
  /** Force the interfaces (default: those of the routes to the real servers, the VIPs and the default route). */
  readonly interfaces?: readonly string[];
  /** PACKET_FANOUT base id: processes sharing the interfaces use the same one (0: no fanout). */
  readonly fanoutGroup?: number;
  /**
   * Open the rings with virtio_net_hdr (default true) so that TCP aggregates are forwarded whole;
   * false (or a kernel refusing it) cuts every aggregate into segments in the engine.
   */
  readonly vnetHeaders?: boolean;
}

/** One interface the engine receives and sends on. */
interface Port {
  readonly link: Link;
  readonly ring: RingHandle;
  readonly tx: TxBatch;
  /** Aggregates sent whole (rings with virtio_net_hdr only). */
  readonly whole: AggregateTx;
  /** For an 802.1Q device: the interface it sits on and its VLAN id. */
  readonly vlan: { readonly parent: string; readonly id: number } | undefined;
  readonly address6: string | null;
  /** Socket errors of its ring at the last read (an interface going down: the ring recovers). */
  errors: number;
}


/** How often routes and the kernel's neighbour table are read again (ms). */
const HOST_REFRESH_MS = 5000;

export class PacketDataplane implements Dataplane {
  readonly name = 'packet';
  private fw: Forwarder | null = null;
  private readonly ports: Port[] = [];
  private readonly routes = new RouteTable();
  private readonly marks = new MarkTable();
  private readonly extra = { truncated: 0, notForUs: 0, txFailed: 0, vlanRetagged: 0, vlanOnDevice: 0 };
  private readonly resolver: NeighbourResolver;
  /** "port index/VLAN id" of tagged traffic that a ring on the VLAN device itself carries. */
  private readonly vlanCarried = new Set<string>();
  private readonly vlanScratch = new Uint8Array(VLAN_SCRATCH_BYTES);
  /** GSO/GRO aggregates: forwarded whole, or cut into segments first. */
  private readonly aggregates = new Aggregates(this.ports);
  /** Where the host rule was installed (nft or iptables, chosen at the first sync), null before. */
  private hostRules: HostRulesBackend | null = null;
  private ringDrops = 0;
  /** Tagged frames that could not be rebuilt with their tag (shorter than an Ethernet header). */
  private vlanRetagDrops = 0;
  private expiry: NodeJS.Timeout | null = null;
  private refresh: NodeJS.Timeout | null = null;
  private refreshing = false;
  private closed = false;

  constructor(
    private readonly ipvs: Ipvs,
    private readonly conns: ConnEngine,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: PacketDataplaneOptions,
  ) {
    this.resolver = new NeighbourResolver(opts.addon, opts.run, clock, log, this.ports, this.routes);
  }

  async sync(): Promise<readonly DataplaneProblem[]> {
    if (this.closed) return [];
    const problems: DataplaneProblem[] = [];
    const rules: HostRuleSpec[] = [];
    const wanted: string[] = [];
    const vips: string[] = [];
    const fwmarks: Array<{ id: string; mark: number }> = [];
    for (const svc of this.ipvs.services.values()) {
      if (svc.key.kind !== 'addr') {
        fwmarks.push({ id: serviceKeyString(svc.key), mark: svc.key.fwmark });
        rules.push({ kind: 'mark', mark: svc.key.fwmark });
        for (const d of svc.dests) {
          wanted.push(d.addr);
          if (d.fwd === 'nat') rules.push({ family: d.family, protocol: null, kind: 'nat-reply', addr: d.addr, port: d.port });
        }
        continue;
      }
      vips.push(svc.key.addr);
      rules.push({ family: svc.key.family, protocol: svc.key.protocol, kind: 'to-vip', addr: svc.key.addr, port: svc.key.port });
      for (const d of svc.dests) {
        wanted.push(d.addr);
        if (d.fwd === 'nat') rules.push({ family: d.family, protocol: svc.key.protocol, kind: 'nat-reply', addr: d.addr, port: d.port });
      }
    }
    const marked = await this.readMarks(fwmarks, problems);
    if (wanted.length === 0 && this.ports.length === 0) return problems;
    const devs = this.opts.interfaces ?? (await this.carryingDevices(wanted, [...vips, ...marked]));
    for (const dev of devs) if (!this.ports.some((p) => p.link.name === dev)) await this.openPort(dev, vips);
    if (this.ports.length === 0) throw new Error('packet engine: no interface (no route to a real server)');
    await this.readRoutes();
    this.aggregates.configure(this.ports.map((p) => p.link.mtu), this.ipvs);
    await this.resolver.resolve(wanted);
    const installed = await installHostRules(this.opts.run, rules, this.hostRules ?? undefined);
    if (this.hostRules === null) this.log.info(`engine 'packet': ${hostRulesDescription(installed)}`);
    this.hostRules = installed.backend;
    return problems;
  }

  /**
   * The host's marking rules for the fwmark services (none: the table is emptied); a service no
   * rule marks for, or marked by a rule the engine cannot evaluate, is a problem. Returns the
   * destination addresses the rules name (their traffic arrives by the interfaces routing them).
   */
  private async readMarks(fwmarks: ReadonlyArray<{ id: string; mark: number }>, problems: DataplaneProblem[]): Promise<string[]> {
    if (fwmarks.length === 0) {
      this.marks.clear();
      return [];
    }
    let read;
    try {
      read = await readMarkRules(this.opts.run);
    } catch (e) {
      // No usable nft (an iptables-only host): the marks are unknown, so nothing is carried for them.
      this.marks.clear();
      const why = e instanceof Error ? e.message : String(e);
      for (const f of fwmarks) problems.push({ service: f.id, code: 'fwmark-rules-unreadable', message: `cannot read the host's marking rules (${why}); packets marked for this service are not carried` });
      return [];
    }
    // Replaced in one synchronous step: frames never see a half-filled table.
    this.marks.clear();
    const wanted = new Set(fwmarks.map((f) => f.mark));
    const named: string[] = [];
    for (const r of read.rules) {
      if (!wanted.has(r.mark)) continue;
      const why = this.marks.add(r);
      if (why !== null) read.unsupported.push({ mark: r.mark, why });
      for (const a of r.daddr ?? []) if (!a.includes('/')) named.push(a);
    }
    for (const f of fwmarks) {
      for (const u of read.unsupported) if (u.mark === f.mark) problems.push({ service: f.id, code: 'fwmark-rule-unsupported', message: `${u.why}; packets it marks are not carried` });
      if (!read.rules.some((r) => r.mark === f.mark)) problems.push({ service: f.id, code: 'fwmark-no-rule', message: `no prerouting rule sets mark ${f.mark}: nothing reaches this service` });
    }
    return named;
  }

  /** Interfaces of the routes to the real servers and the VIPs (or the one holding a local VIP), and of the default route. */
  private async carryingDevices(dests: readonly string[], vips: readonly string[]): Promise<string[]> {
    const devs = new Set<string>();
    for (const a of new Set([...dests, ...vips])) {
      const r = await routeTo(this.opts.run, a).catch(() => null);
      if (r && r.dev !== 'lo') devs.add(r.dev);
      else if (r) {
        const holder = await deviceWithAddress(this.opts.run, a);
        if (holder && holder !== 'lo') devs.add(holder);
      }
    }
    for (const r of await mainRoutes(this.opts.run)) if (r.dst === 'default' && r.dev !== 'lo') devs.add(r.dev);
    return [...devs];
  }

  private async openPort(dev: string, vips: readonly string[]): Promise<void> {
    const info = await linkInfo(this.opts.run, dev);
    // The director's own address on the link: the first that is not a VIP (tunnel and ARP
    // source); a link whose only address is a VIP (seed 003's outside interface) uses that.
    const addrs = await ipv4Addresses(this.opts.run, dev);
    const address = addrs.find((a) => !vips.includes(a)) ?? addrs[0];
    const v6 = await ipv6Addresses(this.opts.run, dev);
    const address6 = v6.find((a) => a.startsWith('fe80:')) ?? v6[0] ?? null;
    // The source of IPv6 tunnel packets: the first global address that is not a VIP.
    const tunnel6 = v6.find((a) => !a.startsWith('fe80:') && !vips.includes(a));
    const linkOpts = { name: dev, mac: macBytes(info.mac), mtu: info.mtu, neighbours: new Neighbours(), ...(address ? { address } : {}), ...(tunnel6 ? { address6: tunnel6 } : {}) };
    let link: Link;
    if (!this.fw) {
      this.fw = new Forwarder(this.conns, { mac: linkOpts.mac, links: [linkOpts], routes: this.routes, marks: this.marks });
      link = this.fw.links[0]!;
      // Expire connections on time even when no frame arrives (frames also advance the engine).
      this.expiry = setInterval(() => this.conns.advance(this.clock.now()), 1000);
      this.expiry.unref();
      // Routes and the kernel's neighbours change without a configuration change (a gateway
      // added after start, a real server's new MAC): read them again now and then.
      this.refresh = setInterval(() => void this.refreshHost(), HOST_REFRESH_MS);
      this.refresh.unref();
    } else {
      link = this.fw.addLink(linkOpts);
    }
    const index = link.index;
    // The ring's default TPACKET_V2 hands over each frame as it arrives (retireMs applies to V3 only).
    // Slots big enough for a whole GSO/GRO aggregate (64 KB): a cut-short frame cannot be forwarded.
    const ringOpts = { ifname: dev, retireMs: 1, frameSize: RING_FRAME_BYTES, blockSize: RING_BLOCK_BYTES, blockCount: RING_BLOCK_COUNT, ...(this.opts.fanoutGroup ? { fanoutGroup: fanoutGroupOf(this.opts.fanoutGroup, info.ifindex) } : {}) };
    const onBatch = (block: Buffer, desc: Uint32Array, count: number): void => this.onBatch(index, block, desc, count);
    const ring = this.openRing(ringOpts, onBatch);
    this.ports.push({ link, ring, tx: new TxBatch(this.opts.addon, ring), whole: new AggregateTx(this.opts.addon, ring), vlan: info.vlan, address6, errors: 0 });
    this.vlanCarried.clear();
    for (const p of this.ports) {
      const parent = p.vlan && this.ports.find((q) => q.link.name === p.vlan!.parent);
      if (parent) this.vlanCarried.add(`${parent.link.index}/${p.vlan!.id}`);
    }
    this.log.info(`engine 'packet': AF_PACKET ring on ${dev} (${info.mac}, mtu ${info.mtu}${address ? `, ${address}` : ''})`);
  }

  /** A ring with virtio_net_hdr when wanted and the kernel allows it, else without. */
  private openRing(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle {
    if (this.opts.vnetHeaders === false) return this.opts.addon.ringOpen(opts, onBatch);
    try {
      return this.opts.addon.ringOpen({ ...opts, vnetHeader: true }, onBatch);
    } catch (e) {
      this.log.warn(`engine 'packet': no virtio_net_hdr on ${opts.ifname} (${e instanceof Error ? e.message : String(e)}): aggregates are segmented by the engine`);
      return this.opts.addon.ringOpen(opts, onBatch);
    }
  }

  private async refreshHost(): Promise<void> {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    try {
      await this.readRoutes();
      await this.resolver.resolve([]);
    } catch (e) {
      this.log.warn(`engine 'packet': reading routes and neighbours: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.refreshing = false;
    }
  }

  /** The main table's routes through the interfaces with a ring, replacing the previous ones. */
  private async readRoutes(): Promise<void> {
    const all = await mainRoutes(this.opts.run);
    this.routes.clear();
    for (const r of all) {
      const port = this.ports.find((p) => p.link.name === r.dev);
      if (!port) continue;
      this.routes.add(r.dst === 'default' && r.family === 6 ? 'default6' : r.dst, port.link.index, r.gateway);
    }
  }

  private onBatch(inIndex: number, block: Buffer, desc: Uint32Array, count: number): void {
    const fw = this.fw;
    const inPort = this.ports[inIndex];
    if (!fw || !inPort) return;
    const now = this.clock.now();
    this.conns.advance(now);
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      let len = desc[i * DESC_WORDS + 1]!;
      const wire = desc[i * DESC_WORDS + 2]!;
      const flags = desc[i * DESC_WORDS + 3]!;
      const pkttype = flags & DESC_FLAG.PKTTYPE_MASK;
      let frame: Uint8Array = block.subarray(off, off + len);
      if (pkttype !== PKTTYPE.HOST) {
        if (pkttype === PKTTYPE.BROADCAST || pkttype === PKTTYPE.MULTICAST) this.resolver.learn(inPort.link, frame, len);
        this.extra.notForUs++;
        continue;
      }
      if (wire > len) {
        // Bigger than a ring slot (an aggregate past 64 KB, e.g. BIG TCP): never forward part of a packet.
        this.extra.truncated++;
        continue;
      }
      const type = (frame[12]! << 8) | frame[13]!;
      if ((type === ETHERTYPE.ARP || type === ETHERTYPE.IPV6) && this.resolver.learn(inPort.link, frame, len)) continue;
      if ((flags & DESC_FLAG.VLAN_VALID) !== 0) {
        // The ring on the VLAN device sees the same frame untagged and carries it.
        if (this.vlanCarried.size > 0 && this.vlanCarried.has(`${inIndex}/${(flags >>> 16) & 0xfff}`)) {
          this.extra.vlanOnDevice++;
          continue;
        }
        // The kernel took the 802.1Q tag off into the ring's metadata: put it back so the
        // forwarded frame keeps it.
        len = vlanRetag(frame, len, flags >>> 16, this.vlanScratch);
        if (len === 0) {
          this.vlanRetagDrops++;
          continue;
        }
        frame = this.vlanScratch;
        this.extra.vlanRetagged++;
      }
      if (inPort.ring.vnetHeader === true && frame !== this.vlanScratch && readVnet(desc, i, this.aggregates.vnet).gsoType !== VNET.GSO_NONE) {
        this.aggregates.forward(fw, inIndex, block, off, frame, len, now);
        continue;
      }
      if (LargeFrames.oversized(frame, len, inPort.link.mtu)) {
        this.aggregates.cut(fw, inIndex, block, frame, len, now, frame === this.vlanScratch);
        continue;
      }
      const v = fw.process(frame, len, now, (flags & DESC_FLAG.CSUM_NOT_READY) !== 0, inIndex);
      if (v.action !== 'transmit') continue;
      // A tag means something only on the link it came from: another link (a VLAN device adds
      // its own) gets the frame untagged.
      if (frame === this.vlanScratch && v.link !== inIndex) v.length = vlanStrip(v.frame, v.length);
      const out = this.ports[v.link]!;
      // Frames leave in the order they came: aggregates queued before this frame go first.
      if (out.whole.pending) out.whole.flush(block);
      if (v.frame === frame && frame !== this.vlanScratch) out.tx.addFromBlock(block, off, v.length);
      else out.tx.addCopy(block, v.frame, v.length);
    }
    for (const p of this.ports) {
      p.whole.flush(block);
      p.tx.flush(block);
    }
    this.resolver.unresolved(fw);
  }

  async close(graceMs: number): Promise<void> {
    void graceMs;
    if (this.closed) return;
    this.closed = true;
    if (this.expiry) clearInterval(this.expiry);
    if (this.refresh) clearInterval(this.refresh);
    this.resolver.close();
    for (const p of this.ports.splice(0)) this.opts.addon.ringClose(p.ring);
    if (this.hostRules !== null) await removeHostRules(this.opts.run, this.hostRules);
  }

  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    const c = this.fw?.counters;
    if (c) {
      for (const [k, v] of Object.entries(c)) if (typeof v === 'number') out[k] = v;
      for (const [k, v] of Object.entries(c.drops)) if (v > 0) out[`drop:${k}`] = v;
    }
    for (const [k, v] of Object.entries(this.extra)) out[k] = v;
    this.aggregates.counters(out);
    for (const [k, v] of Object.entries(this.resolver.counters)) out[k] = v;
    out['txFailed'] = this.extra.txFailed + this.ports.reduce((n, p) => n + p.tx.failed + p.whole.failed, 0);
    for (const p of this.ports) {
      // PACKET_STATISTICS counts since the previous read; errors since the ring was opened.
      const st = this.opts.addon.ringStats(p.ring);
      this.ringDrops += st.drops;
      p.errors = st.errors ?? 0;
    }
    out['ringDrops'] = this.ringDrops;
    out['ringErrors'] = this.ringErrors;
    if (this.vlanRetagDrops > 0) out['drop:vlan-retag'] = this.vlanRetagDrops;
    return out;
  }

  /** Socket errors of all the rings (as last read), counted by the addon. */
  private get ringErrors(): number {
    return this.ports.reduce((n, p) => n + p.errors, 0);
  }

  /** The interfaces in use, for status output and tests. */
  interfaces(): string[] {
    return this.ports.map((p) => p.link.name);
  }
}

/**
 * A fanout group joins sockets bound to one interface only, so each interface gets its own id,
 * derived from the base and the interface index (the same in every process on the host).
 */
export function fanoutGroupOf(base: number, ifindex: number): number {
  return ((base + ifindex - 1) & 0xffff) || 1;
}
