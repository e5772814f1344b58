/**
 * The user-space tunl0 / ip6tnl0 of `tsvs realserver --mode tun` on kernels without the ipip and
 * ip6_tunnel modules: an AF_PACKET ring on the real server's interface takes IP-in-IP frames
 * addressed to it (an IPv4 outer header to its IPv4 tunnel end, or an IPv6 one to its IPv6 end),
 * and the inner packets go into the local stack through a veth pair (written on tsvs-dec0,
 * received on tsvs-dec1). A rule (decap-rule.ts: nftables, or iptables) keeps the host from
 * answering the outer packets with ICMP "protocol unreachable" / ICMPv6 "parameter problem".
 */
import { decapsulate, type DecapResult } from '../../core/forward/decap.js';
import { parseIp } from '../../core/addr.js';
import { macBytes } from '../../wire/bytes.js';
import { TcpSegmenter } from '../../core/forward/segment.js';
import { DESC_WORDS, ipv4ProtocolFilter, PKTTYPE, sockFilter, type RingAddon, type RingHandle } from './native-ring.js';
import { linkInfo, type HostRulesBackend, type RunCommand } from './system.js';
import { installDecapRule, removeDecapRule } from './decap-rule.js';
import { RING_BLOCK_BYTES, RING_BLOCK_COUNT, RING_FRAME_BYTES } from './large-frames.js';
import { sendOrNone } from './tx-batch.js';

export const DECAP_OUTER = 'tsvs-dec0';
export const DECAP_INNER = 'tsvs-dec1';
export interface DecapCounters {
  /** Inner packets handed to the local stack (a cut aggregate counts once per segment). */
  decapsulated: number;
  /** Frames that were not IP-in-IP to this host (or malformed, or fragments). */
  skipped: number;
  /** Inner packets the tsvs-dec0 socket did not take. */
  sendFailed: number;
  /** Frames bigger than a ring slot (cut short by the kernel): not forwarded. */
  truncated: number;
  /** Inner TCP aggregates bigger than the decap device's MTU, cut into segments. */
  segmented: number;
  /** Inner aggregates bigger than the MTU that could not be cut (not TCP, malformed): dropped. */
  oversizedDropped: number;
}

export interface Decapsulator {
  readonly counters: DecapCounters;
  /** Where the rule that keeps the host from answering the outer packets went. */
  readonly rule: HostRulesBackend;
  stop(): Promise<void>;
}

/** A socket filter passing IPv6 frames whose first next header is one of `protocols`. */
export function ipv6NextHeaderFilter(protocols: readonly number[]): Uint8Array {
  const n = protocols.length;
  return sockFilter([
    [0x28, 0, 0, 12],
    [0x15, 0, n + 1, 0x86dd],
    [0x30, 0, 0, 20],
    ...protocols.map((p, i) => [0x15, n - i, 0, p] as const),
    [0x06, 0, 0, 0],
    [0x06, 0, 0, 0x40000],
  ]);
}

/**
 * Create the veth pair and the rule, and start decapsulating frames from `dev` to `localAddr`
 * (the real server's IPv4 or IPv6 address: the tunnel end the director sends to). On a failure
 * after the veth pair exists, what was set up (rings, rule, veth pair) is removed again.
 */
