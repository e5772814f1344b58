import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeIpv6 } from './ipv6.js';
import { encodeIp6TunnelOuter, ip6TunnelOuterLength } from './ipip.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('IPv6 tunnel outer header: version 6, traffic class as given, flow label 0, payload = the inner packet, next header 41 or 4', () => {
  const b = new Uint8Array(ip6TunnelOuterLength());
  assert.equal(encodeIp6TunnelOuter({ src: '2001:db8::2', dst: '2001:db8::11', hopLimit: 63, trafficClass: 0x12, inner: 6 }, 60, b, 0), 40);
  assert.equal(hex(b), '61200000' + '003c' + '29' + '3f' + '20010db8000000000000000000000002' + '20010db8000000000000000000000011');
  encodeIp6TunnelOuter({ src: '2001:db8::2', dst: '2001:db8::11', hopLimit: 1, trafficClass: 0, inner: 4 }, 1480, b, 0);
  const d = decodeIpv6(Uint8Array.from([...b, ...new Uint8Array(1480)]), 0, 1520);
  assert.deepEqual(d, { ok: true, bytes: 40, value: { trafficClass: 0, flowLabel: 0, payloadLength: 1480, nextHeader: 4, hopLimit: 1, src: '2001:db8::2', dst: '2001:db8::11' } });
});
