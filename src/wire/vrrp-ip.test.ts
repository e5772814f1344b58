import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeIpv4Header, encodeIpv4Header, nextIpId, VRRP_TOS, VRRP_TTL } from './vrrp-ip.js';

test('keepalived 2.2.7 vector: the IPv4 header of the v2 advert from 10.99.0.2', () => {
  const buf = new Uint8Array(20);
  encodeIpv4Header({ tos: VRRP_TOS, totalLength: 40, id: 1, fragment: 0, ttl: VRRP_TTL, protocol: 112, src: '10.99.0.2', dst: '224.0.0.18' }, buf, 0);
  assert.equal(Buffer.from(buf).toString('hex'), '45c000280001000' + '0ff70d02d0a630002e0000012');
  const d = decodeIpv4Header(buf, 0, 20);
  assert.deepEqual(d, {
    ok: true,
    bytes: 20,
    value: { headerLength: 20, tos: 0xc0, totalLength: 40, id: 1, fragment: 0, ttl: 255, protocol: 112, checksum: 0xd02d, src: '10.99.0.2', dst: '224.0.0.18' },
  });
});

test('short, non-IPv4 and bad IHL headers are reasons', () => {
  assert.deepEqual(decodeIpv4Header(new Uint8Array(19), 0, 19), { ok: false, reason: 'short' });
  const b = new Uint8Array(24);
  b[0] = 0x65;
  assert.deepEqual(decodeIpv4Header(b, 0, 24), { ok: false, reason: 'not-ipv4' });
  b[0] = 0x44;
  assert.deepEqual(decodeIpv4Header(b, 0, 24), { ok: false, reason: 'bad-ihl' });
  b[0] = 0x47;
  assert.deepEqual(decodeIpv4Header(b, 0, 24), { ok: false, reason: 'short' });
});

test('IP IDs count 1..65535 and skip 0', () => {
  assert.equal(nextIpId(0), 1);
  assert.equal(nextIpId(1), 2);
  assert.equal(nextIpId(0xffff), 1);
});
