// Reload (keepalived.md §4.11) on the simulated LAN: instances matched by identity, not name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchInstances } from './reload.js';
import { facts, instanceConfig, SimLan, vip, vrrpConfig } from './testkit.js';

function pair() {
  const lan = new SimLan();
  const A = lan.add('A', vrrpConfig([instanceConfig({ priority: 150 })]), { eth0: facts('10.0.0.1') });
  const B = lan.add('B', vrrpConfig([instanceConfig({ priority: 100 })]), { eth0: facts('10.0.0.2') });
  A.start();
  B.start();
  lan.run(5_000); // A master since 3414.062, adverts at x414.062
  return { lan, A, B };
}

test('identity: VRID, family, interface, unicast source or multicast group; names do not matter', () => {
  const a = instanceConfig({ name: 'X' });
  assert.deepEqual(
    matchInstances(
      [a, instanceConfig({ name: 'Y', vrid: 52 })],
      [instanceConfig({ name: 'renamed' }), instanceConfig({ name: 'Y', vrid: 52, ifname: 'eth1' }), instanceConfig({ name: 'Z', vrid: 52 })],
    ),
    [0, -1, 1],
  );
});

test('a master with a new VIP stays master, adds the VIP, advertises at once and announces all VIPs', () => {
  const { lan, A } = pair();
  A.reload(vrrpConfig([instanceConfig({ priority: 150, vips: [vip('10.0.0.100'), vip('10.0.0.101')] })]));
  lan.run(1_000);
  assert.deepEqual(lan.lines(['transition', 'vips', 'send', 'garp'], 5_000), [
    '5000 A vips add 10.0.0.101',
    '5000 A garp 10.0.0.100,10.0.0.101 x5',
    '5000 A send VI_1 prio 150 -> 224.0.0.18',
    '6000 A send VI_1 prio 150 -> 224.0.0.18',
  ]);
  assert.deepEqual([...A.vips].sort(), ['10.0.0.100', '10.0.0.101']);
  // Counters carry over: 3414.062, 4414.062, 5000, 6000.
  assert.equal(A.vrrp.status()[0]!.counters.advert_sent, 4);
});

test('a lowered priority shows in the adverts; the backup discards them and takes over on its own timer', () => {
  const { lan, A } = pair();
  A.reload(vrrpConfig([instanceConfig({ priority: 50 })]));
  lan.run(5_000);
  assert.deepEqual(lan.lines(['transition', 'log'], 5_000).filter((l) => !l.includes('debug:')), [
    '5000 B info: (VI_1) received lower priority (50) advert from 10.0.0.1 - discarding',
    '6000 B info: (VI_1) received lower priority (50) advert from 10.0.0.1 - discarding',
    '7000 B info: (VI_1) received lower priority (50) advert from 10.0.0.1 - discarding',
    // B last accepted an advert at 4414.062: its down timer (3.609 s) ends at 8023.437.
    '8000 B info: (VI_1) received lower priority (50) advert from 10.0.0.1 - discarding',
    '8023.437 B VI_1 BACKUP->MASTER',
    '8023.437 B info: (VI_1) Entering MASTER STATE',
    '8023.437 A info: (VI_1) Master received advert from 10.0.0.2 with higher priority 100, ours 50',
    '8023.437 A info: (VI_1) Entering BACKUP STATE',
    '8023.437 A VI_1 MASTER->BACKUP',
  ]);
});

test('an instance gone from the configuration: priority 0, VIPs removed, DELETED; a renamed one keeps its state', () => {
  const { lan, A, B } = pair();
  A.reload(vrrpConfig([instanceConfig({ name: 'NEW', vrid: 60, vips: [vip('10.0.0.160')] })]));
  B.reload(vrrpConfig([instanceConfig({ name: 'RENAMED', priority: 100 })]));
  lan.run(1_000);
  assert.deepEqual(lan.lines(['transition', 'vips', 'send', 'notify'], 5_000), [
    '5000 A send VI_1 prio 0 -> 224.0.0.18',
    '5000 A vips remove 10.0.0.100',
    '5000 A notify INSTANCE VI_1 DELETED 150',
    '5000 A NEW INIT->BACKUP',
    '5000 A notify INSTANCE NEW BACKUP 100',
    // B (renamed, same identity) is still BACKUP and hears the priority 0: master after its skew.
    '5609.375 B RENAMED BACKUP->MASTER',
    '5609.375 B send RENAMED prio 100 -> 224.0.0.18',
    '5609.375 B vips add 10.0.0.100',
    '5609.375 B notify INSTANCE RENAMED MASTER 100',
  ]);
});

test('a VIP dropped from a master\'s configuration is removed', () => {
  const { lan, A } = pair();
  A.reload(vrrpConfig([instanceConfig({ priority: 150, vips: [vip('10.0.0.100')], evips: [] })]));
  A.reload(vrrpConfig([instanceConfig({ priority: 150, vips: [vip('10.0.0.102')] })]));
  assert.deepEqual(lan.lines(['vips'], 5_000), [
    '5000 A vips remove 10.0.0.100',
    '5000 A vips add 10.0.0.102',
  ]);
  assert.deepEqual([...A.vips], ['10.0.0.102']);
});
