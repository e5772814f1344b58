// Two and three directors on a simulated LAN: the transitions keepalived.md §4.3 lists, with
// the exact times §4.2 gives and the exact log lines of 2.2.7 (§4.12 timeline).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advertDatagram } from './packet.js';
import { facts, instanceConfig, SimLan, vrrpConfig } from './testkit.js';
import type { ReceivedPacket } from './types.js';
import type { InstanceConfig } from './types.js';

/** A v2 advert for VRID 51 / 10.0.0.100 as another director would send it. */
function packetFrom(src: string, priority: number, over: Partial<ReceivedPacket> = {}): ReceivedPacket {
  const bytes = advertDatagram(
    {
      kind: 'send', instance: 'x', ifname: 'eth0', family: 4, src, dsts: ['224.0.0.18'], ttl: 255, pseudoDst: null,
      advert: { version: 2, vrid: 51, priority, authType: 0, interval: 1, addresses: ['10.0.0.100'], authData: new Uint8Array(8) },
    },
    '224.0.0.18',
    1,
  );
  return { ifname: 'eth0', family: 4, bytes, src, dst: '224.0.0.18', ttl: 255, ...over };
}

function pair(a: Partial<InstanceConfig>, b: Partial<InstanceConfig>): { lan: SimLan; A: ReturnType<SimLan['add']>; B: ReturnType<SimLan['add']> } {
  const lan = new SimLan();
  const A = lan.add('A', vrrpConfig([instanceConfig(a)]), { eth0: facts('10.0.0.1') });
  const B = lan.add('B', vrrpConfig([instanceConfig(b)]), { eth0: facts('10.0.0.2') });
  return { lan, A, B };
}

test('keepalived.md §4.12: B alone becomes master after 3.609 s; A (150) preempts 3.414 s after it starts', () => {
  const { lan, A, B } = pair({ priority: 150 }, { priority: 100 });
  B.start();
  lan.run(10_000);
  A.start();
  lan.run(5_000);
  assert.deepEqual(lan.lines(['transition', 'log', 'vips', 'garp', 'notify']).filter((l) => !l.includes('debug:')), [
    '0 B info: (VI_1) Entering BACKUP STATE (init)',
    '0 B VI_1 INIT->BACKUP',
    '0 B notify INSTANCE VI_1 BACKUP 100',
    '3609.375 B VI_1 BACKUP->MASTER',
    '3609.375 B info: (VI_1) Entering MASTER STATE',
    '3609.375 B vips add 10.0.0.100',
    '3609.375 B garp 10.0.0.100 x5',
    '3609.375 B notify INSTANCE VI_1 MASTER 100',
    '8609.375 B garp 10.0.0.100 x5',
    '10000 A info: (VI_1) Entering BACKUP STATE (init)',
    '10000 A VI_1 INIT->BACKUP',
    '10000 A notify INSTANCE VI_1 BACKUP 150',
    '10609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '11609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '12609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '13414.062 A VI_1 BACKUP->MASTER',
    '13414.062 A info: (VI_1) Entering MASTER STATE',
    '13414.062 A vips add 10.0.0.100',
    '13414.062 A garp 10.0.0.100 x5',
    '13414.062 A notify INSTANCE VI_1 MASTER 150',
    '13414.062 B info: (VI_1) Master received advert from 10.0.0.1 with higher priority 150, ours 100',
    '13414.062 B info: (VI_1) Entering BACKUP STATE',
    '13414.062 B vips remove 10.0.0.100',
    '13414.062 B VI_1 MASTER->BACKUP',
    '13414.062 B notify INSTANCE VI_1 BACKUP 100',
  ]);
  // The new master's first advert precedes its GARPs; the old master sends no priority 0 and no GARP.
  assert.deepEqual(lan.lines(['send'], 13_000), [
    '13414.062 A send VI_1 prio 150 -> 224.0.0.18',
    '14414.062 A send VI_1 prio 150 -> 224.0.0.18',
  ]);
  assert.deepEqual([...A.vips], ['10.0.0.100']);
  assert.deepEqual([...B.vips], []);
});

