import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textToWords, wordsToText } from './addr-words.js';
import { ConnTable, DADDR } from './conn-table.js';
import { CONN_F, FWD_CODE, PROTO } from './flags.js';

function w(text: string): Uint32Array {
  const a = new Uint32Array(4);
  textToWords(text, a);
  return a;
}

/** Insert a hashed entry c:cport -> v:vport -> d:dport. */
function put(t: ConnTable, proto: number, c: string, cport: number, v: string, vport: number, d: string, dport: number, flags = 0): number {
  const idx = t.alloc();
  const af = c.includes(':') ? 6 : 4;
  t.setKey(idx, af, proto, w(c), 0, cport, w(v), 0, vport);
  t.setDestAddr(idx, d.includes(':') ? 6 : 4, w(d), 0, dport);
  t.setFlags(idx, flags);
  t.hash(idx);
  return idx;
}

test('request and reply lookups find the entry; other keys do not', () => {
  const t = new ConnTable();
  const nat = put(t, PROTO.TCP, '203.0.113.7', 40000, '10.0.0.100', 80, '192.168.1.11', 8080, FWD_CODE.nat);
  const dr = put(t, PROTO.TCP, '203.0.113.8', 40000, '10.0.0.100', 80, '192.168.1.12', 80, FWD_CODE.dr | CONN_F.NOOUTPUT);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 40000, w('10.0.0.100'), 80), nat);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.8'), 40000, w('10.0.0.100'), 80), dr);
  assert.equal(t.lookupIn(4, PROTO.UDP, w('203.0.113.7'), 40000, w('10.0.0.100'), 80), -1);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 40001, w('10.0.0.100'), 80), -1);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 40000, w('10.0.0.101'), 80), -1);
  // NAT reply: from the real server's address and port to the client.
  assert.equal(t.lookupOut(4, PROTO.TCP, w('192.168.1.11'), 8080, w('203.0.113.7'), 40000), nat);
  assert.equal(t.lookupOut(4, PROTO.TCP, w('10.0.0.100'), 80, w('203.0.113.7'), 40000), -1);
  // Other methods' replies carry the VIP as source.
  assert.equal(t.lookupOut(4, PROTO.TCP, w('10.0.0.100'), 80, w('203.0.113.8'), 40000), dr);
  assert.equal(t.lookupOut(4, PROTO.TCP, w('192.168.1.12'), 80, w('203.0.113.8'), 40000), -1);
});

test('IPv6 entries compare all four words', () => {
  const t = new ConnTable();
  const e = put(t, PROTO.UDP, '2001:db8::7', 5000, '2001:db8:1::100', 53, '2001:db8:2::31', 53, FWD_CODE.nat);
  assert.equal(t.lookupIn(6, PROTO.UDP, w('2001:db8::7'), 5000, w('2001:db8:1::100'), 53), e);
  assert.equal(t.lookupIn(6, PROTO.UDP, w('2001:db8::8'), 5000, w('2001:db8:1::100'), 53), -1);
  assert.equal(t.lookupIn(6, PROTO.UDP, w('2002:db8::7'), 5000, w('2001:db8:1::100'), 53), -1);
  assert.equal(t.lookupOut(6, PROTO.UDP, w('2001:db8:2::31'), 53, w('2001:db8::7'), 5000), e);
  const out = new Uint32Array(4);
  t.copyAddr(e, DADDR, out);
  assert.equal(wordsToText(6, out), '2001:db8:2::31');
});

test('templates match only template lookups, and never request lookups', () => {
  const t = new ConnTable();
  const ct = put(t, PROTO.TCP, '203.0.113.0', 0, '10.0.0.100', 443, '192.168.1.21', 443, CONN_F.TEMPLATE);
  assert.equal(t.lookupTemplate(4, PROTO.TCP, w('203.0.113.0'), w('10.0.0.100'), 443), ct);
  assert.equal(t.lookupTemplate(4, PROTO.TCP, w('203.0.113.0'), w('10.0.0.100'), 0), -1);
  assert.equal(t.lookupTemplate(4, PROTO.UDP, w('203.0.113.0'), w('10.0.0.100'), 443), -1);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.0'), 0, w('10.0.0.100'), 443), -1);
  const plain = put(t, PROTO.TCP, '203.0.113.0', 1234, '10.0.0.100', 443, '192.168.1.21', 443);
  assert.equal(t.lookupTemplate(4, PROTO.TCP, w('203.0.113.0'), w('10.0.0.100'), 443), ct);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.0'), 1234, w('10.0.0.100'), 443), plain);
});

