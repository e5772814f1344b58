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
import { DESC_WORDS, ipv4ProtocolFilter, PKTTYPE, sockFilter, type RingAddon, type RingHandle } from './native-ring.js';
import { linkInfo, type HostRulesBackend, type RunCommand } from './system.js';
import { installDecapRule, removeDecapRule } from './decap-rule.js';

export const DECAP_OUTER = 'tsvs-dec0';
export const DECAP_INNER = 'tsvs-dec1';
export interface Decapsulator {
  readonly counters: { decapsulated: number; skipped: number; sendFailed: number };
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
 * (the real server's IPv4 or IPv6 address: the tunnel end the director sends to).
 */
export async function startDecapsulator(addon: RingAddon, run: RunCommand, dev: string, localAddr: string): Promise<Decapsulator> {
  const parsed = parseIp(localAddr);
  if (parsed === null) throw new Error(`not an IP address: ${localAddr}`);
  const local = parsed.family === 4 ? parsed.words[0]! : null;
  const local6 = parsed.family === 6 ? Uint8Array.from(parsed.words.flatMap((w) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff])) : null;
  await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
  await run('ip', ['link', 'add', DECAP_OUTER, 'type', 'veth', 'peer', 'name', DECAP_INNER]);
  await run('ip', ['link', 'set', DECAP_OUTER, 'up']);
  await run('ip', ['link', 'set', DECAP_INNER, 'up']);
  await run('sysctl', ['-qw', `net.ipv4.conf.${DECAP_INNER}.rp_filter=0`]);
  const rule = await installDecapRule(run, localAddr);
  const outerMac = macBytes((await linkInfo(run, DECAP_OUTER)).mac);
  const innerMac = macBytes((await linkInfo(run, DECAP_INNER)).mac);
  const counters = { decapsulated: 0, skipped: 0, sendFailed: 0 };
  const out = new Uint8Array(65536 + 14);
  const pair = new Uint32Array(2);
  const r: DecapResult = { skip: '', length: 0 };
  // The ring on tsvs-dec0 is only for sending (it also sees what the stack sends back; ignored).
  const tx: RingHandle = addon.ringOpen({ ifname: DECAP_OUTER, blockCount: 2, blockSize: 1 << 16 }, () => undefined);
  const filter = parsed.family === 4 ? ipv4ProtocolFilter([4, 41]) : ipv6NextHeaderFilter([4, 41]);
  const rx = addon.ringOpen({ ifname: dev, filter }, (block, desc, count) => {
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      const len = desc[i * DESC_WORDS + 1]!;
      if ((desc[i * DESC_WORDS + 3]! & 0xff) !== PKTTYPE.HOST || desc[i * DESC_WORDS + 2]! > len) continue;
      decapsulate(block.subarray(off, off + len), len, local, innerMac, outerMac, out, r, local6);
      if (r.skip) {
        counters.skipped++;
        continue;
      }
      pair[1] = r.length;
      if (addon.ringSend(tx, out, pair, 1) === 1) counters.decapsulated++;
      else counters.sendFailed++;
    }
  });
  return {
    counters,
    rule,
    async stop() {
      addon.ringClose(rx);
      addon.ringClose(tx);
      await removeDecapRule(run, rule, localAddr);
      await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
    },
  };
}
