import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Protocol } from '../../core/model.js';
import { addrPort, addrWords, dottedMask, type Names } from './format-addr.js';

const names: Names = {
  host: (a) => (a === '2001:db8::1' ? 'x'.repeat(70) : a === '10.0.0.1' ? 'web' : null),
  service: (port: number, protocol: Protocol) => (port === 80 && protocol === 'tcp' ? 'http' : null),
};

test('numeric endpoints: inet_ntop text, IPv6 bracketed', () => {
  assert.equal(addrPort(4, '10.0.0.1', 80, 'tcp', true, names), '10.0.0.1:80');
  assert.equal(addrPort(6, '2001:db8::1', 80, 'tcp', true, names), '[2001:db8::1]:80');
  assert.equal(addrPort(6, '2001:0db8:0:0:0:0:0:1', 0, null, true), '[2001:db8::1]:0');
  assert.equal(addrPort(6, '::ffff:10.0.0.1', 443, 'tcp', true), '[::ffff:10.0.0.1]:443');
});

test('named endpoints: names per protocol, numbers where there is none, and the 59-character buffer', () => {
  assert.equal(addrPort(4, '10.0.0.1', 80, 'tcp', false, names), 'web:http');
  assert.equal(addrPort(4, '10.0.0.1', 80, 'udp', false, names), 'web:80');
  assert.equal(addrPort(4, '10.0.0.2', 80, null, false, names), '10.0.0.2:80');
  assert.equal(addrPort(4, '10.0.0.1', 80, 'tcp', false), '10.0.0.1:80', 'no resolver: numbers');
  const long = addrPort(6, '2001:db8::1', 80, 'tcp', false, names);
  assert.equal(long, `[${'x'.repeat(58)}`);
  assert.equal(long.length, 59);
});

test('addrWords: the nf_inet_addr view of an address in a slot of either family', () => {
  assert.deepEqual(addrWords('10.0.0.1', 4), [0x0a000001]);
  assert.deepEqual(addrWords('10.0.0.1', 6), [0x0a000001, 0, 0, 0]);
  assert.deepEqual(addrWords('2001:db8::1', 6), [0x20010db8, 0, 0, 1]);
  assert.deepEqual(addrWords('2001:db8::1', 4), [0x20010db8]);
});

test('dottedMask prints a host-order mask as inet_ntoa does', () => {
  assert.equal(dottedMask(0xffffff00), '255.255.255.0');
  assert.equal(dottedMask(0), '0.0.0.0');
  assert.equal(dottedMask(-1), '255.255.255.255');
});
