import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FakeClock } from '../core/fake-clock.js';
import { serviceKeyString, type DestSpec, type SyncDaemon } from '../core/model.js';
import type { Op } from '../core/ops.js';
import { desiredFromOps, diffState, NOTHING_OWNED, ownershipOf, type DesiredState } from './diff.js';
import { Director } from './director.js';
import { destSpecOf, serviceSpecOf } from './specs.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from './testkit.js';

const VIP = tcpKey('127.0.0.100', 8080);
const RS = [8081, 8082, 8083].map((p) => destSpec('127.0.0.1', p));
const CONFIG: Op[] = [addService(svcSpec(VIP)), ...RS.map((d) => addDest(VIP, d))];

function desired(ops: readonly Op[]): DesiredState {
  const r = desiredFromOps(ops);
  if (!r.ok) throw new Error(r.reason);
  return r.desired;
}

function newDirector(): Director {
  const clock = new FakeClock();
  return new Director({ clock, timers: clock });
}

/** Load `ops` as the first configuration and return the director and what it now owns. */
function loaded(ops: readonly Op[]): { d: Director; owned: ReturnType<typeof ownershipOf> } {
  const d = newDirector();
  const want = desired(ops);
  assert.equal(d.apply(diffState(d.ipvs, want, NOTHING_OWNED)).ok, true);
  return { d, owned: ownershipOf(want) };
}

test('from nothing, the difference is the configuration itself, in order', () => {
  const d = newDirector();
  assert.deepEqual(diffState(d.ipvs, desired(CONFIG), NOTHING_OWNED), CONFIG);
});

test('an unchanged configuration gives no operations', () => {
  const { d, owned } = loaded(CONFIG);
  assert.deepEqual(diffState(d.ipvs, desired(CONFIG), owned), []);
});

test('a weight change is one edit, and the real server keeps its counters and identity', () => {
  const { d, owned } = loaded(CONFIG);
  const before = d.ipvs.getService(VIP)!.findDest(RS[1]!)!;
  before.stats.conns = 42;
  before.activeConns = 3;
  const next = CONFIG.map((op) => (op.type === 'add-dest' && op.dest.port === 8082 ? addDest(VIP, { ...op.dest, weight: 3 }) : op));
  const ops = diffState(d.ipvs, desired(next), owned);
  assert.deepEqual(ops, [{ type: 'edit-dest', service: VIP, dest: { ...RS[1]!, weight: 3 } }]);
  assert.equal(d.apply(ops).ok, true);
  const after = d.ipvs.getService(VIP)!.findDest(RS[1]!)!;
  assert.equal(after, before);
  assert.equal(after.weight, 3);
  assert.equal(after.stats.conns, 42);
  assert.equal(after.activeConns, 3);
});

test('a scheduler change edits the service only', () => {
  const { d, owned } = loaded(CONFIG);
  const next: Op[] = [addService(svcSpec(VIP, 'wlc')), ...RS.map((x) => addDest(VIP, x))];
  assert.deepEqual(diffState(d.ipvs, desired(next), owned), [{ type: 'edit-service', service: svcSpec(VIP, 'wlc') }]);
});

test('removals come first, then edits, then additions', () => {
  const { d, owned } = loaded(CONFIG);
  const rs4 = destSpec('127.0.0.1', 8084);
  const svc2 = tcpKey('127.0.0.101', 80);
  const next: Op[] = [
    addService(svcSpec(VIP, 'wrr')),
    addDest(VIP, { ...RS[0]!, weight: 2 }),
    addDest(VIP, rs4),
    addDest(VIP, RS[2]!),
    addService(svcSpec(svc2)),
    addDest(svc2, RS[0]!),
  ];
  assert.deepEqual(diffState(d.ipvs, desired(next), owned), [
    { type: 'delete-dest', service: VIP, dest: { family: 4, addr: '127.0.0.1', port: 8082 } },
    { type: 'edit-service', service: svcSpec(VIP, 'wrr') },
    { type: 'edit-dest', service: VIP, dest: { ...RS[0]!, weight: 2 } },
    { type: 'add-dest', service: VIP, dest: rs4 },
    { type: 'add-service', service: svcSpec(svc2) },
    { type: 'add-dest', service: svc2, dest: RS[0]! },
  ]);
});

test('an owned service that left the configuration is deleted; a service added by hand is left alone', () => {
  const { d, owned } = loaded(CONFIG);
  const byHand = tcpKey('10.9.9.9', 80);
  assert.equal(d.apply([addService(svcSpec(byHand))]).ok, true);
  assert.deepEqual(diffState(d.ipvs, desired([]), owned), [{ type: 'delete-service', service: VIP }]);
});

test('an owned real server deleted by hand is restored (COMPAT: keepalived would not)', () => {
  const { d, owned } = loaded(CONFIG);
  assert.equal(d.apply([{ type: 'delete-dest', service: VIP, dest: RS[0]! }]).ok, true);
  assert.deepEqual(diffState(d.ipvs, desired(CONFIG), owned), [{ type: 'add-dest', service: VIP, dest: RS[0]! }]);
});

