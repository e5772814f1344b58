// Privileged: IPv6 VRRPv3 (ff02::12, link-local sources, the kernel's checksum) between tsvs and
// keepalived 2.2.7, both ways: election, the VIP on the master, clean stop hands over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrrpConf } from './configs.js';
import { LabDirector, type Impl } from './directors.js';
import { Lab, requirePrivileges, sleep, until } from './lab.js';

const VIP6 = '2001:db8::100';

for (const [ia, ib] of [['tsvs', 'keepalived'], ['keepalived', 'tsvs']] as const satisfies ReadonlyArray<readonly [Impl, Impl]>) {
  test(`IPv6: ${ia} (150) and ${ib} (100), VRRPv3 0.1 s`, async (t) => {
    if (!requirePrivileges(t, { keepalived: true })) return;
    const lab = Lab.create([
      { name: 'a', address: '10.99.0.1', address6: '2001:db8::1' },
      { name: 'b', address: '10.99.0.2', address6: '2001:db8::2' },
    ]);
    t.after(() => lab.close());
    const conf = (priority: number): string => vrrpConf({ priority, version: 3, advertInt: 0.1, vips: [`${VIP6}/64`] });
    const A = new LabDirector(lab, 'a', ia, conf(150)).start();
    const B = new LabDirector(lab, 'b', ib, conf(100)).start();
    await A.waitState('MASTER', 20_000);
    await B.waitState('BACKUP', 20_000);
    await sleep(500);
    assert.deepEqual([A.state(), B.state()], ['MASTER', 'BACKUP']);
    assert.ok(await until(() => lab.addresses('a').includes(VIP6), 3_000));
    assert.equal(lab.addresses('b').includes(VIP6), false);
    const mark = B.mark();
    await A.stop();
    await B.waitState('MASTER', 3_000, mark);
    assert.ok(B.proc!.lines.slice(mark).some((l) => l.includes('Backup received priority 0 advertisement')));
    assert.ok(await until(() => lab.addresses('b').includes(VIP6), 3_000));
  });
}