export async function startDecapsulator(addon: RingAddon, run: RunCommand, dev: string, localAddr: string): Promise<Decapsulator> {
  const parsed = parseIp(localAddr);
  if (parsed === null) throw new Error(`not an IP address: ${localAddr}`);
  const local = parsed.family === 4 ? parsed.words[0]! : null;
  const local6 = parsed.family === 6 ? Uint8Array.from(parsed.words.flatMap((w) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff])) : null;
  await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
  await run('ip', ['link', 'add', DECAP_OUTER, 'type', 'veth', 'peer', 'name', DECAP_INNER]);
  const rings: RingHandle[] = [];
  let rule: HostRulesBackend | null = null;
  // The receive ring goes first: nothing is decapsulated once the send ring is closed.
  const closeRings = (): void => {
    for (const h of rings.splice(0).reverse()) addon.ringClose(h);
  };
  const undo = async (): Promise<void> => {
    closeRings();
    if (rule !== null) await removeDecapRule(run, rule, localAddr);
    await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
  };
  try {
    await run('ip', ['link', 'set', DECAP_OUTER, 'up']);
    await run('ip', ['link', 'set', DECAP_INNER, 'up']);
    await run('sysctl', ['-qw', `net.ipv4.conf.${DECAP_INNER}.rp_filter=0`]);
    rule = await installDecapRule(run, localAddr);
    const outer = await linkInfo(run, DECAP_OUTER);
    const innerMac = macBytes((await linkInfo(run, DECAP_INNER)).mac);
    const counters: DecapCounters = { decapsulated: 0, skipped: 0, sendFailed: 0, truncated: 0, segmented: 0, oversizedDropped: 0 };
    // The ring on tsvs-dec0 is only for sending (it also sees what the stack sends back; ignored).
    const tx = addon.ringOpen({ ifname: DECAP_OUTER, blockCount: 2, blockSize: 1 << 16 }, () => undefined);
    rings.push(tx);
    const onFrames = decapBatch(addon, tx, { local, local6, innerMac, outerMac: macBytes(outer.mac), mtu: outer.mtu }, counters);
    // Slots for a whole 64 KB outer packet (a GRO aggregate of IP-in-IP, a jumbo link), as the
    // director's rings: 2 KiB slots would cut every bigger frame short.
    const filter = parsed.family === 4 ? ipv4ProtocolFilter([4, 41]) : ipv6NextHeaderFilter([4, 41]);
    rings.push(addon.ringOpen({ ifname: dev, filter, frameSize: RING_FRAME_BYTES, blockSize: RING_BLOCK_BYTES, blockCount: RING_BLOCK_COUNT }, onFrames));
    const backend = rule;
    return {
      counters,
      rule: backend,
      async stop() {
        closeRings();
        await removeDecapRule(run, backend, localAddr);
        await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
      },
    };
  } catch (e) {
    await undo();
    throw e;
  }
}

/** Where decapsulated packets go: this host's tunnel ends, and the veth pair's MACs and MTU. */
export interface DecapTarget {
  readonly local: number | null;
  readonly local6: Uint8Array | null;
  readonly innerMac: Uint8Array;
  readonly outerMac: Uint8Array;
  /** MTU of tsvs-dec0: an inner packet bigger than this is not taken by the socket (EMSGSIZE). */
  readonly mtu: number;
}

/**
 * The receive callback: each IP-in-IP frame to this host is decapsulated and its inner packet
 * sent on `tx`. An inner TCP aggregate bigger than the MTU is cut into segments first (as
 * tunl0's GSO would); any other oversized inner packet is dropped and counted.
 */
export function decapBatch(addon: RingAddon, tx: RingHandle, to: DecapTarget, counters: DecapCounters): (block: Uint8Array, desc: Uint32Array, count: number) => void {
  // An inner packet is shorter than the outer one, which fits a ring slot.
  const out = new Uint8Array(RING_FRAME_BYTES);
  const segment = new Uint8Array(to.mtu + 14);
  const segmenter = new TcpSegmenter();
  const pair = new Uint32Array(2);
  const r: DecapResult = { skip: '', length: 0 };
  const send = (buf: Uint8Array, length: number): void => {
    pair[1] = length;
    if (sendOrNone(addon, tx, buf, pair, 1) === 1) counters.decapsulated++;
    else counters.sendFailed++;
  };
  return (block, desc, count) => {
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      const len = desc[i * DESC_WORDS + 1]!;
      if ((desc[i * DESC_WORDS + 3]! & 0xff) !== PKTTYPE.HOST) continue;
      if (desc[i * DESC_WORDS + 2]! > len) {
        counters.truncated++;
        continue;
      }
      decapsulate(block.subarray(off, off + len), len, to.local, to.innerMac, to.outerMac, out, r, to.local6);
      if (r.skip) {
        counters.skipped++;
        continue;
      }
      if (r.length - 14 <= to.mtu) {
        send(out, r.length);
        continue;
      }
      if (segmenter.start(out, r.length, to.mtu) !== null) {
        counters.oversizedDropped++;
        continue;
      }
      counters.segmented++;
      for (let k = 0; k < segmenter.count; k++) send(segment, segmenter.write(k, segment));
    }
  };
}
