import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIp } from '../../src/core/addr.js';
import { neighbourFromNd, writeNeighbourSolicit } from '../../src/core/forward/ndp.js';
import { macBytes } from '../../src/wire/bytes.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { toHex } from './kit.js';

const ME = '02:00:00:00:0d:00';
const RS = '02:00:00:00:00:11';
/** The 16 bytes of an IPv6 address. */
const v6 = (text: string): number[] => parseIp(text)!.words.flatMap((w) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff]);

test('neighbour solicitation: to the solicited-node group and its MAC, hop limit 255, source link-layer option, checksum', () => {
  const out = new Uint8Array(100);
  const n = writeNeighbourSolicit(out, macBytes(ME), 'fe80::d00', '2001:db8::11');
  const expected = new PacketBuilder()
    .eth({ src: ME, dst: '33:33:ff:00:00:11' })
    .ipv6({ src: 'fe80::d00', dst: 'ff02::1:ff00:11', hopLimit: 255 })
    .icmp6({ type: 135, code: 0, rest: 0 })
    .payload(Uint8Array.from([...v6('2001:db8::11'), 1, 1, ...macBytes(ME)]))
    .build();
  assert.equal(n, 86);
  assert.equal(toHex(out.subarray(0, n)), toHex(expected));
  assert.equal(writeNeighbourSolicit(out, macBytes(ME), '10.0.0.2', '2001:db8::11'), 0);
});

test('neighbours learnt from an advertisement (target + target link-layer option) and a solicitation (sender + source option)', () => {
  const na = new PacketBuilder()
    .eth({ src: RS, dst: ME })
    .ipv6({ src: '2001:db8::11', dst: 'fe80::d00', hopLimit: 255 })
    .icmp6({ type: 136, code: 0, rest: 0x60000000 })
    .payload(Uint8Array.from([...v6('2001:db8::11'), 2, 1, ...macBytes(RS)]))
    .build();
  assert.deepEqual(neighbourFromNd(na, na.length), { addr: '2001:db8::11', mac: macBytes(RS) });
  const ns = new PacketBuilder()
    .eth({ src: RS, dst: '33:33:ff:00:0d:00' })
    .ipv6({ src: '2001:db8::11', dst: 'ff02::1:ff00:d00', hopLimit: 255 })
    .icmp6({ type: 135, code: 0, rest: 0 })
    .payload(Uint8Array.from([...v6('2001:db8::12'), 1, 1, ...macBytes(RS)]))
    .build();
  assert.deepEqual(neighbourFromNd(ns, ns.length), { addr: '2001:db8::11', mac: macBytes(RS) });
  // Hop limit below 255 (forwarded: not on-link), no option, DAD from ::, other ICMPv6: nothing learnt.
  const hop = na.slice();
  hop[14 + 7] = 64;
  assert.equal(neighbourFromNd(hop, hop.length), null);
  const bare = new PacketBuilder().eth({ src: RS, dst: ME }).ipv6({ src: '2001:db8::11', dst: 'fe80::d00', hopLimit: 255 }).icmp6({ type: 136, code: 0, rest: 0 }).payload(Uint8Array.from(v6('2001:db8::11'))).build();
  assert.equal(neighbourFromNd(bare, bare.length), null);
  const dad = new PacketBuilder().eth({ src: RS, dst: '33:33:ff:00:00:11' }).ipv6({ src: '::', dst: 'ff02::1:ff00:11', hopLimit: 255 }).icmp6({ type: 135, code: 0, rest: 0 }).payload(Uint8Array.from(v6('2001:db8::11'))).build();
  assert.equal(neighbourFromNd(dad, dad.length), null);
  const echo = new PacketBuilder().eth({ src: RS, dst: ME }).ipv6({ src: '2001:db8::11', dst: 'fe80::d00', hopLimit: 255 }).icmp6({ type: 128, code: 0, rest: 0 }).payload(new Uint8Array(24)).build();
  assert.equal(neighbourFromNd(echo, echo.length), null);
});
