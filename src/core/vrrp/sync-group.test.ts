// vrrp_sync_group (keepalived.md §4.9): members go FAULT together, MASTER only together.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, instanceConfig, SimLan, vip, vrrpConfig } from './testkit.js';

function groupConfig(prio: number) {
  return vrrpConfig(
    [
      instanceConfig({ name: 'VI_EXT', vrid: 51, priority: prio, syncGroup: 'G' }),
      instanceConfig({
        name: 'VI_INT', ifname: 'eth1', vrid: 52, priority: prio, vips: [vip('192.168.1.100', 'eth1')], syncGroup: 'G',
        trackInterfaces: [{ name: 'eth1', weight: 0, reverse: false }],
      }),
    ],
    { syncGroups: [{ name: 'G', members: ['VI_EXT', 'VI_INT'] }] },
  );
}

test('the group becomes master together, and a fault on one member takes both to FAULT', () => {
  const lan = new SimLan();
  const a = lan.add('A', groupConfig(150), { eth0: facts('10.0.0.1'), eth1: facts('192.168.1.1') });
  a.start();
  lan.run(4_000);
  a.link('eth1', false);
  lan.run(1_000);
  a.link('eth1', true);
  lan.run(5_000);
  assert.deepEqual(lan.lines(['transition', 'notify', 'log']).filter((l) => !l.includes('debug:')), [
    '0 A notify GROUP G BACKUP 0',
    '0 A info: (VI_EXT) Entering BACKUP STATE (init)',
    '0 A VI_EXT INIT->BACKUP',
    '0 A notify INSTANCE VI_EXT BACKUP 150',
    '0 A info: (VI_INT) Entering BACKUP STATE (init)',
    '0 A VI_INT INIT->BACKUP',
    '0 A notify INSTANCE VI_INT BACKUP 150',
    // Both timers expire together: VI_EXT is held back until VI_INT wants MASTER too.
    '3414.062 A VI_INT BACKUP->MASTER',
    '3414.062 A info: (VI_INT) Entering MASTER STATE',
    '3414.062 A notify INSTANCE VI_INT MASTER 150',
    '3414.062 A info: VRRP_Group(G) Syncing instances to MASTER state',
    '3414.062 A VI_EXT BACKUP->MASTER',
    '3414.062 A info: (VI_EXT) Entering MASTER STATE',
    '3414.062 A notify INSTANCE VI_EXT MASTER 150',
    '3414.062 A notify GROUP G MASTER 0',
    '4000 A info: Netlink reports eth1 down',
    '4000 A info: (VI_INT) Entering FAULT STATE',
    '4000 A VI_INT MASTER->FAULT',
    '4000 A notify INSTANCE VI_INT FAULT 150',
    '4000 A info: VRRP_Group(G) Syncing instances to FAULT state',
    '4000 A info: (VI_EXT) Entering FAULT STATE',
    '4000 A VI_EXT MASTER->FAULT',
    '4000 A notify INSTANCE VI_EXT FAULT 150',
    '4000 A notify GROUP G FAULT 0',
    '5000 A info: Netlink reports eth1 up',
    '5000 A info: (VI_INT) Entering BACKUP STATE',
    '5000 A VI_INT FAULT->BACKUP',
    '5000 A notify INSTANCE VI_INT BACKUP 150',
    '5000 A info: VRRP_Group(G) Syncing instances to BACKUP state',
    '5000 A info: (VI_EXT) Entering BACKUP STATE',
    '5000 A VI_EXT FAULT->BACKUP',
    '5000 A notify INSTANCE VI_EXT BACKUP 150',
    '5000 A notify GROUP G BACKUP 0',
    '8414.062 A VI_EXT BACKUP->MASTER',
    '8414.062 A info: (VI_EXT) Entering MASTER STATE',
    '8414.062 A notify INSTANCE VI_EXT MASTER 150',
    '8414.062 A info: VRRP_Group(G) Syncing instances to MASTER state',
    '8414.062 A VI_INT BACKUP->MASTER',
    '8414.062 A info: (VI_INT) Entering MASTER STATE',
    '8414.062 A notify INSTANCE VI_INT MASTER 150',
    '8414.062 A notify GROUP G MASTER 0',
  ]);
  assert.deepEqual([...a.vips].sort(), ['10.0.0.100', '192.168.1.100']);
  assert.deepEqual(a.vrrp.syncGroups(), [{ name: 'G', state: 'MASTER', members: ['VI_EXT', 'VI_INT'] }]);
});

test('a higher-priority peer on one member takes the whole group to BACKUP', () => {
  const lan = new SimLan();
  const a = lan.add('A', groupConfig(100), { eth0: facts('10.0.0.1'), eth1: facts('192.168.1.1') });
  const b = lan.add('B', vrrpConfig([instanceConfig({ name: 'VI_EXT', vrid: 51, priority: 200 })]), { eth0: facts('10.0.0.2') });
  a.start();
  lan.run(4_000);
  b.start();
  lan.run(4_000);
  assert.deepEqual(a.vrrp.status().map((s) => s.state), ['BACKUP', 'BACKUP']);
  assert.deepEqual(lan.lines(['log']).filter((l) => l.includes('Syncing')), [
    '3609.375 A info: VRRP_Group(G) Syncing instances to MASTER state',
    '7218.75 A info: VRRP_Group(G) Syncing instances to BACKUP state',
  ]);
  assert.deepEqual([...a.vips], []);
});
