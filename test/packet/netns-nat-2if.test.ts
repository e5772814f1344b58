// Seed 003's LVS-NAT: the client on the director's outside interface, the real servers on its
// inside interface with the director as their gateway (ip_forward=1, as the seed sets it). The
// engine receives on both interfaces and sends each frame by the interface of its next hop:
// requests leave eth1 from eth1's MAC, replies leave eth0 from eth0's MAC.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capture } from './captured.js';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const VIP = '192.168.1.100';

test('NAT with outside and inside interfaces (seed 003): in by eth0, out by eth1 and back, each from its own MAC', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pt-nat2');
  const log: string[] = [];
  try {
    t.bridge('br-out');
    t.bridge('br-in');
    const c = t.ns('c');
    const d = t.ns('d');
    const rs = { r1: t.ns('r1'), r2: t.ns('r2') };
    t.wire(c, 'eth0', 'br-out', ['192.168.1.5/24']);
    t.wire(d, 'eth0', 'br-out', ['192.168.1.2/24', `${VIP}/32`]);
    t.wire(d, 'eth1', 'br-in', ['10.0.0.2/24']);
    t.wire(rs.r1, 'eth0', 'br-in', ['10.0.0.11/24']);
    t.wire(rs.r2, 'eth0', 'br-in', ['10.0.0.12/24']);
    // The host would forward too: the engine's nft rule must keep it from doing so twice.
    t.exec(d, 'sysctl -qw net.ipv4.ip_forward=1');
    for (const [name, ns] of Object.entries(rs)) {
      t.exec(ns, 'ip route add default via 10.0.0.2');
      await t.start(ns, HTTP_SERVER(name === 'r1' ? 'rs1' : 'rs2', 8080), 'listening', log);
    }
    const mac = { c: t.mac(c), out: t.mac(d, 'eth0'), in: t.mac(d, 'eth1'), r1: t.mac(rs.r1), r2: t.mac(rs.r2) };
    const director = await t.start(d, ['node', '--import', 'tsx', DIRECTOR, 'tcp', `${VIP}:80`, 'nat', '10.0.0.11:8080', '10.0.0.12:8080'], 'ready', log);
    const caps = { c: await capture(t, c, 'eth0', log), r1: await capture(t, rs.r1, 'eth0', log), r2: await capture(t, rs.r2, 'eth0', log) };

    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(c, `curl -s --max-time 5 http://${VIP}/`).trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);
    // The director's own connection to a NAT real server's port (what TCP_CHECK does) still gets its answers.
    assert.equal(t.exec(d, 'curl -s --max-time 5 http://10.0.0.11:8080/').trim(), 'rs1');

    let requests = 0;
    for (const name of ['r1', 'r2'] as const) {
      const got = (await caps[name].finish()).filter((f) => f.pkttype === 0 && f.dport === 8080 && f.src === '192.168.1.5');
      assert.ok(got.length >= 2 * 5, `${name}: ${got.length} frames`);
      // One copy of each request: the director's kernel forwarded none of them itself.
      assert.equal(new Set(got.map((f) => f.ip)).size, got.length, `${name}: a request arrived twice`);
      // The client sends with TTL 64; forwarded, it arrives with 63 (ipvs.md §5).
      assert.deepEqual(new Set(got.map((f) => `${f.srcMac} > ${f.dstMac} ${f.src} > ${f.dst} ttl ${f.ttl}`)), new Set([`${mac.in} > ${mac[name]} 192.168.1.5 > ${name === 'r1' ? '10.0.0.11' : '10.0.0.12'} ttl 63`]));
      requests += got.length;
    }
    const replies = (await caps.c.finish()).filter((f) => f.pkttype === 0 && f.sport === 80);
    assert.ok(replies.length >= 4 * 4, `replies at the client: ${replies.length}`);
    assert.equal(new Set(replies.map((f) => f.ip)).size, replies.length, 'a reply arrived twice');
    // NAT replies are forwarded too: the real servers' TTL 64 arrives as 63.
    assert.deepEqual(new Set(replies.map((f) => `${f.srcMac} > ${f.dstMac} ${f.src} > ${f.dst} ttl ${f.ttl}`)), new Set([`${mac.out} > ${mac.c} ${VIP} > 192.168.1.5 ttl 63`]));
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number>; interfaces: string[] };
    assert.deepEqual(new Set(out.interfaces), new Set(['eth0', 'eth1']));
    assert.equal(out.counters['natIn'], requests);
    assert.equal(out.counters['natOut'], replies.length);
    assert.equal(out.counters['dr'], 0);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
  }
});
