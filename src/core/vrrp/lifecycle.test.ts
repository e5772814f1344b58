// Start-up, shutdown, unicast mode, GARP timing and IPv6 on the simulated LAN.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, instanceConfig, SimLan, vip, vrrpConfig } from './testkit.js';

test('VIPs left on the interface by an earlier run are removed at start-up', () => {
  const lan = new SimLan();
  const a = lan.add('A', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.1', true, { addresses: ['10.0.0.1', '10.0.0.100'] }) });
  a.start();
  assert.deepEqual(lan.lines(['vips', 'log', 'transition']), [
    '0 A debug: (VI_1) removing VIPs.',
    '0 A vips remove 10.0.0.100',
    '0 A info: (VI_1) Entering BACKUP STATE (init)',
    '0 A VI_1 INIT->BACKUP',
  ]);
});

test('stop: a backup only notifies STOP; timers are cancelled; nothing more happens', () => {
  const lan = new SimLan();
  const a = lan.add('A', vrrpConfig([instanceConfig()]), { eth0: facts('10.0.0.1') });
  a.start();
  lan.run(1_000);
  a.stop();
  lan.run(10_000);
  assert.deepEqual(lan.lines(['send', 'vips', 'transition', 'notify'], 1_000), ['1000 A VI_1 BACKUP->STOP', '1000 A notify INSTANCE VI_1 STOP 100']);
  assert.equal(lan.clock.pendingCount, 0);
});

test('garp_master_refresh: a refresh burst with each advert once the period has passed', () => {
  const lan = new SimLan();
  const garp = { masterDelayUs: 0, masterRepeat: 1, masterRefreshUs: 2_000_000, masterRefreshRepeat: 2, lowerPrioDelayUs: 0, lowerPrioRepeat: 1 };
  const a = lan.add('A', vrrpConfig([instanceConfig({ priority: 255, wantMaster: true, garp })]), { eth0: facts('10.0.0.1') });
  a.start();
  lan.run(6_500);
  assert.deepEqual(lan.lines(['garp']), ['0.001 A garp 10.0.0.100 x1', '3000.001 A garp 10.0.0.100 x2', '6000.001 A garp 10.0.0.100 x2']);
});

test('unicast: one advert per peer; after a FAULT the backup announces its own address', () => {
  const lan = new SimLan();
  const peersA = [{ address: '10.0.0.2', minTtl: 0, maxTtl: 255 }, { address: '10.0.0.3', minTtl: 0, maxTtl: 255 }];
  const a = lan.add('A', vrrpConfig([instanceConfig({ priority: 150, unicastPeers: peersA })]), { eth0: facts('10.0.0.1') });
  const b = lan.add('B', vrrpConfig([instanceConfig({ unicastPeers: [{ address: '10.0.0.1', minTtl: 0, maxTtl: 255 }] })]), { eth0: facts('10.0.0.2') });
  a.start();
  b.start();
  lan.run(4_000);
  assert.deepEqual(lan.lines(['send']), ['3414.062 A send VI_1 prio 150 -> 10.0.0.2,10.0.0.3']);
  assert.equal(b.vrrp.status()[0]!.counters.advert_rcvd, 1);
  b.link('eth0', false);
  b.link('eth0', true);
  assert.deepEqual(lan.lines(['garp'], 4_000), ['4000 B garp 10.0.0.2 x1']);
});

test('IPv6 VRRPv3: link-local source, ff02::12, unsolicited NAs for the VIP', () => {
  const lan = new SimLan();
  const cfg = instanceConfig({ family: 6, version: 3, vips: [vip('2001:db8::100')], mcastGroup: 'ff02::12', advertIntUs: 100_000 });
  const a = lan.add('A', vrrpConfig([cfg]), { eth0: facts(null, true, { linkLocal6: 'fe80::1', addresses: ['fe80::1'] }) });
  a.start();
  lan.run(400);
  assert.deepEqual(lan.lines(['send', 'garp', 'log']).filter((l) => !l.includes('VIPs')), [
    '0 A info: (VI_1) Entering BACKUP STATE (init)',
    '360.937 A debug: (VI_1) Receive advertisement timeout',
    '360.937 A send VI_1 prio 100 -> ff02::12',
    '360.937 A info: (VI_1) Entering MASTER STATE',
    '360.937 A debug: (VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::100',
    '360.937 A garp 2001:db8::100 x5',
  ]);
  const send = lan.trace.find((e) => e.effect.kind === 'send')!.effect;
  assert.ok(send.kind === 'send' && send.src === 'fe80::1' && send.advert.interval === 10);
});
