import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { foldIp } from '../addr.js';
import { HASH_MULTIPLIER, MH_KEY1, hash32, hsiphash32, mulHash, sipKey } from './hash.js';
import { dhBucket } from './dh.js';
import { shBucket } from './sh.js';

// An independent BigInt SipHash-c-d (the paper's definition), used only to check hash.ts.
const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M64;
function sipRef(c: number, d: number, k0: bigint, k1: bigint, msg: Uint8Array): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & M64; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M64; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M64; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M64; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const words = Math.floor(msg.length / 8);
  const le = (off: number, n: number): bigint => {
    let w = 0n;
    for (let i = n - 1; i >= 0; i--) w = (w << 8n) | BigInt(msg[off + i]!);
    return w;
  };
  for (let i = 0; i < words; i++) {
    const m = le(i * 8, 8);
    v3 ^= m;
    for (let r = 0; r < c; r++) round();
    v0 ^= m;
  }
  const b = (BigInt(msg.length & 0xff) << 56n) | le(words * 8, msg.length % 8);
  v3 ^= b;
  for (let r = 0; r < c; r++) round();
  v0 ^= b;
  v2 ^= 0xffn;
  for (let r = 0; r < d; r++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

test('the BigInt reference reproduces the published SipHash-2-4 vector', () => {
  // Key 00..0f, message 00..0e (the SipHash paper's example): a129ca6149be45e5.
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const view = new DataView(key.buffer);
  const k0 = view.getBigUint64(0, true);
  const k1 = view.getBigUint64(8, true);
  assert.equal(sipRef(2, 4, k0, k1, Uint8Array.from({ length: 15 }, (_, i) => i)), 0xa129ca6149be45e5n);
});

test('hsiphash32 test vector of ipvs.md §2.15: hsiphash(1, key 2654435761) = 0x16ec66b2', () => {
  assert.equal(hsiphash32(1, MH_KEY1), 0x16ec66b2);
});

test('hsiphash32 equals SipHash-1-3 of the 4 little-endian bytes, low 32 bits, for any key', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: M64 }), (v, k0, k1) => {
      const msg = new Uint8Array(4);
      new DataView(msg.buffer).setUint32(0, v, true);
      const want = Number(sipRef(1, 3, k0, k1, msg) & 0xffffffffn);
      const key = sipKey(Number(k0 >> 32n), Number(k0 & 0xffffffffn), Number(k1 >> 32n), Number(k1 & 0xffffffffn));
      assert.equal(hsiphash32(v, key), want);
    }),
    { numRuns: 300 },
  );
});

test('mulHash is the product mod 2^32; hash32 is hash_32 with the golden ratio 0x61C88647', () => {
  assert.equal(HASH_MULTIPLIER, 0x9e3779b1);
  assert.equal(mulHash(1), 0x9e3779b1);
  assert.equal(mulHash(2), 0x3c6ef362);
  assert.equal(mulHash(0xffffffff), 0x61c8864f);
  assert.equal(hash32(1, 10), 0x61c88647 >>> 22);
  assert.equal(hash32(1, 10), 391);
  assert.equal(hash32(0xc0a80101, 32), Number((0xc0a80101n * 0x61c88647n) & 0xffffffffn));
});

test('sh/dh bucket vectors of ipvs.md §2.15', () => {
  assert.equal(shBucket(foldIp('192.168.1.1'), 0, 0), 177);
  assert.equal(shBucket(foldIp('10.0.0.7'), 0, 0), 215);
  assert.equal(shBucket(foldIp('203.0.113.45'), 0, 0), 29);
  assert.equal(shBucket(foldIp('192.168.1.1'), 5000, 0), 185);
  assert.equal(foldIp('2001:db8::1'), 0x20010db9);
  assert.equal(shBucket(foldIp('2001:db8::1'), 0, 0), 233);
  // dh uses the same multiplier on the destination address, without port or offset.
  assert.equal(dhBucket(foldIp('192.168.1.1')), 177);
  // The offset is added after multiplying, so the fallback probe h(o) = (o + h(0)) & 255.
  assert.equal(shBucket(foldIp('192.168.1.1'), 0, 100), (177 + 100) & 255);
});

test('with 256 buckets only the low byte of address + port matters', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 65535 }), (addr, port) => {
      assert.equal(shBucket(addr, port, 0), (((addr + port) & 0xff) * 0xb1) & 0xff);
    }),
    { numRuns: 500 },
  );
});
