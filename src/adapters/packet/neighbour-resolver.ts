/**
 * Neighbours of the packet engine's links: the kernel's table read on each sync (and again
 * shortly after a frame found no MAC), ARP requests (IPv4) and neighbour solicitations (IPv6)
 * sent on the link for next hops still unknown, and ARP / neighbour discovery packets seen on
 * the rings learnt as they pass.
 */
import { textToWords, wordsToText } from '../../core/conn/addr-words.js';
import type { Forwarder } from '../../core/forward/forwarder.js';
import type { Link } from '../../core/forward/links.js';
import { neighbourFromNd, writeNeighbourSolicit } from '../../core/forward/ndp.js';
import { Hop, type RouteTable } from '../../core/forward/routes.js';
import type { Clock, Logger } from '../../core/ports.js';
import { ARP_OP, decodeArp } from '../../wire/arp.js';
import { macBytes, readMac } from '../../wire/bytes.js';
import { ETHERTYPE } from '../../wire/ethernet.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import type { RingAddon, RingHandle } from './native-ring.js';
import { sendOrNone } from './tx-batch.js';
import { kernelNeighbours, type RunCommand } from './system.js';

/** What the resolver needs of one interface of the engine. */
export interface ResolverPort {
  readonly link: Link;
  readonly ring: RingHandle;
  /** The link's IPv6 address for solicitations (link-local preferred), or null. */
  readonly address6: string | null;
}

/** An unanswered next hop is asked for again at most this often (ms). */
const ASK_RETRY_MS = 1000;
/** After a frame found no MAC for its next hop, the kernel's neighbour table is read again this much later (ms). */
const KERNEL_REFRESH_MS = 200;

export class NeighbourResolver {
  readonly counters = { arpSent: 0, arpLearnt: 0, ndSent: 0, ndLearnt: 0 };
  private readonly asked = new Map<string, number>();
  private readonly ndFrame = new Uint8Array(86);
  /** The [offset, length] pair of a one-frame send (offset always 0). */
  private readonly onePair = new Uint32Array(2);
  private refresh: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly addon: RingAddon,
    private readonly run: RunCommand,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly ports: readonly ResolverPort[],
    private readonly routes: RouteTable,
  ) {}

  /** Read the kernel's tables; ask for the next hops of `addrs` still without a MAC. */
  async resolve(addrs: readonly string[]): Promise<void> {
    await this.readKernel();
    const hop = new Hop();
    const words = new Uint32Array(4);
    for (const a of addrs) {
      const family = textToWords(a, words);
      if (!this.routes.lookup(family, words, hop)) continue;
      if (this.ports[hop.link]?.link.neighbours.lookup(family, hop.nextHop)) continue;
      this.ask(hop.link, family, wordsToText(family, hop.nextHop));
    }
  }

  /**
   * Next hops that had no MAC since the last call: asked for on their link, and the kernel's
   * table read again shortly (it may know them, e.g. from health checks).
   */
  unresolved(fw: Forwarder): void {
    const missing = fw.drainUnresolved();
    if (missing.length === 0) return;
    for (const u of missing) this.ask(u.link, u.family, u.addr);
    if (this.refresh || this.closed) return;
    this.refresh = setTimeout(() => {
      void this.readKernel()
        .catch((e: unknown) => this.log.warn(`engine 'packet': reading the neighbour table: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => (this.refresh = null));
    }, KERNEL_REFRESH_MS);
    this.refresh.unref();
  }

  /** Learn from an ARP or neighbour-discovery frame seen on `link`; true when it was one. */
  learn(link: Link, frame: Uint8Array, length: number): boolean {
    const type = (frame[12]! << 8) | frame[13]!;
    if (type === ETHERTYPE.ARP) {
      const a = decodeArp(frame, 14, length - 14);
      if (a.ok && a.value.senderIp !== '0.0.0.0') {
        link.neighbours.set(a.value.senderIp, macBytes(readMac(frame, 22)));
        this.counters.arpLearnt++;
      }
      return true;
    }
    if (type !== ETHERTYPE.IPV6 || frame[20] !== 58) return false;
    const n = neighbourFromNd(frame, length);
    if (!n) return false;
    link.neighbours.set(n.addr, n.mac);
    this.counters.ndLearnt++;
    return true;
  }

  /** ARP request or neighbour solicitation for `target` on port `index`, at most once per ASK_RETRY_MS. */
  ask(index: number, family: 4 | 6, target: string): void {
    const port = this.ports[index];
    if (!port) return;
    const now = this.clock.now();
    const key = `${index} ${target}`;
    const last = this.asked.get(key);
    if (last !== undefined && now - last < ASK_RETRY_MS) return;
    // Only recent requests matter: forget them all rather than grow without bound.
    if (this.asked.size >= 4096) this.asked.clear();
    this.asked.set(key, now);
    if (family === 4) this.sendArp(port, target);
    else this.sendSolicit(port, target);
  }

  private sendArp(port: ResolverPort, target: string): void {
    const src = port.link.addressBytes;
    if (!src) return;
    const mac = formatMac(port.link.mac);
    const f = new PacketBuilder()
      .eth({ src: mac, dst: 'ff:ff:ff:ff:ff:ff' })
      .arp({ op: ARP_OP.REQUEST, senderMac: mac, senderIp: src.join('.'), targetMac: '00:00:00:00:00:00', targetIp: target })
      .build();
    if (this.sendOne(port, f, f.length)) this.counters.arpSent++;
  }

  private sendSolicit(port: ResolverPort, target: string): void {
    if (!port.address6) return;
    const n = writeNeighbourSolicit(this.ndFrame, port.link.mac, port.address6, target);
    if (n > 0 && this.sendOne(port, this.ndFrame, n)) this.counters.ndSent++;
  }

  /** One frame through the same send path as forwarded frames (a downed interface is a failed send, not a throw). */
  private sendOne(port: ResolverPort, frame: Uint8Array, length: number): boolean {
    this.onePair[1] = length;
    return sendOrNone(this.addon, port.ring, frame, this.onePair, 1) === 1;
  }

  private async readKernel(): Promise<void> {
    for (const p of this.ports) {
      const table = await kernelNeighbours(this.run, p.link.name);
      for (const [a, m] of table) p.link.neighbours.set(a, macBytes(m));
    }
  }

  close(): void {
    this.closed = true;
    if (this.refresh) clearTimeout(this.refresh);
  }
}

function formatMac(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
