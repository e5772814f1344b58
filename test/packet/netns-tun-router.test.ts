// LVS-TUN across a router: the director (10.0.0.0/24) reaches the real servers (10.0.1.0/24)
// through a router; the real servers decapsulate with `tsvs realserver start --mode tun` and
// answer the client directly through the router. Captured on the real servers: IP-in-IP from
// the director's address to the real server (protocol 4, outer TTL = the inner TTL after the
// director's decrement, less the router's hop), the inner packet what reached the director with
// its TTL decremented (IPVS forwards it: decrement_ttl).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capture, innerPacket, requestsAtDirector } from './captured.js';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('./ns-realserver.ts', import.meta.url));
const VIP = '10.0.0.100';

test('TUN across a router: IP-in-IP from the director to real servers on another subnet, inner packet with its TTL decremented, replies bypass the director', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pt-tunr');
  const log: string[] = [];
  try {
    t.bridge('br-a');
    t.bridge('br-b');
    const c = t.ns('c');
    const r = t.ns('r');
    const d = t.ns('d');
    const rs = { r1: t.ns('r1'), r2: t.ns('r2') };
    const rsAddr = { r1: '10.0.1.11', r2: '10.0.1.12' };
    t.wire(c, 'eth0', 'br-a', ['10.0.0.5/24']);
    t.wire(d, 'eth0', 'br-a', ['10.0.0.2/24', `${VIP}/32`]);
    t.wire(r, 'eth0', 'br-a', ['10.0.0.254/24']);
    t.wire(r, 'eth1', 'br-b', ['10.0.1.254/24']);
    t.wire(rs.r1, 'eth0', 'br-b', [`${rsAddr.r1}/24`]);
    t.wire(rs.r2, 'eth0', 'br-b', [`${rsAddr.r2}/24`]);
    // The router forwards replies from the VIP that arrive on its other side.
    t.exec(r, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0');
    t.exec(d, 'ip route add 10.0.1.0/24 via 10.0.0.254');
    t.exec(c, 'ip route add 10.0.1.0/24 via 10.0.0.254');
    const procs: Record<string, ChildProcess> = {};
    for (const [name, ns] of Object.entries(rs)) {
      t.exec(ns, 'ip route add default via 10.0.1.254');
      procs[name] = await t.start(ns, ['node', '--import', 'tsx', REALSERVER, 'start', '--vip', VIP, '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop', log);
      await t.start(ns, HTTP_SERVER(name === 'r1' ? 'rs1' : 'rs2'), 'listening', log);
    }
    const mac = { d: t.mac(d), routerB: t.mac(r, 'eth1'), r1: t.mac(rs.r1), r2: t.mac(rs.r2) };
    const director = await t.start(d, ['node', '--import', 'tsx', DIRECTOR, 'tcp', `${VIP}:80`, 'tun', `${rsAddr.r1}:80`, `${rsAddr.r2}:80`], 'ready', log);
    const caps = { d: await capture(t, d, 'eth0', log), r1: await capture(t, rs.r1, 'eth0', log), r2: await capture(t, rs.r2, 'eth0', log) };

    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(c, `curl -s --max-time 5 http://${VIP}/`).trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);

    const toVip = requestsAtDirector(await caps.d.finish(), VIP, 4 * 5);
    const received = new Set(toVip);
    for (const name of ['r1', 'r2'] as const) {
      const got = (await caps[name].finish()).filter((f) => f.pkttype === 0 && f.protocol === 4);
      assert.ok(got.length >= 2 * 5, `${name}: ${got.length} IP-in-IP frames`);
      for (const f of got) {
        assert.deepEqual({ src: f.src, dst: f.dst, ttl: f.ttl, macs: `${f.srcMac} > ${f.dstMac}` }, { src: '10.0.0.2', dst: rsAddr[name], ttl: 62, macs: `${mac.routerB} > ${mac[name]}` }, `${name}: outer header`);
        assert.ok(received.has(innerPacket(f)), `${name}: inner packet not the one the director received, TTL decremented`);
      }
    }
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number>; interfaces: string[] };
    assert.deepEqual(out.interfaces, ['eth0']);
    assert.equal(out.counters['tun'], toVip.length);
    assert.equal(out.counters['natOut'], 0);
    const stopped = await t.stop(procs['r1']!);
    assert.match(stopped, /decapsulated (\d+) packets/);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
  }
});
