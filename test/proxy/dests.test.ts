// Real servers changing under live traffic: weight 0 drains, deletion follows expire_nodest_conn,
// a refused real server is skipped before the client sees anything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { test } from 'node:test';
import { ProxyLab, TICK_MS, freePort, until, withLab } from './harness.js';

const VIP = '127.0.3.1';

test('weight 0 drains: no new connections, the existing one keeps working', () =>
  withLab(async (lab) => {
    const { b, svc, port } = await lab.serveAB('tcp', VIP);
    const held = await lab.connect(VIP, port);
    assert.equal(await held.line(), 'B');
    lab.editDest(svc, b, { weight: 0 });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(await lab.whoAnswers(VIP, port));
    assert.deepEqual(seen, ['A', 'A', 'A']);
    held.socket.write('ping\n');
    await until(() => held.text === 'B\nping\n', 'the echo on the drained server');
    assert.equal(lab.counts(svc, b), '1/0/0');
  }));

test('deleting a real server with expire_nodest_conn=0: its traffic is held, and resumes intact when it is re-added', () =>
  withLab({ sysctls: { expire_nodest_conn: 0 } }, async (lab) => {
    const { b, svc, port } = await lab.serveAB('tcp', VIP);
    const held = await lab.connect(VIP, port);
    assert.equal(await held.line(), 'B');
    lab.deleteDest(svc, b);
    held.socket.write('held\n');
    await until(() => lab.proxy.counters().stalls === 1, 'the client data to be held');
    lab.advance(TICK_MS * 4);
    assert.equal(held.text, 'B\n');
    assert.equal(lab.engine.drops['dest-unavailable'], 5);
    assert.equal(lab.entries().length, 1);
    assert.equal(await lab.whoAnswers(VIP, port), 'A');
    // Re-adding the same real server takes it back from the trash with its connections.
    lab.dest(svc, b);
    lab.advance(TICK_MS);
    await until(() => held.text === 'B\nheld\n', 'the held data to reach the real server and come back');
    assert.equal(lab.counts(svc, b), '1/0/0');
    assert.equal(held.error, null);
  }));

test('deleting a real server with expire_nodest_conn=1: its connections are expired and reset', () =>
  withLab({ sysctls: { expire_nodest_conn: 1 } }, async (lab) => {
    const { b, svc, port } = await lab.serveAB('tcp', VIP);
    const held = await lab.connect(VIP, port);
    assert.equal(await held.line(), 'B');
    lab.deleteDest(svc, b);
    lab.advance(TICK_MS);
    await held.closed;
    assert.equal(held.error, 'ECONNRESET');
    assert.deepEqual(lab.entries(), []);
    assert.equal(lab.counts(svc, b), '0/0/0');
    assert.equal(await lab.whoAnswers(VIP, port), 'A');
  }));

test('a real server that refuses is skipped before the client sees anything, and counted', () =>
  withLab(async (lab) => {
    const a = await lab.backend('A');
    const dead = { addr: '127.0.0.1', port: await freePort('127.0.0.1') };
    const { svc, port } = await lab.serve('tcp', VIP, [a, dead]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(await lab.whoAnswers(VIP, port));
    // rr tries the refusing server first every time (it follows A in the rotation).
    assert.deepEqual(seen, ['A', 'A', 'A', 'A']);
    const k = lab.proxy.counters();
    assert.deepEqual({ retried: k.refusedRetried, failures: k.connectFailures, gaveUp: k.refusedGaveUp }, { retried: 4, failures: 4, gaveUp: 0 });
    assert.equal(lab.counts(svc, dead), '0/0/0');
    const s = lab.ipvs.getService(svc)!;
    assert.deepEqual(
      s.dests.map((d) => `${d.port === a.port ? 'A' : 'dead'} conns=${d.stats.conns}`),
      ['dead conns=4', 'A conns=4'],
    );
  }));

test('when every real server refuses the client is reset; the last entry closes as on a real director', () =>
  withLab(async (lab) => {
    const d1 = { addr: '127.0.0.1', port: await freePort('127.0.0.1') };
    const d2 = { addr: '127.0.0.1', port: await freePort('127.0.0.1') };
    const { svc, port } = await lab.serve('tcp', VIP, [d1, d2]);
    const c = await lab.connect(VIP, port);
    await c.closed;
    assert.equal(c.error, 'ECONNRESET');
    assert.equal(c.text, '');
    const k = lab.proxy.counters();
    assert.deepEqual({ retried: k.refusedRetried, failures: k.connectFailures, gaveUp: k.refusedGaveUp }, { retried: 1, failures: 2, gaveUp: 1 });
    // d2 (head of the list) was tried first and expired; d1's entry took the real server's RST.
    assert.deepEqual(lab.entries(), [`TCP CLOSE 127.0.0.1:${c.localPort} -> ${VIP}:${port} -> 127.0.0.1:${d1.port} 10000`]);
    assert.equal(lab.counts(svc, d1), '0/1/0');
    assert.equal(lab.counts(svc, d2), '0/0/0');
  }));

test('a real server that does not answer within the connect timeout counts as refused', async () => {
  // A listener that never accepts, its accept queue filled: further SYNs go unanswered.
  const py = spawn('python3', ['-c', "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lab = new ProxyLab({}, { connectTimeoutMs: 3000 });
  const fillers: ReturnType<typeof connect>[] = [];
  try {
    const silentPort = await new Promise<number>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    for (let i = 0; i < 2; i++) {
      const f = connect({ host: '127.0.0.1', port: silentPort });
      f.on('error', () => {});
      fillers.push(f);
    }
    await new Promise((r) => setTimeout(r, 50));
    const a = await lab.backend('A');
    const silent = { addr: '127.0.0.1', port: silentPort };
    const { port } = await lab.serve('tcp', VIP, [a, silent]);
    const c = await lab.connect(VIP, port);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.received, 0);
    assert.deepEqual(lab.entries(), [`TCP SYN_RECV 127.0.0.1:${c.localPort} -> ${VIP}:${port} -> 127.0.0.1:${silentPort} 60000`]);
    lab.advance(2750);
    assert.equal(lab.proxy.counters().connectFailures, 0);
    lab.advance(250);
    assert.equal(await c.line(), 'A');
    const k = lab.proxy.counters();
    assert.deepEqual({ retried: k.refusedRetried, failures: k.connectFailures }, { retried: 1, failures: 1 });
    assert.deepEqual(lab.entries(), [`TCP ESTABLISHED 127.0.0.1:${c.localPort} -> ${VIP}:${port} -> 127.0.0.1:${a.port} 900000`]);
  } finally {
    for (const f of fillers) f.destroy();
    py.kill();
    await lab.close();
  }
});

test('a service without real servers resets the client (IPVS: ICMP port unreachable), counted', () =>
  withLab(async (lab) => {
    const { port } = await lab.serve('tcp', VIP, []);
    // The reset may even beat the client's own connect completion: either way it is ECONNRESET.
    const s = connect({ host: VIP, port });
    const outcome = await new Promise<string>((resolve) => {
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      s.on('close', () => resolve('closed without error'));
    });
    assert.equal(outcome, 'ECONNRESET');
    assert.equal(lab.proxy.counters().tcpRejected, 1);
    assert.equal(lab.engine.drops['no-destination'], 1);
    assert.deepEqual(lab.entries(), []);
  }));
