// Seed 000: LVS-DR with the client behind a router that DNATs a public address to the VIP and
// SNATs to its own LAN address. Captured frames show the DR rewrite: on the real server the IP
// packet is byte-identical to what reached the director except the TTL, one lower, and the header
// checksum (ipvs.md §5: a forwarded packet loses a hop); the MACs changed (to the real server,
// from the director); the real servers' replies go to the router, never the director.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capture, oneHopLess } from './captured.js';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const VIP = '10.0.0.100';
const ROUTER_NAT = `table ip tsvs_router {
  chain pre { type nat hook prerouting priority dstnat; ip daddr 203.0.113.1 tcp dport 80 dnat to ${VIP}; }
  chain post { type nat hook postrouting priority srcnat; oifname "eth0" ip daddr ${VIP} masquerade; }
}`;

test('DR behind a router (seed 000): public address → VIP by DNAT/SNAT, MAC-only rewrite on the wire, replies bypass the director', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pt-drr');
  const log: string[] = [];
  try {
    t.bridge('pub');
    t.bridge('lan');
    const c = t.ns('c');
    const r = t.ns('r');
    const d = t.ns('d');
    const rs = { r1: t.ns('r1'), r2: t.ns('r2') };
    t.wire(c, 'eth0', 'pub', ['203.0.113.5/24']);
    t.wire(r, 'eth1', 'pub', ['203.0.113.1/24']);
    t.wire(r, 'eth0', 'lan', ['10.0.0.254/24']);
    t.wire(d, 'eth0', 'lan', ['10.0.0.2/24', `${VIP}/32`]);
    t.wire(rs.r1, 'eth0', 'lan', ['10.0.0.11/24']);
    t.wire(rs.r2, 'eth0', 'lan', ['10.0.0.12/24']);
    t.exec(r, 'sysctl -qw net.ipv4.ip_forward=1');
    t.exec(r, `nft -f - <<'EOF'\n${ROUTER_NAT}\nEOF`);
    t.exec(d, 'ip route add default via 10.0.0.254; sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0');
    for (const [name, ns] of Object.entries(rs)) {
      t.exec(ns, `ip addr add ${VIP}/32 dev lo; ip route add default via 10.0.0.254; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2`);
      await t.start(ns, HTTP_SERVER(name === 'r1' ? 'rs1' : 'rs2'), 'listening', log);
    }
    const mac = { d: t.mac(d), router: t.mac(r, 'eth0'), r1: t.mac(rs.r1), r2: t.mac(rs.r2) };
    const director = await t.start(d, ['node', '--import', 'tsx', DIRECTOR, 'tcp', `${VIP}:80`, 'dr', '10.0.0.11:80', '10.0.0.12:80'], 'ready', log);
    const caps = { d: await capture(t, d, 'eth0', log), r1: await capture(t, rs.r1, 'eth0', log), r2: await capture(t, rs.r2, 'eth0', log) };

    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(c, 'curl -s --max-time 5 http://203.0.113.1/').trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);

    const atD = (await caps.d.finish()).filter((f) => f.pkttype === 0);
    const toVip = atD.filter((f) => f.dst === VIP && f.dport === 80);
    // Every request frame came from the router (SNAT source 10.0.0.254) to the director's MAC.
    assert.ok(toVip.length >= 4 * 5, `frames to the VIP at the director: ${toVip.length}`);
    assert.deepEqual(new Set(toVip.map((f) => `${f.srcMac} > ${f.dstMac} ${f.src}`)), new Set([`${mac.router} > ${mac.d} 10.0.0.254`]));
    // No reply from the VIP reached the director.
    assert.deepEqual(atD.filter((f) => f.src === VIP), []);
    // What the director sends on: each packet it received, one hop less.
    const fromDirector = new Set(toVip.map((f) => oneHopLess(f.ip)));
    for (const name of ['r1', 'r2'] as const) {
      const got = (await caps[name].finish()).filter((f) => f.pkttype === 0 && f.dst === VIP && f.dport === 80);
      assert.ok(got.length >= 2 * 5, `${name}: ${got.length} frames`);
      for (const f of got) {
        assert.equal(`${f.srcMac} > ${f.dstMac}`, `${mac.d} > ${mac[name]}`, `${name}: MACs`);
        assert.ok(fromDirector.has(f.ip), `${name}: IP packet not one the director received with TTL − 1 and the checksum updated: ${f.ip}`);
      }
    }
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number>; interfaces: string[] };
    assert.deepEqual(out.interfaces, ['eth0']);
    assert.equal(out.counters['natOut'], 0);
    assert.equal(out.counters['txFrames'], out.counters['dr']);
    assert.equal(out.counters['dr'], toVip.length);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
  }
});
