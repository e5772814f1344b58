// Privileged: VRRPv3 at advert_int 0.1 between tsvs and tsvs / keepalived 2.2.7 in network
// namespaces: kill -9 of the master (takeover after the master-down interval, 0.361 s for
// priority 100), preemption when the higher priority comes back, and nopreempt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrrpConf } from './configs.js';
import { LabDirector, type Impl } from './directors.js';
import { Lab, requirePrivileges, sleep, until } from './lab.js';

const VIP = '10.99.0.100';
const v3 = (priority: number, more: Partial<Parameters<typeof vrrpConf>[0]> = {}): string => vrrpConf({ priority, version: 3, advertInt: 0.1, ...more });

function lab2(): Lab {
  return Lab.create([
    { name: 'a', address: '10.99.0.1' },
    { name: 'b', address: '10.99.0.2' },
  ]);
}

const PAIRS: ReadonlyArray<readonly [Impl, Impl]> = [
  ['tsvs', 'tsvs'],
  ['tsvs', 'keepalived'],
  ['keepalived', 'tsvs'],
];

for (const [ia, ib] of PAIRS) {
  test(`VRRPv3 0.1 s, ${ia} master killed with -9: ${ib} takes over after the master-down interval; ${ia} preempts when back`, async (t) => {
    if (!requirePrivileges(t, { keepalived: ia === 'keepalived' || ib === 'keepalived' })) return;
    const lab = lab2();
    t.after(() => lab.close());
    const A = new LabDirector(lab, 'a', ia, v3(150)).start();
    const B = new LabDirector(lab, 'b', ib, v3(100)).start();
    await A.waitState('MASTER', 20_000);
    await B.waitState('BACKUP', 20_000);
    await until(() => A.state() === 'MASTER' && B.state() === 'BACKUP', 3_000);
    await sleep(500);
    assert.deepEqual([A.state(), B.state()], ['MASTER', 'BACKUP']);

    const mark = B.mark();
    const t0 = performance.now();
    await A.kill9();
    const tb = await B.waitState('MASTER', 5_000, mark);
    // No priority 0 was sent: B waited out 3 × 0.1 s + skew (0.061 s) from the last advert.
    assert.equal(B.proc!.lines.slice(mark).some((l) => l.includes('priority 0')), false);
    assert.ok(tb - t0 > 200, `takeover ${Math.round(tb - t0)} ms after the kill: too early for a master-down interval`);
    assert.ok(tb - t0 < 3_000, `takeover ${Math.round(tb - t0)} ms after the kill`);
    assert.ok(await until(() => lab.addresses('b').includes(VIP), 3_000));

    // The higher priority comes back (a fresh process) and preempts.
    const markB = B.mark();
    A.start();
    await A.waitState('MASTER', 20_000);
    await B.waitState('BACKUP', 5_000, markB);
    assert.ok(await until(() => lab.addresses('a').includes(VIP) && !lab.addresses('b').includes(VIP), 3_000));
  });
}

for (const [ia, ib] of PAIRS.slice(1)) {
  test(`nopreempt: ${ia} (150, nopreempt) joining a running ${ib} (100) master stays backup`, async (t) => {
    if (!requirePrivileges(t, { keepalived: true })) return;
    const lab = lab2();
    t.after(() => lab.close());
    const B = new LabDirector(lab, 'b', ib, v3(100, { nopreempt: true })).start();
    await B.waitState('MASTER', 20_000);
    const A = new LabDirector(lab, 'a', ia, v3(150, { nopreempt: true })).start();
    await A.waitState('BACKUP', 20_000);
    await sleep(1_500); // fifteen advert intervals
    assert.deepEqual([A.state(), B.state()], ['BACKUP', 'MASTER']);
    assert.equal(A.proc!.lines.some((l) => l.includes('Entering MASTER STATE')), false);
    assert.equal(lab.addresses('a').includes(VIP), false);
    // Once the master leaves, the nopreempt backup takes over.
    await B.stop();
    await A.waitState('MASTER', 3_000);
    assert.ok(await until(() => lab.addresses('a').includes(VIP), 3_000));
  });
}
