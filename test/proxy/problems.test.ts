// What the proxy cannot serve is reported as DataplaneProblems while everything else keeps
// working; listeners follow the services; close() drains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceKey } from '../../src/core/model.js';
import { silentLogger } from '../../src/core/ports.js';
import { Client, ProxyLab, freePort, until, withLab } from './harness.js';

const VIP = '127.0.5.1';

/** Real server A behind a service on the VIP, and a client connection to it held open. */
async function heldOnA(lab: ProxyLab): Promise<{ svc: ServiceKey; port: number; held: Client }> {
  const { svc, port } = await lab.serve('tcp', VIP, [await lab.backend('A')]);
  const held = await lab.connect(VIP, port);
  assert.equal(await held.line(), 'A');
  return { svc, port, held };
}

test('VIP not local, port in use, fwmark, SCTP, port zero: problems, and the good service still works', async () => {
  const warnings: string[] = [];
  await withLab({ logger: { ...silentLogger, warn: (msg) => warnings.push(msg) } }, async (lab) => {
    const a = await lab.backend('A');
    const busy = await lab.server(VIP, () => {});
    const good = await freePort(VIP);
    lab.service('tcp', '192.0.2.1', 80);
    lab.service('udp', '192.0.2.1', 53);
    lab.service('tcp', VIP, busy.port);
    lab.apply({ type: 'add-service', service: { key: { kind: 'fwmark', family: 4, fwmark: 7 }, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } });
    lab.service('sctp', VIP, 3868);
    lab.service('tcp', VIP, 0, { persistent: 60 });
    const svc = lab.service('tcp', VIP, good);
    lab.dest(svc, a);
    const problems = await lab.sync();
    assert.deepEqual(
      problems.map((p) => `${p.service} ${p.code}`).sort(),
      [
        'tcp|192.0.2.1|80 vip-not-local',
        'udp|192.0.2.1|53 vip-not-local',
        `tcp|${VIP}|${busy.port} port-in-use`,
        'fwm|4|7 unsupported-fwmark',
        `sctp|${VIP}|3868 unsupported-protocol`,
        `tcp|${VIP}|0 unsupported-port-zero`,
      ].sort(),
    );
    assert.equal(problems.find((p) => p.code === 'vip-not-local' && p.service.startsWith('tcp'))!.message, 'TCP service 192.0.2.1:80: 192.0.2.1 is not an address of this host (add it, e.g. to lo, or use 127.0.0.0/8)');
    assert.equal(await lab.whoAnswers(VIP, good), 'A');
    // A second sync reports the same problems (it retries the listeners) and keeps the good one;
    // the listen failures are logged once.
    assert.equal((await lab.sync()).length, 6);
    assert.deepEqual(warnings.sort(), [
      `TCP service ${VIP}:${busy.port}: the port is already in use by another program`,
      'TCP service 192.0.2.1:80: 192.0.2.1 is not an address of this host (add it, e.g. to lo, or use 127.0.0.0/8)',
      'UDP service 192.0.2.1:53: 192.0.2.1 is not an address of this host (add it, e.g. to lo, or use 127.0.0.0/8)',
    ].sort());
    assert.equal(lab.proxy.counters().listeners, 1);
    assert.equal(await lab.whoAnswers(VIP, good), 'A');
  });
});

test('real servers configured for direct routing are reported as proxied', () =>
  withLab(async (lab) => {
    const a = await lab.backend('A');
    const port = await freePort(VIP);
    const svc = lab.service('tcp', VIP, port);
    lab.dest(svc, a, { fwd: 'dr' });
    const problems = await lab.sync();
    assert.deepEqual(
      problems.map((p) => p.code),
      ['forwarding-proxied'],
    );
    // It is carried all the same; the entry runs on the INPUT_ONLY table as for DR.
    const c = await lab.connect(VIP, port);
    assert.equal(await c.line(), 'A');
    assert.equal(lab.counts(svc, a), '1/0/0');
    c.socket.end();
    await until(() => c.ended, 'the end');
    assert.equal(lab.entries()[0]!.split(' ')[1], 'FIN_WAIT');
    assert.equal(lab.ipvs.getService(svc)!.stats.snapshot().outbytes, 0);
  }));

test('deleting a service closes its listener; connections already made carry on', () =>
  withLab(async (lab) => {
    const { svc, port, held } = await heldOnA(lab);
    lab.apply({ type: 'delete-service', service: svc });
    assert.deepEqual(await lab.sync(), []);
    await assert.rejects(lab.connect(VIP, port), { code: 'ECONNREFUSED' });
    // The entry's real server is in the trash now: with expire_nodest_conn=0 its data is held.
    held.socket.write('x');
    await until(() => lab.proxy.counters().stalls === 1, 'the held data');
    assert.equal(lab.proxy.counters().listeners, 0);
  }));

test('close(grace) stops accepting at once and waits for open flows to finish', () =>
  withLab(async (lab) => {
    const { port, held } = await heldOnA(lab);
    let closed = false;
    const closing = lab.proxy.close(60_000).then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    await assert.rejects(lab.connect(VIP, port), { code: 'ECONNREFUSED' });
    held.socket.write('still\n');
    await until(() => held.text === 'A\nstill\n', 'the open flow to keep working');
    assert.equal(closed, false);
    held.socket.end();
    await closing;
    assert.equal(closed, true);
    assert.equal(held.error, null);
    assert.deepEqual(await lab.sync(), []);
  }));

test('close(grace) resets flows still open when the grace period ends', () =>
  withLab(async (lab) => {
    const { held } = await heldOnA(lab);
    const closing = lab.proxy.close(1000);
    await new Promise((r) => setTimeout(r, 20));
    lab.advance(1000);
    await closing;
    await held.closed;
    assert.equal(held.error, 'ECONNRESET');
  }));
