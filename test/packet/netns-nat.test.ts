import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));

test('NAT with the director as the real servers\' gateway: VIP:80 → rs:8080 and back, replies through the director', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const t = new Topology('pt-nat');
  const log: string[] = [];
  try {
    // Client in 192.168.1.0/24 and servers in 10.0.0.0/24 share the wire; the servers' only way
    // to the client is their default route through the director.
    const ns = t.segment({ c: ['192.168.1.5/24'], d: ['10.0.0.2/24', '192.168.1.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    t.exec(ns['c']!, 'ip route add 10.0.0.100/32 dev eth0');
    for (const r of ['r1', 'r2']) t.exec(ns[r]!, 'ip route add default via 10.0.0.2');
    await t.start(ns['r1']!, HTTP_SERVER('rs1', 8080), 'listening', log);
    await t.start(ns['r2']!, HTTP_SERVER('rs2', 8080), 'listening', log);
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'nat', '10.0.0.11:8080', '10.0.0.12:8080'], 'ready', log);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(ns['c']!, 'curl -s --max-time 5 http://10.0.0.100/').trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);
    assert.match(t.exec(ns['d']!, 'nft list table inet tsvs_packet'), /ip saddr 10\.0\.0\.11 tcp sport 8080 fib daddr type != local drop/);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    assert.ok(out.counters['natIn']! >= 4 * 5, `natIn ${out.counters['natIn']}`);
    assert.ok(out.counters['natOut']! >= 4 * 4, `natOut ${out.counters['natOut']}`);
    assert.equal(out.counters['dr'], 0);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
  }
});
