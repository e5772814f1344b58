/**
 * The user-space tunl0 of `tsvs realserver --mode tun` on kernels without the ipip module: an
 * AF_PACKET ring on the real server's interface takes IP-in-IP frames addressed to it, and the
 * inner packets go into the local stack through a veth pair (written on tsvs-dec0, received on
 * tsvs-dec1). An nftables rule keeps the host from answering the outer packets with ICMP
 * "protocol unreachable".
 */
import { decapsulate, type DecapResult } from '../../core/forward/decap.js';
import { parseIPv4 } from '../../core/addr.js';
import { macBytes } from '../../wire/bytes.js';
import { DESC_WORDS, ipv4ProtocolFilter, PKTTYPE, type RingAddon, type RingHandle } from './native-ring.js';
import { linkInfo, type RunCommand } from './system.js';

export const DECAP_OUTER = 'tsvs-dec0';
export const DECAP_INNER = 'tsvs-dec1';
export const DECAP_TABLE = 'tsvs_realserver';

export function decapNftScript(localAddr: string): string {
  return [
    `table inet ${DECAP_TABLE}`,
    `delete table inet ${DECAP_TABLE}`,
    `table inet ${DECAP_TABLE} {`,
    '  chain prerouting {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    ip daddr ${localAddr} ip protocol { 4, 41 } drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export interface Decapsulator {
  readonly counters: { decapsulated: number; skipped: number; sendFailed: number };
  stop(): Promise<void>;
}

/** Create the veth pair and the rule, and start decapsulating frames from `dev` to `localAddr`. */
export async function startDecapsulator(addon: RingAddon, run: RunCommand, dev: string, localAddr: string): Promise<Decapsulator> {
  const local = parseIPv4(localAddr);
  if (local === null) throw new Error(`not an IPv4 address: ${localAddr}`);
  await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
  await run('ip', ['link', 'add', DECAP_OUTER, 'type', 'veth', 'peer', 'name', DECAP_INNER]);
  await run('ip', ['link', 'set', DECAP_OUTER, 'up']);
  await run('ip', ['link', 'set', DECAP_INNER, 'up']);
  await run('sysctl', ['-qw', `net.ipv4.conf.${DECAP_INNER}.rp_filter=0`]);
  await run('nft', ['-f', '-'], decapNftScript(localAddr));
  const outerMac = macBytes((await linkInfo(run, DECAP_OUTER)).mac);
  const innerMac = macBytes((await linkInfo(run, DECAP_INNER)).mac);
  const counters = { decapsulated: 0, skipped: 0, sendFailed: 0 };
  const out = new Uint8Array(65536 + 14);
  const pair = new Uint32Array(2);
  const r: DecapResult = { skip: '', length: 0 };
  // The ring on tsvs-dec0 is only for sending (it also sees what the stack sends back; ignored).
  const tx: RingHandle = addon.ringOpen({ ifname: DECAP_OUTER, blockCount: 2, blockSize: 1 << 16 }, () => undefined);
  const rx = addon.ringOpen({ ifname: dev, filter: ipv4ProtocolFilter([4, 41]) }, (block, desc, count) => {
    for (let i = 0; i < count; i++) {
      const off = desc[i * DESC_WORDS]!;
      const len = desc[i * DESC_WORDS + 1]!;
      if ((desc[i * DESC_WORDS + 3]! & 0xff) !== PKTTYPE.HOST || desc[i * DESC_WORDS + 2]! > len) continue;
      decapsulate(block.subarray(off, off + len), len, local, innerMac, outerMac, out, r);
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
    async stop() {
      addon.ringClose(rx);
      addon.ringClose(tx);
      await run('nft', ['delete', 'table', 'inet', DECAP_TABLE]).catch(() => undefined);
      await run('ip', ['link', 'del', DECAP_OUTER]).catch(() => undefined);
    },
  };
}
