// UDP virtual services through the proxy: one session per client address/port for the UDP
// timeout, replies from the VIP, exact byte counts, one-packet scheduling.
import assert from 'node:assert/strict';
import type { Socket } from 'node:dgram';
import { test } from 'node:test';
import { until, withLab } from './harness.js';

const VIP = '127.0.6.1';

interface Reply {
  readonly text: string;
  readonly from: string;
}

/** Send one datagram and wait for one reply. */
async function ask(s: Socket, msg: string, port: number, vip = VIP): Promise<Reply> {
  const got = new Promise<Reply>((resolve) => s.once('message', (m, r) => resolve({ text: m.toString(), from: `${r.address}:${r.port}` })));
  s.send(msg, port, vip);
  return got;
}

test('UDP round trip: replies come from the VIP, a client stays on its session', () =>
  withLab(async (lab) => {
    const { a, b, svc, port, problems } = await lab.serveAB('udp', VIP);
    assert.deepEqual(problems, []);
    const c1 = await lab.udpClient();
    const c2 = await lab.udpClient();
    assert.deepEqual(await ask(c1, 'hello', port), { text: 'B:hello', from: `${VIP}:${port}` });
    assert.deepEqual(await ask(c1, 'again', port), { text: 'B:again', from: `${VIP}:${port}` });
    assert.deepEqual(await ask(c2, 'other', port), { text: 'A:other', from: `${VIP}:${port}` });
    assert.deepEqual(lab.entries(), [
      `UDP UDP 127.0.0.1:${c1.address().port} -> ${VIP}:${port} -> 127.0.0.1:${b.port} 300000`,
      `UDP UDP 127.0.0.1:${c2.address().port} -> ${VIP}:${port} -> 127.0.0.1:${a.port} 300000`,
    ].sort());
    assert.equal(lab.counts(svc, b), '0/1/0');
    const st = lab.ipvs.getService(svc)!.stats.snapshot();
    assert.deepEqual(st, { conns: 2, inpkts: 3, outpkts: 3, inbytes: 15, outbytes: 21 });
    const k = lab.proxy.counters();
    assert.deepEqual({ in: k.udpFromClients, out: k.udpFromServers, sessions: k.udpSessions }, { in: 3, out: 3, sessions: 2 });
  }));

test('a UDP session ends with its entry after the udp timeout; the next datagram is scheduled anew', () =>
  withLab(async (lab) => {
    lab.apply({ type: 'set-timeouts', tcp: 0, tcpfin: 0, udp: 5 });
    const { b, svc, port } = await lab.serveAB('udp', VIP);
    const c = await lab.udpClient();
    assert.equal((await ask(c, 'one', port)).text, 'B:one');
    lab.advance(3000);
    // Each datagram (either way) re-arms the timeout.
    assert.equal((await ask(c, 'two', port)).text, 'B:two');
    lab.advance(4999);
    assert.equal(lab.entries().length, 1);
    lab.advance(1);
    assert.deepEqual(lab.entries(), []);
    assert.equal(lab.counts(svc, b), '0/0/0');
    assert.equal((await ask(c, 'three', port)).text, 'A:three');
    assert.equal(lab.ipvs.getService(svc)!.stats.snapshot().conns, 2);
    assert.equal(lab.proxy.counters().udpSessions, 2);
  }));

test('one-packet scheduling (-o): every datagram is scheduled, no entry is kept, replies still come back', () =>
  withLab(async (lab) => {
    const { svc, port } = await lab.serveAB('udp', VIP, { ops: true });
    const c = await lab.udpClient();
    const seen: string[] = [];
    for (const m of ['1', '2', '3', '4']) seen.push((await ask(c, m, port)).text);
    assert.deepEqual(seen, ['B:1', 'A:2', 'B:3', 'A:4']);
    assert.deepEqual(lab.entries(), []);
    assert.equal(lab.ipvs.getService(svc)!.stats.snapshot().conns, 4);
    assert.equal(lab.proxy.counters().udpSessions, 2);
  }));

test('UDP with no real server: the datagram is dropped and counted', () =>
  withLab(async (lab) => {
    const { port } = await lab.serve('udp', VIP, []);
    const c = await lab.udpClient();
    c.send('nobody', port, VIP);
    await until(() => lab.proxy.counters().udpDropped === 1, 'the drop');
    assert.equal(lab.engine.drops['no-destination'], 1);
  }));

test('UDP over IPv6: VIP [::1], replies from the VIP', () =>
  withLab(async (lab) => {
    const a = await lab.udpBackend('A6', '::1');
    const { port, problems } = await lab.serve('udp', '::1', [a]);
    assert.deepEqual(problems, []);
    const c = await lab.udpClient('::1');
    assert.deepEqual(await ask(c, 'v6', port, '::1'), { text: 'A6:v6', from: `::1:${port}` });
    assert.deepEqual(lab.entries(), [`UDP UDP [::1]:${c.address().port} -> [::1]:${port} -> [::1]:${a.port} 300000`]);
  }));