test('graceful stop: priority 0, VIPs removed, the backup takes over after the skew time (0.609 s)', () => {
  const { lan, A, B } = pair({ priority: 150 }, { priority: 100 });
  A.start();
  B.start();
  lan.run(5_000);
  A.stop();
  lan.run(2_000);
  assert.deepEqual(lan.lines(['transition', 'log', 'send', 'vips', 'notify'], 5_000), [
    '5000 A send VI_1 prio 0 -> 224.0.0.18',
    '5000 A debug: (VI_1) sent 0 priority',
    '5000 A debug: (VI_1) removing VIPs.',
    '5000 A vips remove 10.0.0.100',
    '5000 A VI_1 MASTER->STOP',
    '5000 A notify INSTANCE VI_1 STOP 150',
    '5000 B debug: (VI_1) Backup received priority 0 advertisement',
    '5609.375 B debug: (VI_1) Receive advertisement timeout',
    '5609.375 B VI_1 BACKUP->MASTER',
    '5609.375 B send VI_1 prio 100 -> 224.0.0.18',
    '5609.375 B info: (VI_1) Entering MASTER STATE',
    '5609.375 B debug: (VI_1) setting VIPs.',
    '5609.375 B vips add 10.0.0.100',
    '5609.375 B debug: (VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100',
    '5609.375 B notify INSTANCE VI_1 MASTER 100',
    '6609.375 B send VI_1 prio 100 -> 224.0.0.18',
  ]);
  assert.equal(B.vrrp.status()[0]!.counters.pri_zero_rcvd, 1);
  assert.equal(A.vrrp.status()[0]!.counters.pri_zero_sent, 1);
});

test('kill -9 of the master: the backup takes over one master-down interval after the last advert', () => {
  const { lan, A, B } = pair({ priority: 150 }, { priority: 100 });
  A.start();
  B.start();
  lan.run(5_000); // A is master from 3414.062, adverts at 4414.062, ...
  A.kill();
  lan.run(5_000);
  assert.deepEqual(lan.lines(['transition'], 1), ['3414.062 A VI_1 BACKUP->MASTER', '8023.437 B VI_1 BACKUP->MASTER']);
  assert.equal(8023.437 - 4414.062, 3609.375);
});