test('timeouts: only values given and different are set; 0 means no opinion', () => {
  const { d, owned } = loaded(CONFIG);
  const withTimeouts = [...CONFIG, { type: 'set-timeouts', tcp: 30, tcpfin: 0, udp: 60 } as const];
  assert.deepEqual(diffState(d.ipvs, desired(withTimeouts), owned), [{ type: 'set-timeouts', tcp: 30, tcpfin: 0, udp: 60 }]);
  assert.equal(d.apply([{ type: 'set-timeouts', tcp: 30, tcpfin: 0, udp: 60 }]).ok, true);
  assert.deepEqual(diffState(d.ipvs, desired(withTimeouts), owned), []);
});

test('sync daemons: started, restarted when changed, stopped when owned and gone', () => {
  const master: SyncDaemon = { state: 'master', mcastIfn: 'eth0', syncid: 1, maxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 };
  const d = newDirector();
  const v1 = desired([{ type: 'start-daemon', daemon: master }]);
  assert.deepEqual(diffState(d.ipvs, v1, NOTHING_OWNED), [{ type: 'start-daemon', daemon: master }]);
  assert.equal(d.apply(diffState(d.ipvs, v1, NOTHING_OWNED)).ok, true);
  const changed = { ...master, syncid: 2 };
  assert.deepEqual(diffState(d.ipvs, desired([{ type: 'start-daemon', daemon: changed }]), ownershipOf(v1)), [
    { type: 'stop-daemon', state: 'master' },
    { type: 'start-daemon', daemon: changed },
  ]);
  assert.deepEqual(diffState(d.ipvs, desired([]), ownershipOf(v1)), [{ type: 'stop-daemon', state: 'master' }]);
  assert.deepEqual(diffState(d.ipvs, desired([]), NOTHING_OWNED), []);
});

test('desiredFromOps: a leading flush is accepted, repeats keep the first, defects fail with their position', () => {
  const r = desiredFromOps([{ type: 'flush' }, ...CONFIG, addService(svcSpec(VIP, 'wlc')), addDest(VIP, { ...RS[0]!, weight: 5 })]);
  assert.deepEqual(r, {
    ok: true,
    desired: desired(CONFIG),
    warnings: ['virtual service tcp|127.0.0.100|8080 given twice - keeping the first', 'real server 127.0.0.1|8081 given twice in tcp|127.0.0.100|8080 - keeping the first'],
  });
  assert.deepEqual(desiredFromOps([addDest(VIP, RS[0]!)]), { ok: false, index: 0, reason: 'real server 127.0.0.1|8081 of unknown virtual service tcp|127.0.0.100|8080' });
  assert.deepEqual(desiredFromOps([...CONFIG, { type: 'flush' }]), { ok: false, index: 4, reason: 'flush is only meaningful before everything else' });
  assert.deepEqual(desiredFromOps([{ type: 'zero' }]), { ok: false, index: 0, reason: 'operation zero does not describe a desired state' });
});

// Property: after applying diff(live → B), the owned part of the live state is exactly B, and a
// second diff is empty. Real servers that stay keep their identity.
const arbDest = fc.record({ host: fc.integer({ min: 1, max: 6 }), weight: fc.integer({ min: 0, max: 3 }), fwd: fc.constantFrom('nat' as const, 'dr' as const) });
const arbService = fc.record({
  port: fc.integer({ min: 1, max: 4 }),
  scheduler: fc.constantFrom('rr', 'wrr', 'wlc', 'sh'),
  dests: fc.uniqueArray(arbDest, { selector: (x) => x.host, maxLength: 5 }),
});
const arbConfig = fc.uniqueArray(arbService, { selector: (s) => s.port, maxLength: 4 });

type Cfg = ReadonlyArray<{ port: number; scheduler: string; dests: ReadonlyArray<{ host: number; weight: number; fwd: 'nat' | 'dr' }> }>;

function configOps(cfg: Cfg): Op[] {
  return cfg.flatMap((s) => {
    const key = tcpKey('10.0.0.100', s.port);
    const dests: DestSpec[] = s.dests.map((x) => destSpec(`192.168.0.${x.host}`, 80, x.fwd, { weight: x.weight }));
    return [addService(svcSpec(key, s.scheduler)), ...dests.map((x) => addDest(key, x))];
  });
}

test('property: diff then apply reaches the desired state, keeps identities, and is then empty', () => {
  fc.assert(
    fc.property(arbConfig, arbConfig, (a, b) => {
      const { d, owned } = loaded(configOps(a));
      const kept = new Map<string, unknown>();
      for (const svc of d.ipvs.services.values()) for (const x of svc.dests) kept.set(`${svc.id}/${x.addr}`, x);
      const want = desired(configOps(b));
      assert.equal(d.apply(diffState(d.ipvs, want, owned)).ok, true);
      const live = [...d.ipvs.services.values()].map((s) => ({
        spec: serviceSpecOf(s),
        dests: s.dests.map(destSpecOf).sort((x, y) => x.addr.localeCompare(y.addr)),
      }));
      const expect = want.services.map((s) => ({ spec: s.spec, dests: [...s.dests].sort((x, y) => x.addr.localeCompare(y.addr)) }));
      const byId = (l: typeof live) => [...l].sort((x, y) => serviceKeyString(x.spec.key).localeCompare(serviceKeyString(y.spec.key)));
      assert.deepEqual(byId(live), byId(expect));
      for (const svc of d.ipvs.services.values()) {
        for (const x of svc.dests) {
          const old = kept.get(`${svc.id}/${x.addr}`);
          if (old) assert.equal(x, old);
        }
      }
      assert.deepEqual(diffState(d.ipvs, want, ownershipOf(want)), []);
    }),
    { numRuns: 150 },
  );
});
