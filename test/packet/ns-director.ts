/**
 * The director process of the namespace tests: run inside the director's namespace (ip netns
 * exec) with one virtual service and its real servers, the packet data plane on AF_PACKET rings.
 * Prints "ready" once synced; on SIGTERM closes (removing its nft table) and prints its counters.
 *
 * Usage: node --import tsx test/packet/ns-director.ts tcp|udp VIP:PORT | fwm MARK  dr|nat|tun RS:PORT [RS:PORT...]
 */
import { loadRingAddon } from '../../src/adapters/packet/native-ring.js';
import { PacketDataplane } from '../../src/adapters/packet/dataplane.js';
import { runCommand } from '../../src/adapters/packet/system.js';
import { NodeClock } from '../../src/adapters/node-clock.js';
import { Lab } from '../../src/core/conn/testkit.js';
import type { FwdMethod } from '../../src/core/model.js';
import { silentLogger } from '../../src/core/ports.js';

const [proto, vip, fwd, ...rss] = process.argv.slice(2) as [string, string, FwdMethod, ...string[]];
const loaded = loadRingAddon();
if (!loaded.ok) {
  console.error(loaded.reason);
  process.exit(2);
}
const lab = new Lab();
const svc = lab.service(`${proto} ${vip}`);
for (const rs of rss) lab.dest(svc, rs, { fwd });
const clock = new NodeClock();
const dp = new PacketDataplane(lab.ipvs, lab.engine, clock, silentLogger, { addon: loaded.addon, run: runCommand });
const problems = await dp.sync();
if (problems.length) console.error(JSON.stringify(problems));
// Let ARP replies for the real servers arrive, then sync again so the kernel table is read too.
await new Promise((r) => setTimeout(r, 300));
await dp.sync();
console.log('ready');
const stop = async (): Promise<void> => {
  const c = dp.counters();
  const interfaces = dp.interfaces();
  await dp.close(0);
  console.log(JSON.stringify({ counters: c, list: lab.list(), interfaces }));
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('data', (d) => {
  if (String(d).trim() === 'stats') console.log(JSON.stringify({ counters: dp.counters(), list: lab.list(), stats: [...lab.ipvs.services.values()].flatMap((s) => s.dests.map((x) => ({ dest: `${x.addr}:${x.port}`, ...x.stats.snapshot() }))) }));
});
