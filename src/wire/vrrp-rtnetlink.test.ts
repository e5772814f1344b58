import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAck, encodeAddrRequest, IFA_F_NODAD, scopeValue, type AddrRequest } from './vrrp-rtnetlink.js';

const base: AddrRequest = {
  op: 'add', family: 4, ifindex: 2, address: '192.168.64.100', prefix: 32, peer: null, broadcast: null, label: 'ens160:vip',
  scope: 0, flags: 0, preferredLft: null, seq: 7,
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('RTM_NEWADDR as `ip addr add 192.168.64.100/32 dev IF label ens160:vip` sends it (little-endian host)', () => {
  assert.equal(
    hex(encodeAddrRequest(base)),
    [
      '38000000', '1400', '0506', '07000000', '00000000', // nlmsghdr: len 56, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7
      '02', '20', '00', '00', '02000000', // ifaddrmsg: AF_INET /32 flags 0 scope global ifindex 2
      '0800', '0200', 'c0a84064', // IFA_LOCAL
      '0800', '0100', 'c0a84064', // IFA_ADDRESS
      '0f00', '0300', '656e733136303a76697000', '00', // IFA_LABEL "ens160:vip\0" padded
    ].join(''),
  );
});

test('RTM_DELADDR carries only the address; IPv6 with nodad and preferred_lft 0', () => {
  assert.equal(hex(encodeAddrRequest({ ...base, op: 'del' })), '28000000' + '1500' + '0500' + '07000000' + '00000000' + '02200000' + '02000000' + '08000200c0a84064' + '08000100c0a84064');
  const v6 = encodeAddrRequest({ ...base, family: 6, address: '2001:db8::1', prefix: 128, label: 'x', flags: IFA_F_NODAD, preferredLft: 0 });
  assert.equal(hex(v6.subarray(16, 24)), '0a800200' + '02000000');
  assert.equal(hex(v6.subarray(24, 44)), '1400' + '0100' + '20010db8000000000000000000000001');
  assert.equal(hex(v6.subarray(44, 52)), '0800' + '0800' + '02000000');
  assert.equal(hex(v6.subarray(52, 72)), '1400' + '0600' + '00000000' + 'ffffffff' + '00000000' + '00000000');
  assert.equal(v6.length, 72);
});

test('broadcast "+" is computed from the prefix; scope names', () => {
  const m = encodeAddrRequest({ ...base, prefix: 24, broadcast: '+', label: null });
  assert.equal(hex(m.subarray(40, 48)), '0800' + '0400' + 'c0a840ff');
  assert.deepEqual(['global', 'site', 'link', 'host', 'nowhere', '42', 'bogus', null].map((x) => scopeValue(x)), [0, 200, 253, 254, 255, 42, null, 0]);
});

test('acknowledgements: success, EEXIST, and what is not one', () => {
  const ack = (err: number): Uint8Array => {
    const b = new Uint8Array(36);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 36, true);
    dv.setUint16(4, 2, true);
    dv.setUint32(8, 7, true);
    dv.setInt32(16, err, true);
    return b;
  };
  assert.deepEqual(decodeAck(ack(0)), { ok: true, bytes: 36, value: { seq: 7, error: 0 } });
  assert.deepEqual(decodeAck(ack(-17)), { ok: true, bytes: 36, value: { seq: 7, error: -17 } });
  assert.deepEqual(decodeAck(new Uint8Array(10)), { ok: false, reason: 'short' });
  const other = ack(0);
  other[4] = 20;
  assert.deepEqual(decodeAck(other), { ok: false, reason: 'not-an-ack' });
});
