// A firewall-mark service (ipvsadm -A -f 1) in DR: the director's own nft rule marks VIP:80 and
// VIP:8080 with mark 1 in prerouting, as the seeds' iptables -t mangle ... -j MARK would; the
// packet engine evaluates that rule on each frame, so one scheduler serves both ports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const VIP = '10.0.0.100';
const MARKING = `table ip mangle {
  chain pre { type filter hook prerouting priority mangle; ip daddr ${VIP} tcp dport { 80, 8080 } meta mark set 1; }
}`;

test('fwmark DR service: the host\'s nft marking rule, evaluated by the engine, sends both marked ports through one rr scheduler', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pt-fwm');
  const log: string[] = [];
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', `${VIP}/32`], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    t.exec(ns['d']!, `nft -f - <<'EOF'\n${MARKING}\nEOF`);
    for (const [name, n] of [['rs1', ns['r1']!], ['rs2', ns['r2']!]] as const) {
      t.exec(n, `ip addr add ${VIP}/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2`);
      await t.start(n, HTTP_SERVER(`${name}:80`, 80), 'listening', log);
      await t.start(n, HTTP_SERVER(`${name}:8080`, 8080), 'listening', log);
    }
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'fwm', '1', 'dr', '10.0.0.11:0', '10.0.0.12:0'], 'ready', log);
    const seen: string[] = [];
    for (const port of [80, 8080, 80, 8080]) seen.push(t.exec(ns['c']!, `curl -s --max-time 5 http://${VIP}:${port}/`).trim());
    assert.deepEqual(seen, ['rs2:80', 'rs1:8080', 'rs2:80', 'rs1:8080']);
    // Port 22 is not marked: the director's own stack answers (connection refused), nothing is forwarded.
    assert.equal(t.exec(ns['c']!, `curl -s --max-time 5 http://${VIP}:22/ || echo refused`).trim(), 'refused');
    assert.match(t.exec(ns['d']!, 'nft list table inet tsvs_packet'), /meta mark 0x00000001 drop/);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    assert.ok(out.counters['dr']! >= 4 * 5, `dr ${out.counters['dr']}`);
    assert.equal(log.join('').includes('fwmark-'), false, 'a data-plane problem was reported');
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
  }
});
