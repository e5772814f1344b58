// The proxy engine schedules real connections with the core schedulers: rr, wrr weights and
// their edits, wlc against held connections, persistence templates and their expiry, thresholds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, tally, withLab } from './harness.js';

const VIP = '127.0.1.1';

test('rr alternates between real servers', () =>
  withLab(async (lab) => {
    const { svc, port, problems } = await lab.serveAB('tcp', VIP);
    assert.deepEqual(problems, []);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await lab.whoAnswers(VIP, port));
    // Destinations are listed newest first; rr starts at the head.
    assert.deepEqual(seen, ['B', 'A', 'B', 'A', 'B', 'A']);
    const stats = lab.ipvs.getService(svc)!.stats.snapshot();
    assert.equal(stats.conns, 6);
  }));

test('wrr with weights 1,1,2,2 gives 1:1:2:2, and edit-dest -w 3 gives 3:1', () =>
  withLab(async (lab) => {
    const bs = [await lab.backend('W1a'), await lab.backend('W1b'), await lab.backend('W2a'), await lab.backend('W2b')];
    const port = await freePort(VIP);
    const svc = lab.service('tcp', VIP, port, { scheduler: 'wrr' });
    lab.dest(svc, bs[0]!, { weight: 1 });
    lab.dest(svc, bs[1]!, { weight: 1 });
    lab.dest(svc, bs[2]!, { weight: 2 });
    lab.dest(svc, bs[3]!, { weight: 2 });
    await lab.sync();
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) seen.push(await lab.whoAnswers(VIP, port));
    assert.deepEqual(tally(seen), { W1a: 5, W1b: 5, W2a: 10, W2b: 10 });

    const port2 = await freePort(VIP);
    const svc2 = lab.service('tcp', VIP, port2, { scheduler: 'wrr' });
    lab.dest(svc2, bs[0]!, { weight: 1 });
    lab.dest(svc2, bs[1]!, { weight: 1 });
    await lab.sync();
    lab.editDest(svc2, bs[0]!, { weight: 3 });
    const seen2: string[] = [];
    for (let i = 0; i < 20; i++) seen2.push(await lab.whoAnswers(VIP, port2));
    assert.deepEqual(tally(seen2), { W1a: 15, W1b: 5 });
  }));

test('wlc sends new connections to the real server without long-lived connections', () =>
  withLab(async (lab) => {
    const { a, b, svc, port } = await lab.serveAB('tcp', VIP, { scheduler: 'wlc' });
    // The first connection goes to B (head of the list on a tie) and stays open: 256 for B.
    const held = await lab.connect(VIP, port);
    assert.equal(await held.line(), 'B');
    assert.equal(lab.counts(svc, b), '1/0/0');
    // Closed connections stay inactive (TIME_WAIT, overhead 1 each): five go to A all the same.
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push(await lab.whoAnswers(VIP, port));
    assert.deepEqual(seen, ['A', 'A', 'A', 'A', 'A']);
    assert.equal(lab.counts(svc, a), '0/5/0');
    // Once the long-lived one ends, B's overhead (1) is below A's (5).
    held.socket.end();
    await held.closed;
    assert.equal(lab.counts(svc, b), '0/1/0');
    assert.equal(await lab.whoAnswers(VIP, port), 'B');
  }));

test('persistence (-p 120) keeps a client on one real server until the template expires', () =>
  withLab(async (lab) => {
    const { a, b, svc, port } = await lab.serveAB('tcp', VIP, { persistent: 120 });
    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await lab.whoAnswers(VIP, port, '127.0.0.2'));
    assert.deepEqual(first, ['B', 'B', 'B', 'B']);
    // Another client gets its own template (rr moves on).
    assert.equal(await lab.whoAnswers(VIP, port, '127.0.0.3'), 'A');
    assert.equal(lab.counts(svc, b), '0/4/1');
    const templates = lab.entries().filter((e) => e.includes(':0 ->'));
    assert.deepEqual(templates, [`TCP ASSURED 127.0.0.2:0 -> ${VIP}:${port} -> 127.0.0.1:${b.port} 120000`, `TCP ASSURED 127.0.0.3:0 -> ${VIP}:${port} -> 127.0.0.1:${a.port} 120000`]);
    // The closed connections sit in TIME_WAIT for 120 s; the template goes with them.
    lab.advance(119_999);
    assert.equal(lab.counts(svc, b), '0/4/1');
    lab.advance(1);
    assert.equal(lab.counts(svc, b), '0/0/0');
    assert.deepEqual(lab.entries(), []);
    // A fresh template: rr continues from where it was.
    assert.equal(await lab.whoAnswers(VIP, port, '127.0.0.2'), 'B');
  }));

test('an upper threshold marks a real server OVERLOADED: new connections go elsewhere', () =>
  withLab(async (lab) => {
    const a = await lab.backend('A');
    const b = await lab.backend('B');
    const port = await freePort(VIP);
    const svc = lab.service('tcp', VIP, port);
    lab.dest(svc, a);
    lab.dest(svc, b, { u: 1 });
    await lab.sync();
    const held = await lab.connect(VIP, port);
    assert.equal(await held.line(), 'B');
    const d = lab.ipvs.getService(svc)!.findDest({ family: 4, addr: b.addr, port: b.port })!;
    assert.equal(d.overloaded, true);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(await lab.whoAnswers(VIP, port));
    assert.deepEqual(seen, ['A', 'A', 'A']);
    held.socket.end();
    await held.closed;
    // Still 1 inactive (TIME_WAIT) entry on B: no lower threshold, so OVERLOAD clears below 3/4 of 1.
    assert.equal(d.overloaded, true);
    lab.advance(120_000);
    assert.equal(lab.counts(svc, b), '0/0/0');
    assert.equal(d.overloaded, false);
  }));