test('ties go to the higher primary address (numerically: 10.0.0.10 beats 10.0.0.9)', () => {
  const lan = new SimLan();
  const low = lan.add('low', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.9') });
  const high = lan.add('high', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.10') });
  low.start();
  lan.run(4_000);
  high.start();
  lan.run(4_000);
  assert.deepEqual(lan.lines(['transition', 'log']).filter((l) => /->|received|Received/.test(l)), [
    '0 low VI_1 INIT->BACKUP',
    '3609.375 low VI_1 BACKUP->MASTER',
    '4000 high VI_1 INIT->BACKUP',
    // An equal-priority advert is accepted by a backup (prio >= ours): the higher address waits.
    // keepalived's backup never preempts on address alone; both stay as they are.
  ]);
  assert.equal(low.vrrp.status()[0]!.state, 'MASTER');
  assert.equal(high.vrrp.status()[0]!.state, 'BACKUP');
  // When both become master at once (split brain healed), the lower address yields.
  const lan2 = new SimLan();
  const x = lan2.add('x', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.9') });
  const y = lan2.add('y', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.10') });
  lan2.latencyMs = 1;
  x.start();
  y.start();
  lan2.run(5_000);
  assert.deepEqual(lan2.lines(['log']).filter((l) => l.includes('IP address')), [
    '3610.375 x info: (VI_1) Master received advert from 10.0.0.10 with same priority 100 but higher IP address than ours',
  ]);
  assert.deepEqual(lan2.lines(['log']).filter((l) => l.includes('lower priority')), [
    '3610.375 y info: (VI_1) Received advert from 10.0.0.9 with lower priority 100, ours 100, forcing new election',
  ]);
  assert.equal(x.vrrp.status()[0]!.state, 'BACKUP');
  assert.equal(y.vrrp.status()[0]!.state, 'MASTER');
});

test('nopreempt: a higher-priority backup that joins a running master stays backup', () => {
  const { lan, A, B } = pair({ priority: 150, nopreempt: true }, { priority: 100, nopreempt: true });
  B.start();
  lan.run(5_000);
  A.start();
  lan.run(20_000);
  assert.equal(A.vrrp.status()[0]!.state, 'BACKUP');
  assert.equal(A.vrrp.status()[0]!.masterAddress, '10.0.0.2');
  assert.equal(B.vrrp.status()[0]!.state, 'MASTER');
  assert.deepEqual(lan.lines(['log']).filter((l) => l.includes('lower priority')), []);
  // ...until the master goes away; then the higher priority takes over and keeps it.
  B.stop();
  lan.run(1_000);
  assert.equal(A.vrrp.status()[0]!.state, 'MASTER');
});

test('preempt_delay: lower-priority adverts are accepted for the delay after the first one, then discarded', () => {
  const { lan, A, B } = pair({ priority: 150, preemptDelayUs: 5_000_000 }, { priority: 100 });
  B.start();
  lan.run(5_000); // B master at 3609.375, adverts every second
  A.start();
  lan.run(12_000);
  assert.deepEqual(lan.lines(['log', 'transition'], 5_000).filter((l) => l.includes(' A ')), [
    '5000 A info: (VI_1) Entering BACKUP STATE (init)',
    '5000 A VI_1 INIT->BACKUP',
    '5609.375 A debug: (VI_1) start preempt delay (5.000000)',
    '10609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '11609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '12609.375 A info: (VI_1) received lower priority (100) advert from 10.0.0.2 - discarding',
    '13023.437 A debug: (VI_1) Receive advertisement timeout',
    '13023.437 A VI_1 BACKUP->MASTER',
    '13023.437 A info: (VI_1) Entering MASTER STATE',
    '13023.437 A debug: (VI_1) setting VIPs.',
    '13023.437 A debug: (VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100',
  ]);
  assert.equal(13_023.437 - 9_609.375, 3_414.062);
});

test('priority 255 with state MASTER takes over at once (1 µs); state MASTER alone waits a full interval', () => {
  const lan = new SimLan();
  const owner = lan.add('owner', vrrpConfig([instanceConfig({ priority: 255, wantMaster: true })]), { eth0: facts('10.0.0.1') });
  owner.start();
  lan.run(10);
  assert.deepEqual(lan.lines(['transition', 'notify']), ['0 owner VI_1 INIT->BACKUP', '0.001 owner VI_1 BACKUP->MASTER', '0.001 owner notify INSTANCE VI_1 MASTER 255']);
  const lan2 = new SimLan();
  const m = lan2.add('m', vrrpConfig([instanceConfig({ priority: 150, wantMaster: true })]), { eth0: facts('10.0.0.1') });
  m.start();
  lan2.run(4_000);
  assert.deepEqual(lan2.lines(['transition']), ['0 m VI_1 INIT->BACKUP', '3414.062 m VI_1 BACKUP->MASTER']);
});

test('[2.2.7] two address owners: the one hearing the other drops to 254 for good', () => {
  const lan = new SimLan();
  lan.latencyMs = 1;
  const a = lan.add('a', vrrpConfig([instanceConfig({ priority: 255, wantMaster: true })]), { eth0: facts('10.0.0.1') });
  const b = lan.add('b', vrrpConfig([instanceConfig({ priority: 255, wantMaster: true })]), { eth0: facts('10.0.0.2') });
  a.start();
  b.start();
  lan.run(5_000);
  const msg = '(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority';
  assert.deepEqual(lan.lines(['log']).filter((l) => l.includes('CONFIGURATION ERROR')), [`1.001 b info: ${msg}`, `1.001 a info: ${msg}`]);
  // Both yield to the other's 255, time out with 254 and then the higher address keeps it.
  assert.deepEqual(lan.lines(['transition']), [
    '0 a VI_1 INIT->BACKUP',
    '0 b VI_1 INIT->BACKUP',
    '0.001 a VI_1 BACKUP->MASTER',
    '0.001 b VI_1 BACKUP->MASTER',
    '1.001 b VI_1 MASTER->BACKUP',
    '1.001 a VI_1 MASTER->BACKUP',
    '3008.813 b VI_1 BACKUP->MASTER',
    '3008.813 a VI_1 BACKUP->MASTER',
    '3009.813 a VI_1 MASTER->BACKUP',
  ]);
  assert.deepEqual(lan.nodes.map((n) => [n.vrrp.status()[0]!.state, n.vrrp.status()[0]!.basePriority]), [['BACKUP', 254], ['MASTER', 254]]);
});

test('a master answers a lower-priority advert at once: advert, GARP burst (again after the delay), notify event', () => {
  const lan = new SimLan();
  const A = lan.add('A', vrrpConfig([instanceConfig({ priority: 150 })]), { eth0: facts('10.0.0.1') });
  A.start();
  lan.run(4_000); // master from 3414.062
  A.receive(packetFrom('10.0.0.2', 100));
  lan.run(6_000);
  assert.deepEqual(lan.lines(['log', 'send', 'garp', 'notify-event'], 4_000).filter((l) => !l.includes('debug')), [
    '4000 A info: (VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 150, forcing new election',
    '4000 A send VI_1 prio 150 -> 224.0.0.18',
    '4000 A garp 10.0.0.100 x5',
    '4000 A event VI_1 MASTER_RX_LOWER_PRI 150',
    // The received packet re-armed the advert timer: the next advert is a full second later.
    '5000 A send VI_1 prio 150 -> 224.0.0.18',
    '6000 A send VI_1 prio 150 -> 224.0.0.18',
    '7000 A send VI_1 prio 150 -> 224.0.0.18',
    '8000 A send VI_1 prio 150 -> 224.0.0.18',
    '8414.062 A garp 10.0.0.100 x5',
    '9000 A garp 10.0.0.100 x5',
    '9000 A send VI_1 prio 150 -> 224.0.0.18',
    '10000 A send VI_1 prio 150 -> 224.0.0.18',
  ]);
});

test('lower_prio_no_advert (strict mode): no answering advert and the advert timer is not re-armed', () => {
  const lan = new SimLan();
  const A = lan.add('A', vrrpConfig([instanceConfig({ priority: 150, lowerPrioNoAdvert: true })]), { eth0: facts('10.0.0.1') });
  A.start();
  lan.run(4_000);
  A.receive(packetFrom('10.0.0.2', 100));
  lan.run(1_000);
  assert.deepEqual(lan.lines(['log', 'send'], 4_000).filter((l) => !l.includes('debug')), [
    '4000 A info: (VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 150',
    '4414.062 A send VI_1 prio 150 -> 224.0.0.18',
  ]);
});

test('keepalived.md §4.3: any packet for the VRID re-arms a master\'s advert timer, even a rejected one', () => {
  const lan = new SimLan();
  const A = lan.add('A', vrrpConfig([instanceConfig({ priority: 150 })]), { eth0: facts('10.0.0.1') });
  A.start();
  lan.run(4_000);
  for (let t = 0; t < 5; t++) {
    A.receive(packetFrom('10.0.0.2', 200, { ttl: 64 }));
    lan.run(500);
  }
  assert.deepEqual(lan.lines(['send'], 4_000), []);
  assert.equal(A.vrrp.status()[0]!.counters.ip_ttl_err, 5);
  assert.equal(A.vrrp.status()[0]!.state, 'MASTER');
});
