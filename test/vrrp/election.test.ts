// Privileged: tsvs ↔ tsvs and tsvs ↔ keepalived 2.2.7 in network namespaces, VRRPv2 with PASS
// authentication and advert_int 1 (seed 004's settings): election by priority, the VIP (with its
// label) and its ARP answers on the master only, a clean stop of the master and the backup's
// takeover on the priority-0 advert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrrpConf } from './configs.js';
import { LabDirector, type Impl } from './directors.js';
import { Lab, requirePrivileges, until } from './lab.js';

const VIP = '10.99.0.100';
const PAIRS: ReadonlyArray<readonly [Impl, Impl]> = [
  ['tsvs', 'tsvs'],
  ['tsvs', 'keepalived'],
  ['keepalived', 'tsvs'],
];

function lab3(): Lab {
  return Lab.create([
    { name: 'a', address: '10.99.0.1' },
    { name: 'b', address: '10.99.0.2' },
    { name: 'c', address: '10.99.0.9' },
  ]);
}

/** What the client gets from http://VIP:8080 (the banner names the director holding the VIP). */
function bannerAt(lab: Lab): string {
  return lab.exec('c', ['curl', '-s', '--max-time', '1', `http://${VIP}:8080/`]).out;
}

function neighbourMac(lab: Lab): string | null {
  const j = JSON.parse(lab.exec('c', ['ip', '-j', 'neigh', 'show', VIP, 'dev', 'eth0']).out || '[]') as Array<{ lladdr?: string }>;
  return j[0]?.lladdr ?? null;
}

for (const [ia, ib] of PAIRS) {
  test(`${ia} (priority 150) and ${ib} (priority 100): election, VIP and ARP on the master only, clean stop, takeover`, async (t) => {
    if (!requirePrivileges(t, { keepalived: ia === 'keepalived' || ib === 'keepalived' })) return;
    const lab = lab3();
    t.after(() => lab.close());
    lab.banner('a');
    lab.banner('b');
    const A = new LabDirector(lab, 'a', ia, vrrpConf({ state: 'MASTER', priority: 150 })).start();
    const B = new LabDirector(lab, 'b', ib, vrrpConf({ priority: 100 })).start();
    await A.waitState('MASTER', 20_000);
    await B.waitState('BACKUP', 20_000);
    await until(() => B.state() === 'BACKUP' && A.state() === 'MASTER', 5_000);
    assert.deepEqual([A.state(), B.state()], ['MASTER', 'BACKUP']);

    // The VIP, with its label, is on the master only, and only the master answers ARP for it.
    assert.ok(await until(() => lab.labels('a').includes(`${VIP} eth0:vip`), 3_000), `VIP on a: ${lab.labels('a')}`);
    assert.equal(lab.addresses('b').includes(VIP), false);
    assert.equal(bannerAt(lab), 'a');
    assert.equal(neighbourMac(lab), lab.mac('a'));

    // systemctl stop on the master: priority 0, the backup takes over after its skew time.
    const mark = B.mark();
    const t0 = performance.now();
    await A.stop();
    const tb = await B.waitState('MASTER', 5_000, mark);
    assert.ok(B.proc!.lines.slice(mark).some((l) => l.includes('(VI_1) Backup received priority 0 advertisement')), B.proc!.lines.slice(mark).join('\n'));
    // Skew for priority 100 is 0.609 s; the 3.6 s master-down path would be far above this.
    assert.ok(tb - t0 < 2_000, `takeover ${Math.round(tb - t0)} ms after SIGTERM`);
    assert.ok(await until(() => lab.addresses('b').includes(VIP), 3_000));
    assert.equal(lab.addresses('a').includes(VIP), false);
    assert.ok(await until(() => bannerAt(lab) === 'b', 3_000));
    assert.equal(neighbourMac(lab), lab.mac('b'));
    assert.ok(B.alive());
  });
}
