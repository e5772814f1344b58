/**
 * Packet-engine benchmark, part 2: end to end through network namespaces (root, native addon).
 * One bridged segment with a client, the director and two real servers running node HTTP
 * servers; wrk from the client through the VIP by DR, NAT and TUN, against the same load sent
 * straight to one real server. (The nftables comparison rows are not measured yet.)
 */
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from '../test/packet/netns.js';

const DIRECTOR = fileURLToPath(new URL('../test/packet/ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('../test/packet/ns-realserver.ts', import.meta.url));

export interface E2eRow {
  readonly mode: string;
  readonly requestsPerSec: number;
  readonly errors: string;
}

function wrk(t: Topology, ns: string, url: string, seconds: number): { rps: number; errors: string } {
  const out = t.exec(ns, `wrk -t1 -c16 -d${seconds}s ${url}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'NaN');
  const err = /Socket errors:[^\n]*|Non-2xx[^\n]*/.exec(out)?.[0] ?? '';
  return { rps, errors: err };
}

async function mode(fwd: 'dr' | 'nat' | 'tun', seconds: number): Promise<E2eRow[]> {
  const t = new Topology(`b${fwd}`);
  try {
    const nat = fwd === 'nat';
    const ns = t.segment(
      nat
        ? { c: ['192.168.1.5/24'], d: ['10.0.0.2/24', '192.168.1.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] }
        : { c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] },
    );
    if (nat) {
      t.exec(ns['c']!, 'ip route add 10.0.0.100/32 dev eth0; ip route add 10.0.0.0/24 dev eth0');
      for (const r of ['r1', 'r2']) t.exec(ns[r]!, 'ip route add default via 10.0.0.2');
    }
    for (const r of ['r1', 'r2']) {
      if (fwd === 'dr') t.exec(ns[r]!, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2');
      if (fwd === 'tun') await t.start(ns[r]!, ['node', '--import', 'tsx', REALSERVER, 'start', '--vip', '10.0.0.100', '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop');
      await t.start(ns[r]!, HTTP_SERVER(r, 80), 'listening');
    }
    const rows: E2eRow[] = [];
    if (!nat) {
      const d = wrk(t, ns['c']!, 'http://10.0.0.11/', seconds);
      rows.push({ mode: `direct (${fwd} topology)`, requestsPerSec: d.rps, errors: d.errors });
    }
    await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', fwd, '10.0.0.11:80', '10.0.0.12:80'], 'ready');
    const v = wrk(t, ns['c']!, 'http://10.0.0.100/', seconds);
    rows.push({ mode: `${fwd} via VIP`, requestsPerSec: v.rps, errors: v.errors });
    return rows;
  } finally {
    t.teardown();
  }
}

export async function runE2e(seconds = 3): Promise<E2eRow[] | string> {
  const skip = privilegedSkipReason();
  if (skip) return skip;
  return [...(await mode('dr', seconds)), ...(await mode('nat', seconds)), ...(await mode('tun', seconds))];
}
