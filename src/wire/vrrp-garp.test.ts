import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internetChecksum, onesSum, wordsSum } from './checksum.js';
import { decodeArpFrame, encodeGratuitousArp, encodeUnsolicitedNa } from './vrrp-garp.js';

const mac = Uint8Array.from([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('gratuitous ARP as keepalived sends it (keepalived.md §4.1)', () => {
  const f = encodeGratuitousArp(mac, '10.99.0.100');
  assert.equal(
    hex(f),
    'ffffffffffff' + '021122334455' + '0806' + '0001080006040001' + '021122334455' + '0a630064' + 'ffffffffffff' + '0a630064',
  );
  const d = decodeArpFrame(f);
  assert.ok(d.ok);
  assert.equal(d.value.op, 1);
  assert.equal(d.value.senderIp, '10.99.0.100');
  assert.equal(d.value.targetIp, '10.99.0.100');
  assert.equal(hex(d.value.targetMac), 'ffffffffffff');
});

test('decodeArpFrame refuses short and non-ARP frames', () => {
  assert.deepEqual(decodeArpFrame(new Uint8Array(41)), { ok: false, reason: 'short' });
  const f = encodeGratuitousArp(mac, '10.0.0.1');
  f[13] = 0;
  assert.deepEqual(decodeArpFrame(f), { ok: false, reason: 'not-arp' });
});

test('unsolicited NA: all-nodes destination, hop limit 255, O (and R) flags, option, valid ICMPv6 checksum', () => {
  const f = encodeUnsolicitedNa(mac, '2001:db8::100', true);
  assert.equal(f.length, 86);
  assert.equal(hex(f.subarray(0, 14)), '333300000001' + '021122334455' + '86dd');
  assert.equal(hex(f.subarray(14, 22)), '6000000000203aff');
  assert.equal(hex(f.subarray(38, 54)), 'ff020000000000000000000000000001');
  assert.equal(f[54], 136);
  assert.equal(f[58], 0xa0);
  assert.equal(hex(f.subarray(62, 78)), '20010db8000000000000000000000100');
  assert.equal(hex(f.subarray(78, 86)), '0201' + '021122334455');
  const pseudo = wordsSum([0, 32, 58], onesSum(f, 22, 32));
  assert.equal(internetChecksum(f, 54, 32, pseudo), 0);
  assert.equal(encodeUnsolicitedNa(mac, '2001:db8::100', false)[58], 0x20);
});
