import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeVrrp,
  decodeVrrpHeader,
  encodeVrrp,
  passAuthData,
  vrrpChecksumResidue,
  vrrpLength,
  VRRP_MCAST_GROUP4,
  VRRP_MCAST_GROUP6,
  type VrrpAdvertSpec,
} from './vrrp.js';
import { readAddr, type AddrFamily } from './vrrp-addr.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function encode(adv: VrrpAdvertSpec, family: AddrFamily, pseudo: { src: string; dst: string } | null = null): Uint8Array {
  const buf = new Uint8Array(vrrpLength(adv, family));
  assert.equal(encodeVrrp(adv, buf, 0, family, pseudo), buf.length);
  return buf;
}

/** The one round-trip check: encode, decode, compare, and the checksum verifies. */
function roundTrip(adv: VrrpAdvertSpec, family: AddrFamily, pseudo: { src: string; dst: string } | null): void {
  const bytes = encode(adv, family, pseudo);
  const d = decodeVrrp(bytes, 0, bytes.length, family);
  assert.ok(d.ok);
  assert.equal(d.bytes, bytes.length);
  const { checksum, count, reserved, type, ...rest } = d.value;
  assert.deepEqual({ ...rest }, { ...adv, authData: adv.authData ? Uint8Array.from(adv.authData) : null });
  assert.equal(count, adv.addresses.length);
  assert.equal(reserved, 0);
  assert.equal(type, 1);
  assert.equal(checksum, (bytes[6]! << 8) | bytes[7]!);
  assert.equal(vrrpChecksumResidue(bytes, 0, bytes.length, family, adv.version === 3 ? pseudo : null), 0);
}

const v2Vector: VrrpAdvertSpec = {
  version: 2, vrid: 51, priority: 100, authType: 1, interval: 1, addresses: ['10.99.0.100'], authData: passAuthData('secret12'),
};

test('keepalived 2.2.7 vector: v2 PASS advert from 10.99.0.2, VRID 51, prio 100', () => {
  assert.equal(toHex(encode(v2Vector, 4)), '213364010101018' + '50a6300647365637265743132');
});

test('keepalived 2.2.7 vector: the same router shutting down (priority 0)', () => {
  assert.equal(toHex(encode({ ...v2Vector, priority: 0 }, 4)).slice(0, 16), '2133000101016585');
});

test('keepalived 2.2.7 vector: v3 from 10.99.0.1, VRID 52, 100 cs, two VIPs (pseudo-header 69dd, without 54d4)', () => {
  const adv: VrrpAdvertSpec = { version: 3, vrid: 52, priority: 100, authType: 0, interval: 100, addresses: ['10.99.0.101', '10.99.0.102'], authData: null };
  assert.equal(toHex(encode(adv, 4, { src: '10.99.0.1', dst: VRRP_MCAST_GROUP4 })), '3134640200' + '6469dd0a6300650a630066');
  assert.equal(toHex(encode(adv, 4, null)).slice(12, 16), '54d4');
});

test('keepalived 2.2.7 vector: v3 from 10.99.0.2, 50 cs, one VIP', () => {
  const adv: VrrpAdvertSpec = { version: 3, vrid: 52, priority: 100, authType: 0, interval: 50, addresses: ['10.99.0.101'], authData: null };
  assert.equal(toHex(encode(adv, 4, { src: '10.99.0.2', dst: VRRP_MCAST_GROUP4 })), '313464010032' + '74dc0a630065');
});

test('decoding the captured v2 bytes gives every field', () => {
  const d = decodeVrrp(hex('2133 6401 0101 0185 0a63 0064 7365 6372 6574 3132'), 0, 20, 4);
  assert.ok(d.ok);
  assert.deepEqual({ ...d.value, authData: toHex(d.value.authData!) }, {
    version: 2, type: 1, vrid: 51, priority: 100, count: 1, authType: 1, interval: 1, reserved: 0, checksum: 0x0185,
    addresses: ['10.99.0.100'], authData: toHex(new TextEncoder().encode('secret12')),
  });
});

test('v3 header: reserved bits and the 12-bit interval are separate', () => {
  const h = decodeVrrpHeader(hex('3134 6401 f032 0000'), 0, 8);
  assert.ok(h.ok);
  assert.equal(h.value.reserved, 0xf);
  assert.equal(h.value.interval, 0x032);
  assert.equal(h.value.authType, 0);
});

test('short and truncated input are reasons, not exceptions', () => {
  assert.deepEqual(decodeVrrpHeader(hex('2133 6401 0101 01'), 0, 7), { ok: false, reason: 'short' });
  assert.deepEqual(decodeVrrp(hex('2133 6402 0101 0185 0a63 0064'), 0, 12, 4), { ok: false, reason: 'truncated' });
  // A header that claims two addresses, with room only for the v3 form of one.
  assert.deepEqual(decodeVrrp(hex('3134 6402 0064 0000 0a63 0065'), 0, 12, 4), { ok: false, reason: 'truncated' });
});

test('IPv6 v3 round trip with the IPv6 pseudo-header', () => {
  roundTrip({ version: 3, vrid: 7, priority: 200, authType: 0, interval: 10, addresses: ['2001:db8::1', 'fe80::1'], authData: null }, 6, {
    src: 'fe80::a8bb:ccff:fedd:eeff',
    dst: VRRP_MCAST_GROUP6,
  });
});

test('round trip (property): any v2/v3, IPv4/IPv6 advert', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => readAddr(b, 0, 6));
  const arb = fc.record({
    family: fc.constantFrom<AddrFamily>(4, 6),
    version: fc.constantFrom(2, 3),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.nat(255),
    authType: fc.nat(2),
    interval: fc.nat(255),
    n4: fc.array(v4, { maxLength: 20 }),
    n6: fc.array(v6, { maxLength: 8 }),
    pass: fc.string({ maxLength: 8 }),
  });
  fc.assert(
    fc.property(arb, (r) => {
      const version = r.family === 6 ? 3 : r.version;
      const addresses = r.family === 4 ? r.n4 : r.n6;
      const v2 = version === 2;
      const adv: VrrpAdvertSpec = {
        version, vrid: r.vrid, priority: r.priority, authType: v2 ? r.authType : 0, interval: v2 ? r.interval : r.interval * 16,
        addresses, authData: v2 && r.family === 4 ? passAuthData(r.pass.replace(/[^\x20-\x7e]/g, 'x')) : null,
      };
      roundTrip(adv, r.family, { src: r.family === 4 ? '10.0.0.1' : 'fe80::1', dst: r.family === 4 ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6 });
    }),
    { numRuns: 200 },
  );
});

test('decoding random bytes never throws (fuzz)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 128 }), fc.constantFrom<AddrFamily>(4, 6), (b, family) => {
      const d = decodeVrrp(b, 0, b.length, family);
      if (d.ok) assert.ok(d.bytes <= b.length);
    }),
    { numRuns: 1000 },
  );
});
