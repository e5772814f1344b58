import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeArp, encodeArp, arpLength, ARP_OP } from './arp.js';
import type { Decoded } from './bytes.js';
import { adjustChecksum32, internetChecksum } from './checksum.js';
import { decodeEthernet, encodeEthernet, ethernetLength, ETHERTYPE } from './ethernet.js';
import { decodeIcmp, encodeIcmp, icmpLength, isIcmpError, isIcmp6Error } from './icmp.js';
import { encodeIpipOuter } from './ipip.js';
import { decodeIpv4, encodeIpv4, ipv4HeaderChecksumOk, isFragment, type Ipv4 } from './ipv4.js';
import { decodeIpv6, encodeIpv6, ipv6Length, ipv6UpperLayer, type Ipv6Upper } from './ipv6.js';
import { PacketBuilder } from './packet-builder.js';
import { decodeTcp, decodeUdp, encodeTcp, encodeUdp, pseudoHeaderSum, tcpLength, udpLength } from './transport.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The one round-trip helper: encode → decode gives the value back, consuming the encoded length. */
function roundTrip<T>(value: T, length: number, encode: (v: T, b: Uint8Array, o: number) => number, decode: (b: Uint8Array, o: number, l: number) => Decoded<T>, strip: (v: T) => unknown = (v) => v): void {
  const buf = new Uint8Array(length + 3);
  assert.equal(encode(value, buf, 3), length);
  const d = decode(buf, 3, length);
  assert.ok(d.ok, d.ok ? '' : d.reason);
  assert.equal(d.bytes, length);
  assert.deepEqual(strip(d.value), strip(value));
}

test('Ethernet: untagged and 802.1Q round trips, exact bytes', () => {
  const h = { dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', vlanTci: null, etherType: ETHERTYPE.IPV4 };
  roundTrip(h, ethernetLength(h), encodeEthernet, decodeEthernet);
  const t = { ...h, vlanTci: 0x2064 };
  roundTrip(t, ethernetLength(t), encodeEthernet, decodeEthernet);
  const b = new Uint8Array(18);
  encodeEthernet(t, b, 0);
  assert.equal(toHex(b), '020000000002' + '020000000001' + '8100' + '2064' + '0800');
  assert.deepEqual(decodeEthernet(b, 0, 17), { ok: false, reason: 'short-vlan' });
  assert.deepEqual(decodeEthernet(b, 0, 13), { ok: false, reason: 'short-ethernet' });
});

test('ARP request round trip and exact layout', () => {
  const a = { op: ARP_OP.REQUEST, senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' };
  roundTrip(a, arpLength(), encodeArp, decodeArp);
  const b = new Uint8Array(28);
  encodeArp(a, b, 0);
  assert.equal(toHex(b), '0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002'.replace(/ /g, ''));
  b[1] = 6;
  assert.deepEqual(decodeArp(b, 0, 28), { ok: false, reason: 'arp-not-ethernet-ipv4' });
});

test('IPv4: the classic header 4500 0073 ... has checksum b861; options and fragments round trip', () => {
  const h = hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
  const d = decodeIpv4(h, 0, 0x73 + 0); // total length 0x73 exceeds the 20 bytes we hold
  assert.deepEqual(d, { ok: false, reason: 'truncated-ipv4' });
  const full = new Uint8Array(0x73);
  full.set(h);
  const v = decodeIpv4(full, 0, full.length);
  assert.ok(v.ok);
  assert.equal(v.value.checksum, 0xb861);
  assert.equal(v.value.dontFragment, true);
  assert.equal(ipv4HeaderChecksumOk(full, 0), true);
  const re = new Uint8Array(20);
  encodeIpv4(v.value, re, 0);
  assert.equal(toHex(re), toHex(h));
  const withOpts: Ipv4 = { ...v.value, options: hex('94040000'), moreFragments: true, fragmentOffset: 1480, dontFragment: false, totalLength: 24, checksum: 0 };
  const b = new Uint8Array(24);
  encodeIpv4(withOpts, b, 0);
  const back = decodeIpv4(b, 0, 24);
  assert.ok(back.ok);
  assert.equal(back.bytes, 24);
  assert.deepEqual({ ...back.value, checksum: 0 }, withOpts);
  assert.equal(isFragment(back.value), true);
  assert.equal(ipv4HeaderChecksumOk(b, 0), true);
});

test('IPv4 rejects what it cannot carry, with a reason', () => {
  const b = new PacketBuilder().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).payload('xy').build();
  assert.deepEqual(decodeIpv4(b, 0, 19), { ok: false, reason: 'short-ipv4' });
  const bad = b.slice();
  bad[0] = 0x44;
  assert.deepEqual(decodeIpv4(bad, 0, bad.length), { ok: false, reason: 'bad-ihl' });
  bad[0] = 0x65;
  assert.deepEqual(decodeIpv4(bad, 0, bad.length), { ok: false, reason: 'not-ipv4' });
  const tl = b.slice();
  tl[3] = 10;
  assert.deepEqual(decodeIpv4(tl, 0, tl.length), { ok: false, reason: 'bad-total-length' });
});

test('IPv6 header round trip and the extension-header walk to a fragment', () => {
  const h = { trafficClass: 0xb8, flowLabel: 0x12345, payloadLength: 0, nextHeader: 6, hopLimit: 64, src: '2001:db8::1', dst: '2001:db8::100' };
  roundTrip(h, ipv6Length(), encodeIpv6, decodeIpv6);
  // hop-by-hop (8 bytes) then fragment (offset 1232, more) then TCP
  const ext = hex('2c00 0000 0000 0000' + '0600 04d1 0000 0001');
  const b = new Uint8Array(40 + ext.length);
  encodeIpv6({ ...h, nextHeader: 0, payloadLength: ext.length }, b, 0);
  b.set(ext, 40);
  const up: Ipv6Upper = { protocol: 0, offset: 0, fragmentOffset: 0, moreFragments: false, fragmentId: 0 };
  assert.equal(ipv6UpperLayer(b, 0, b.length, up), true);
  assert.deepEqual(up, { protocol: 6, offset: 56, fragmentOffset: 1232, moreFragments: true, fragmentId: 1 });
  assert.equal(ipv6UpperLayer(b, 0, b.length - 1, up), false);
});

test('TCP and UDP headers round trip; builder checksums verify to zero with the pseudo-header', () => {
  const t = { sport: 40000, dport: 80, seq: 0xdeadbeef, ack: 1, flags: 0x12, window: 29200, checksum: 0x1234, urgent: 0, options: hex('020405b4') };
  roundTrip(t, tcpLength(t), encodeTcp, decodeTcp);
  const u = { sport: 5353, dport: 53, length: 8, checksum: 0xabcd };
  roundTrip(u, udpLength(), encodeUdp, decodeUdp);
  for (const f of [
    new PacketBuilder().ipv4({ src: '10.0.0.1', dst: '10.0.0.100' }).tcp({ sport: 1, dport: 80, flags: 'S' }).payload('abc').build(),
    new PacketBuilder().ipv4({ src: '10.0.0.1', dst: '10.0.0.100' }).udp({ sport: 1, dport: 53 }).payload('abcde').build(),
  ]) {
    const l4 = f.length - 20;
    assert.equal(internetChecksum(f, 20, l4, pseudoHeaderSum(f, 12, 16, 4, f[9]!, l4)), 0);
  }
  const v6 = new PacketBuilder().ipv6({ src: '2001:db8::1', dst: '2001:db8::100' }).tcp({ sport: 1, dport: 80 }).build();
  assert.equal(internetChecksum(v6, 40, 20, pseudoHeaderSum(v6, 8, 24, 16, 6, 20)), 0);
  assert.deepEqual(decodeUdp(hex('0001 0002 0007 0000'), 0, 8), { ok: false, reason: 'bad-udp-length' });
  assert.deepEqual(decodeTcp(hex('0001 0002 0000 0000 0000 0000 4000 0000 0000 0000'), 0, 20), { ok: false, reason: 'bad-tcp-offset' });
});

test('ICMP header round trip; error types', () => {
  const h = { type: 3, code: 4, checksum: 0xbeef, rest: 1480 };
  roundTrip(h, icmpLength(), encodeIcmp, decodeIcmp);
  assert.deepEqual([0, 3, 4, 5, 8, 11, 12].map(isIcmpError), [false, true, true, false, false, true, true]);
  assert.deepEqual([1, 2, 4, 127, 128, 135].map(isIcmp6Error), [true, true, true, true, false, false]);
  const echo = new PacketBuilder().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).icmp({ type: 8, code: 0, rest: 0x00010002 }).payload('ping').build();
  assert.equal(internetChecksum(echo, 20, echo.length - 20), 0);
  assert.equal(echo[9], 1);
});

