import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));

function realServer(t: Topology, ns: string): void {
  // The seeds' real-server setup: VIP on lo as /32, no ARP answers or announcements for it.
  t.exec(ns, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2');
}

test('DR on one segment: the client reaches both real servers through the VIP; the director only rewrites MACs', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const t = new Topology('pt-dr');
  const log: string[] = [];
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    realServer(t, ns['r1']!);
    realServer(t, ns['r2']!);
    await t.start(ns['r1']!, HTTP_SERVER('rs1'), 'listening', log);
    await t.start(ns['r2']!, HTTP_SERVER('rs2'), 'listening', log);
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'dr', '10.0.0.11:80', '10.0.0.12:80'], 'ready', log);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(ns['c']!, 'curl -s --max-time 5 http://10.0.0.100/').trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);
    const rules = t.exec(ns['d']!, 'nft list table inet tsvs_packet');
    assert.match(rules, /ip daddr 10\.0\.0\.100 .*tcp dport 80 drop/);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    // Every forwarded frame went out by DR; NAT never ran, so no reply passed through the director.
    assert.equal(out.counters['natOut'], 0);
    assert.ok(out.counters['dr']! >= 4 * 5, `dr frames: ${out.counters['dr']}`);
    assert.equal(out.counters['txFrames'], out.counters['dr']);
    // The host rule is gone after stop.
    assert.equal(t.exec(ns['d']!, 'nft list tables').includes('tsvs_packet'), false);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
  }
});