test('an entry with client port 0 but without NO_CPORT is never found (the kernel XOR rule)', () => {
  const t = new ConnTable();
  put(t, PROTO.UDP, '198.51.100.2', 0, '10.0.0.100', 53, '10.0.0.31', 53);
  assert.equal(t.lookupIn(4, PROTO.UDP, w('198.51.100.2'), 0, w('10.0.0.100'), 53), -1);
});

test('no-client-port entries match any client port until the port is filled in', () => {
  const t = new ConnTable();
  const e = put(t, PROTO.TCP, '203.0.113.7', 0, '10.0.0.100', 20, '192.168.1.11', 20, CONN_F.NO_CPORT);
  assert.equal(t.noCportCount, 1);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 3333, w('10.0.0.100'), 20), e);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 0, w('10.0.0.100'), 20), e);
  t.fillCport(e, 3333);
  assert.equal(t.noCportCount, 0);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 3333, w('10.0.0.100'), 20), e);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 4444, w('10.0.0.100'), 20), -1);
});

test('the newest of two equal keys wins; after it goes the older one is found again', () => {
  const t = new ConnTable();
  const old = put(t, PROTO.TCP, '203.0.113.7', 40000, '10.0.0.100', 80, '192.168.1.11', 80);
  const neu = put(t, PROTO.TCP, '203.0.113.7', 40000, '10.0.0.100', 80, '192.168.1.12', 80);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 40000, w('10.0.0.100'), 80), neu);
  t.unhash(neu);
  t.free(neu);
  assert.equal(t.lookupIn(4, PROTO.TCP, w('203.0.113.7'), 40000, w('10.0.0.100'), 80), old);
  assert.equal(t.count, 1);
});

test('growth keeps every entry findable and chain order intact; freed slots are reused', () => {
  const t = new ConnTable({ initialCapacity: 64 });
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) ids.push(put(t, PROTO.TCP, `10.1.${i >> 8}.${i & 255}`, 1000 + (i % 7), '10.0.0.1', 80, '192.168.0.1', 80));
  // A duplicate key inserted before growth must still shadow the older entry afterwards.
  const dupOld = put(t, PROTO.UDP, '10.9.9.9', 9, '10.0.0.1', 53, '192.168.0.1', 53);
  const dupNew = put(t, PROTO.UDP, '10.9.9.9', 9, '10.0.0.1', 53, '192.168.0.2', 53);
  assert.ok(t.capacity >= 5002);
  for (let i = 0; i < 5000; i++) assert.equal(t.lookupIn(4, PROTO.TCP, w(`10.1.${i >> 8}.${i & 255}`), 1000 + (i % 7), w('10.0.0.1'), 80), ids[i]);
  for (let i = 0; i < 20000; i++) put(t, PROTO.SCTP, `10.2.${(i >> 8) & 255}.${i & 255}`, 1 + (i >> 16), '10.0.0.1', 80, '192.168.0.1', 80);
  assert.equal(t.lookupIn(4, PROTO.UDP, w('10.9.9.9'), 9, w('10.0.0.1'), 53), dupNew);
  t.unhash(dupNew);
  t.free(dupNew);
  assert.equal(t.lookupIn(4, PROTO.UDP, w('10.9.9.9'), 9, w('10.0.0.1'), 53), dupOld);
  t.unhash(ids[10]!);
  t.free(ids[10]!);
  assert.equal(t.alloc(), ids[10]);
});

test('maxEntries bounds allocation', () => {
  const t = new ConnTable({ initialCapacity: 64, maxEntries: 100 });
  for (let i = 0; i < 100; i++) assert.ok(t.alloc() >= 0);
  assert.equal(t.alloc(), -1);
  t.free(5);
  assert.equal(t.alloc(), 5);
});
