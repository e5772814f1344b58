// Privileged: SIGHUP to a tsvs master beside a keepalived backup (keepalived.md §4.11): a new
// (excluded, so not advertised: keepalived 2.2.7 would reject a different VIP list) address is
// added without a transition; a lowered priority shows in the adverts and the keepalived backup
// takes over on its own timer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrrpConf } from './configs.js';
import { LabDirector } from './directors.js';
import { Lab, requirePrivileges, sleep, until } from './lab.js';

test('reload a tsvs master: new VIP added in place; lowered priority lets the keepalived backup take over', async (t) => {
  if (!requirePrivileges(t, { keepalived: true })) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'b', address: '10.99.0.2' }]);
  t.after(() => lab.close());
  const conf = (priority: number, excluded: string[] = []): string =>
    vrrpConf({ priority, version: 3, advertInt: 0.1, vips: ['10.99.0.100/32'], extra: excluded.length ? ['virtual_ipaddress_excluded {', ...excluded.map((x) => `    ${x}`), '}'] : [] });
  const A = new LabDirector(lab, 'a', 'tsvs', conf(150)).start();
  const B = new LabDirector(lab, 'b', 'keepalived', conf(100)).start();
  await A.waitState('MASTER', 20_000);
  await B.waitState('BACKUP', 20_000);
  await A.ready();
  const markA = A.mark();
  A.reload(conf(150, ['10.99.0.101/32']));
  assert.ok(await until(() => lab.addresses('a').includes('10.99.0.101'), 5_000), lab.addresses('a').join(' '));
  await sleep(500);
  assert.equal(A.proc!.lines.slice(markA).some((l) => /Entering \w+ STATE/.test(l)), false);
  assert.deepEqual([A.state(), B.state()], ['MASTER', 'BACKUP']);
  assert.equal((await A.status()).instances[0]!.state, 'MASTER');

  const markB = B.mark();
  A.reload(conf(50, ['10.99.0.101/32']));
  await B.waitState('MASTER', 5_000, markB);
  assert.ok(B.proc!.lines.slice(markB).some((l) => l.includes('received lower priority (50) advert from 10.99.0.1 - discarding')));
  await A.waitState('BACKUP', 3_000, markA);
  assert.ok(await until(() => !lab.addresses('a').includes('10.99.0.100') && lab.addresses('b').includes('10.99.0.100'), 3_000));
});
