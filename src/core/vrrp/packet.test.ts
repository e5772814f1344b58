import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passAuthData } from '../../wire/vrrp.js';
import { advertDatagram, type SendEffect } from './packet.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('the whole IPv4 datagram keepalived 2.2.7 sends (keepalived.md §4.1 vector)', () => {
  const e: SendEffect = {
    kind: 'send', instance: 'VI_1', ifname: 'eth0', family: 4, src: '10.99.0.2', dsts: ['224.0.0.18'], ttl: 255, pseudoDst: null,
    advert: { version: 2, vrid: 51, priority: 100, authType: 1, interval: 1, addresses: ['10.99.0.100'], authData: passAuthData('secret12') },
  };
  assert.equal(
    hex(advertDatagram(e, '224.0.0.18', 1)),
    '45c000280001000' + '0ff70d02d0a630002e0000012' + '21336401010101850a6300647365637265743132',
  );
});

test('v3 unicast: the pseudo-header uses the peer address, or the group with the old checksum', () => {
  const base: SendEffect = {
    kind: 'send', instance: 'VI_1', ifname: 'eth0', family: 4, src: '10.99.0.1', dsts: ['10.99.0.2'], ttl: 255, pseudoDst: null,
    advert: { version: 3, vrid: 52, priority: 100, authType: 0, interval: 100, addresses: ['10.99.0.101', '10.99.0.102'], authData: null },
  };
  const viaGroup = advertDatagram({ ...base, pseudoDst: '224.0.0.18' }, '10.99.0.2', 7);
  assert.equal(hex(viaGroup.subarray(20, 28)), '3134640200' + '6469dd');
  assert.notEqual(hex(advertDatagram(base, '10.99.0.2', 7).subarray(26, 28)), '69dd');
  assert.equal(hex(viaGroup.subarray(16, 20)), '0a630002');
});

test('IPv6: the VRRP message alone', () => {
  const e: SendEffect = {
    kind: 'send', instance: 'VI_6', ifname: 'eth0', family: 6, src: 'fe80::1', dsts: ['ff02::12'], ttl: 255, pseudoDst: null,
    advert: { version: 3, vrid: 9, priority: 150, authType: 0, interval: 10, addresses: ['2001:db8::9'], authData: null },
  };
  const b = advertDatagram(e, 'ff02::12', 1);
  assert.equal(b.length, 24);
  assert.equal(hex(b.subarray(0, 6)), '310996010' + '00a');
});
