import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipvs } from '../../core/ipvs.js';
import type { ServiceView } from '../../core/snapshot.js';
import { compareServices, glibcSort, orderDests, orderServices, wrappedDiff } from './list-sort.js';
import { addDest, addService, addrKey, destSpec, fwmKey, serviceSpec, snapshot } from './list-testkit.js';

function servicesAt(...addrs: string[]): ServiceView[] {
  const ipvs = new Ipvs();
  for (const a of addrs) addService(ipvs, serviceSpec(addrKey('tcp', a, 80), 'rr'));
  return [...snapshot(ipvs).services];
}

const names = (svcs: readonly ServiceView[]): string[] => svcs.map((s) => (s.kind === 'fwmark' ? `fwm${s.fwmark}` : `${s.protocol}:${s.addr}:${s.port}`));

test('wrappedDiff is the sign of a 32-bit unsigned subtraction', () => {
  assert.equal(wrappedDiff(1, 2), -1);
  assert.equal(wrappedDiff(0xc0a80001, 0x0a000001) < 0, true, '192.168.0.1 - 10.0.0.1 wraps negative');
  assert.equal(wrappedDiff(0, 0x80000001), 0x7fffffff);
  assert.equal(wrappedDiff(0x80000000, 0), -0x80000000);
});

test('quirk: addresses 2^31 or more apart sort backwards (192.168.0.1 before 10.0.0.1)', () => {
  assert.deepEqual(names(orderServices(servicesAt('10.0.0.1', '192.168.0.1'), false)), ['tcp:192.168.0.1:80', 'tcp:10.0.0.1:80']);
  assert.deepEqual(names(orderServices(servicesAt('192.168.0.1', '10.0.0.1'), false)), ['tcp:192.168.0.1:80', 'tcp:10.0.0.1:80']);
});

// Expected orders below were taken from glibc 2.36 qsort with the libipvs comparison rules.
test('an intransitive cycle sorts the way glibc merge sort leaves it, depending on input order', () => {
  const cycle = ['0.0.0.1', '96.0.0.1', '192.0.0.1'];
  assert.deepEqual(names(orderServices(servicesAt(...cycle), false)).map((n) => n.split(':')[1]), ['0.0.0.1', '96.0.0.1', '192.0.0.1']);
  assert.deepEqual(names(orderServices(servicesAt('192.0.0.1', '96.0.0.1', '0.0.0.1'), false)).map((n) => n.split(':')[1]), [
    '192.0.0.1',
    '0.0.0.1',
    '96.0.0.1',
  ]);
  assert.deepEqual(names(orderServices(servicesAt('96.0.0.1', '192.0.0.1', '0.0.0.1'), false)).map((n) => n.split(':')[1]), [
    '96.0.0.1',
    '192.0.0.1',
    '0.0.0.1',
  ]);
  assert.deepEqual(
    names(orderServices(servicesAt('10.0.0.1', '80.0.0.1', '144.0.0.1', '208.0.0.1', '32.0.0.1'), false)).map((n) => n.split(':')[1]),
    ['144.0.0.1', '208.0.0.1', '10.0.0.1', '32.0.0.1', '80.0.0.1'],
  );
});