test('IP-in-IP outer header: protocol 4, length covers the inner packet, DF as asked', () => {
  const b = new Uint8Array(20);
  encodeIpipOuter({ src: '10.0.0.2', dst: '10.0.1.11', ttl: 64, tos: 0x10, id: 7, dontFragment: true, inner: 4 }, 60, b, 0);
  assert.equal(toHex(b), '4510 0050 0007 4000 4004'.replace(/ /g, '') + toHex(b.subarray(10, 12)) + '0a000002 0a00010b'.replace(/ /g, ''));
  assert.equal(ipv4HeaderChecksumOk(b, 0), true);
});

test('Builder: Ethernet + VLAN + IPv4 + TCP frame, exact head', () => {
  const f = new PacketBuilder().eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', vlanTci: 5 }).ipv4({ src: '10.0.0.1', dst: '10.0.0.100', id: 1 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  assert.equal(f.length, 18 + 20 + 20);
  assert.equal(toHex(f.subarray(0, 22)), '020000000002020000000001810000050800' + '4500' + '0028');
});

test('RFC 1624 for a 32-bit field equals recomputation (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (data, v) => {
      const before = internetChecksum(data, 0, data.length);
      const old = ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0;
      data[4] = v >>> 24;
      data[5] = (v >>> 16) & 0xff;
      data[6] = (v >>> 8) & 0xff;
      data[7] = v & 0xff;
      assert.equal(adjustChecksum32(before, old, v) % 0xffff, internetChecksum(data, 0, data.length) % 0xffff);
    }),
    { numRuns: 300 },
  );
});

test('decoders never throw on arbitrary bytes (property)', () => {
  const decoders = [decodeEthernet, decodeArp, decodeIpv4, decodeIpv6, decodeTcp, decodeUdp, decodeIcmp];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(90), fc.nat(90), (b, off, len) => {
      for (const d of decoders) d(b, off, len);
      const up: Ipv6Upper = { protocol: 0, offset: 0, fragmentOffset: 0, moreFragments: false, fragmentId: 0 };
      if (b.length >= 40) ipv6UpperLayer(b, 0, b.length, up);
    }),
    { numRuns: 300 },
  );
});
