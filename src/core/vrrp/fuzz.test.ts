// Random bytes and mutated adverts fed to the receive path: nothing throws, every datagram is
// counted (at least once, at most twice: an accepted advert with a wrong VIP list counts twice, as
// in keepalived), and the instance stays in a valid state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { advertDatagram } from './packet.js';
import { facts, instanceConfig, SimLan, vrrpConfig } from './testkit.js';
import type { ReceivedPacket } from './types.js';

function total(node: ReturnType<SimLan['add']>): number {
  const s = node.vrrp.status()[0]!.counters;
  const sock = Object.values(node.vrrp.socketCounters()).reduce((n, c) => n + c.too_short + c.unknown_vrid + c.not_ready + c.wrong_cast, 0);
  const { advert_sent, become_master, release_master, pri_zero_sent, pri_zero_rcvd, ...rx } = s;
  void advert_sent, become_master, release_master, pri_zero_sent, pri_zero_rcvd;
  return sock + Object.values(rx).reduce((n, v) => n + v, 0);
}

const valid = advertDatagram(
  {
    kind: 'send', instance: 'x', ifname: 'eth0', family: 4, src: '10.0.0.2', dsts: ['224.0.0.18'], ttl: 255, pseudoDst: null,
    advert: { version: 2, vrid: 51, priority: 100, authType: 0, interval: 1, addresses: ['10.0.0.100'], authData: new Uint8Array(8) },
  },
  '224.0.0.18',
  1,
);

const datagram = fc.oneof(
  fc.uint8Array({ maxLength: 96 }),
  fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(8)).map(([at, x, cut]) => {
    const b = valid.slice(0, valid.length - (cut % 3 === 0 ? cut : 0));
    if (at < b.length) b[at]! ^= x;
    return b;
  }),
);

test('fuzz: random and mutated datagrams on a backup and on a master', () => {
  for (const prio of [100, 255]) {
    const lan = new SimLan();
    const node = lan.add('A', vrrpConfig([instanceConfig({ priority: prio, wantMaster: prio === 255 })]), { eth0: facts('10.0.0.1') });
    node.start();
    lan.run(1);
    fc.assert(
      fc.property(datagram, fc.integer({ min: 0, max: 255 }), fc.boolean(), (bytes, ttl, v6) => {
        const before = total(node);
        const p: ReceivedPacket = { ifname: 'eth0', family: v6 ? 6 : 4, bytes, src: '10.0.0.2', dst: '224.0.0.18', ttl };
        node.receive(v6 ? { ...p, src: 'fe80::2', dst: 'ff02::12' } : p);
        const grew = total(node) - before;
        assert.ok(grew >= 1 && grew <= 2, `counted ${grew} times`);
        assert.ok(['BACKUP', 'MASTER'].includes(node.vrrp.status()[0]!.state));
        lan.run(50);
      }),
      { numRuns: 400 },
    );
  }
});