test('services: fwmark (wrapped) first key, then family, protocol, address, port', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.100', 80), 'rr'));
  addService(ipvs, serviceSpec(fwmKey(0x80000001), 'rr'));
  addService(ipvs, serviceSpec(fwmKey(1), 'rr'));
  addService(ipvs, serviceSpec(addrKey('udp', '10.0.0.100', 53), 'rr'));
  addService(ipvs, serviceSpec(addrKey('tcp', '2001:db8::100', 80), 'rr'));
  addService(ipvs, serviceSpec(addrKey('sctp', '10.0.0.100', 80), 'rr'));
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.100', 443), 'rr'));
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.99', 8080), 'rr'));
  addService(ipvs, serviceSpec(fwmKey(1, 6), 'rr'));
  const sorted = names(orderServices(snapshot(ipvs).services, false));
  // 0 - 0x80000001 wraps to a positive int: the huge mark sorts before every address service.
  assert.deepEqual(sorted, [
    'fwm2147483649',
    'tcp:10.0.0.99:8080',
    'tcp:10.0.0.100:80',
    'tcp:10.0.0.100:443',
    'udp:10.0.0.100:53',
    'sctp:10.0.0.100:80',
    'tcp:2001:db8::100:80',
    'fwm1',
    'fwm1',
  ]);
  const fw1 = orderServices(snapshot(ipvs).services, false).filter((s) => s.fwmark === 1);
  assert.deepEqual(
    fw1.map((s) => s.family),
    [4, 6],
  );
});

test('--nosort: address services then fwmark services, each in creation order; destinations newest first', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(fwmKey(5), 'rr'));
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.2', 80), 'rr'));
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.1', 80), 'rr'));
  const key = addrKey('tcp', '10.0.0.1', 80);
  addDest(ipvs, key, destSpec('192.168.0.1', 80));
  addDest(ipvs, key, destSpec('192.168.0.3', 80));
  addDest(ipvs, key, destSpec('192.168.0.2', 80));
  const snap = snapshot(ipvs);
  assert.deepEqual(names(orderServices(snap.services, true)), ['tcp:10.0.0.2:80', 'tcp:10.0.0.1:80', 'fwm5']);
  const svc = snap.services.find((s) => s.addr === '10.0.0.1')!;
  assert.deepEqual(
    orderDests(svc.dests, true).map((d) => d.addr),
    ['192.168.0.2', '192.168.0.3', '192.168.0.1'],
  );
  assert.deepEqual(
    orderDests(svc.dests, false).map((d) => d.addr),
    ['192.168.0.1', '192.168.0.2', '192.168.0.3'],
  );
});

test('destinations: address then port; IPv6 word by word', () => {
  const ipvs = new Ipvs();
  const v4 = addrKey('tcp', '10.0.0.1', 0);
  addService(ipvs, serviceSpec(v4, 'rr', { flags: 1, timeout: 360 }));
  addDest(ipvs, v4, destSpec('10.1.0.1', 8080));
  addDest(ipvs, v4, destSpec('10.1.0.1', 80));
  addDest(ipvs, v4, destSpec('10.0.255.255', 9000));
  const v6 = addrKey('tcp', '2001:db8::1', 80);
  addService(ipvs, serviceSpec(v6, 'rr'));
  addDest(ipvs, v6, destSpec('2001:db8::1:0', 80));
  addDest(ipvs, v6, destSpec('2001:db8::ffff', 80));
  addDest(ipvs, v6, destSpec('2001:db7::9', 80));
  const snap = snapshot(ipvs);
  const d4 = orderDests(snap.services[0]!.dests, false).map((d) => `${d.addr}:${d.port}`);
  assert.deepEqual(d4, ['10.0.255.255:9000', '10.1.0.1:80', '10.1.0.1:8080']);
  const d6 = orderDests(snap.services[1]!.dests, false).map((d) => d.addr);
  assert.deepEqual(d6, ['2001:db7::9', '2001:db8::ffff', '2001:db8::1:0']);
});

test('glibcSort is an ordinary stable sort for a consistent comparison', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ k: fc.integer({ min: 0, max: 9 }), i: fc.nat() }), { maxLength: 40 }), (xs) => {
      const byKey = (a: { k: number }, b: { k: number }): number => a.k - b.k;
      assert.deepEqual(glibcSort(xs, byKey), [...xs].sort(byKey));
    }),
    { numRuns: 200 },
  );
});

test('compareServices treats every service equal to itself', () => {
  for (const s of servicesAt('10.0.0.1', '255.255.255.255', '0.0.0.0')) assert.equal(compareServices(s, s), 0);
});
