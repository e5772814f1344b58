import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVrrpDatagram } from './vrrp-print.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

test('the keepalived 2.2.7 v2 advert as tcpdump -vvv prints it', () => {
  const bytes = hex('45c0 0028 0001 0000 ff70 d02d 0a63 0002 e000 0012' + '2133 6401 0101 0185 0a63 0064 7365 6372 6574 3132');
  assert.equal(
    formatVrrpDatagram(bytes, 4, { src: '10.99.0.2', dst: '224.0.0.18', ttl: 255 }),
    'IP (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 40)\n' +
      '    10.99.0.2 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20, addrs: 10.99.0.100 auth "secret12"',
  );
});

test('v3 with two addresses, and a bad checksum flagged', () => {
  const ip = '45c0 0024 0005 4000 ff70 0000 0a63 0001 e000 0012';
  const good = hex(ip + '3134 6402 0064 69dd 0a63 0065 0a63 0066');
  assert.equal(
    formatVrrpDatagram(good, 4, { src: '10.99.0.1', dst: '224.0.0.18', ttl: 255 }).split('\n')[1],
    '    10.99.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 52, prio 100, intvl 100cs, length 16, addrs(2): 10.99.0.101,10.99.0.102',
  );
  assert.match(formatVrrpDatagram(good, 4, { src: '', dst: null, ttl: 255 }), /flags \[DF\]/);
  const bad = hex(ip + '3134 6402 0064 54d4 0a63 0065 0a63 0066');
  assert.match(formatVrrpDatagram(bad, 4, { src: '', dst: null, ttl: 255 }), /length 16, \(bad vrrp cksum 54d4\), addrs\(2\)/);
});

test('IPv6 and truncated input', () => {
  assert.equal(
    formatVrrpDatagram(hex('3109 9601 000a 0000 2001 0db8 0000 0000 0000 0000 0000 0009'), 6, { src: 'fe80::1', dst: 'ff02::12', ttl: 255 }),
    'IP6 (hlim 255, next-header VRRP (112) payload length: 24) fe80::1 > ff02::12: VRRPv3, Advertisement, vrid 9, prio 150, intvl 10cs, length 24, addrs: 2001:db8::9',
  );
  assert.equal(formatVrrpDatagram(hex('4500'), 4, { src: '', dst: null, ttl: -1 }), 'IP [|ip] (2 bytes)');
  assert.match(formatVrrpDatagram(hex('45c0 001c 0001 0000 ff70 0000 0a63 0002 e000 0012 2133 6402 0101 0185'), 4, { src: '', dst: null, ttl: 255 }), /length 8 \[\|vrrp\]$/);
});
