import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../core/fake-clock.js';
import { TRASH_FREE_AFTER_MS } from '../core/ipvs.js';
import type { Logger } from '../core/ports.js';
import { Director, MAINTENANCE_PERIOD_MS } from './director.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from './testkit.js';

const VIP = tcpKey('10.0.0.100', 80);
const RS1 = destSpec('192.168.1.11', 80);
const RS2 = destSpec('192.168.1.12', 80);

function director(clock = new FakeClock(), logger?: Logger): { d: Director; clock: FakeClock } {
  return { d: new Director({ clock, timers: clock, ...(logger ? { logger } : {}) }), clock };
}

test('the estimator runs every 2 s and gives the kernel sequence for 100 conn/s', () => {
  const { d, clock } = director();
  d.apply([addService(svcSpec(VIP)), addDest(VIP, RS1)]);
  d.start();
  const svc = d.ipvs.getService(VIP)!;
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    svc.stats.conns += 200; // 100 per second over the 2-second period
    clock.advance(2000);
    seen.push(d.snapshot().services[0]!.rates.cps);
  }
  assert.deepEqual(seen, [25, 44, 58, 68, 76, 82]);
  assert.equal(svc.stats.internalAverages().cps, 84175);
});

test('ticks start 2 s after start() and stop() clears them', () => {
  const { d, clock } = director(new FakeClock(500));
  d.start();
  assert.equal(clock.pendingCount, 2); // estimator + maintenance
  const svcAdded = d.apply([addService(svcSpec(VIP)), addDest(VIP, RS1)]);
  assert.equal(svcAdded.ok, true);
  const svc = d.ipvs.getService(VIP)!;
  svc.stats.conns += 200;
  clock.advance(1999); // t = 2499: not yet
  assert.equal(svc.stats.internalAverages().cps, 0);
  clock.advance(1); // t = 2500
  assert.equal(svc.stats.internalAverages().cps, 25600);
  d.start(); // idempotent
  assert.equal(clock.pendingCount, 2);
  d.stop();
  assert.equal(clock.pendingCount, 0);
  assert.equal(d.running, false);
});

test('a late tick does not shift the next one: ticks stay on the 2-second grid', () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  let late = 300;
  // Timers that fire the first estimator tick 300 ms late, as a busy event loop would.
  const timers = {
    set: (delay: number, fn: () => void) => {
      const extra = delay === 2000 ? late : 0;
      late = 0;
      return clock.set(delay + extra, fn);
    },
    clear: (h: { id: number }) => clock.clear(h),
  };
  const d = new Director({ clock, timers });
  d.apply([addService(svcSpec(VIP))]);
  const svc = d.ipvs.getService(VIP)!;
  const estimate = svc.stats.estimate.bind(svc.stats);
  svc.stats.estimate = () => {
    fired.push(clock.now());
    estimate();
  };
  d.start();
  clock.advance(6000);
  assert.deepEqual(fired, [2300, 4000, 6000]);
});

test('the 60-second maintenance tick frees trashed destinations 120 s after deletion', () => {
  const { d, clock } = director();
  d.start();
  d.apply([addService(svcSpec(VIP)), addDest(VIP, RS1), addDest(VIP, RS2)]);
  clock.advance(1000);
  d.apply([{ type: 'delete-dest', service: VIP, dest: RS1 }]); // trashed at t = 1 s
  assert.deepEqual(d.ipvs.trash.map((x) => x.addr), ['192.168.1.11']);
  clock.advance(2 * MAINTENANCE_PERIOD_MS - 1000); // t = 120 s: only 119 s in the trash
  assert.equal(d.ipvs.trash.length, 1);
  clock.advance(MAINTENANCE_PERIOD_MS); // t = 180 s
  assert.equal(d.ipvs.trash.length, 0);
  assert.ok(180_000 - 1000 >= TRASH_FREE_AFTER_MS);
});

test('an atomic batch with a failing operation changes nothing', () => {
  const { d } = director();
  d.apply([addService(svcSpec(VIP)), addDest(VIP, RS1)]);
  const dest = d.ipvs.getService(VIP)!.findDest(RS1)!;
  dest.stats.conns = 7;
  const r = d.apply([{ type: 'delete-dest', service: VIP, dest: RS1 }, addDest(VIP, RS2), addService(svcSpec(VIP))]);
  assert.deepEqual(r, {
    ok: false,
    outcomes: [{ status: 'skipped' }, { status: 'skipped' }, { status: 'failed', errno: 'EEXIST', detail: 'service tcp|10.0.0.100|80 exists' }],
  });
  const svc = d.ipvs.getService(VIP)!;
  assert.deepEqual(svc.dests.map((x) => x.addr), ['192.168.1.11']);
  assert.equal(svc.dests[0], dest);
  assert.equal(dest.stats.conns, 7);
  assert.equal(d.ipvs.trash.length, 0);
});

test('a continue batch applies around failures (ipvsadm -R)', () => {
  const { d } = director();
  const r = d.apply([addService(svcSpec(VIP)), addService(svcSpec(VIP)), addDest(VIP, RS1)], 'continue');
  assert.deepEqual(r.outcomes, [{ status: 'applied' }, { status: 'failed', errno: 'EEXIST', detail: 'service tcp|10.0.0.100|80 exists' }, { status: 'applied' }]);
  assert.equal(r.ok, false);
  assert.deepEqual(d.snapshot().services[0]!.dests.map((x) => x.addr), ['192.168.1.11']);
});

test('an atomic batch that passes its rehearsal is applied in order, destinations newest first', () => {
  const { d } = director();
  const r = d.apply([addService(svcSpec(VIP, 'wrr')), addDest(VIP, RS1), addDest(VIP, RS2), { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 }]);
  assert.equal(r.ok, true);
  assert.equal(r.outcomes.length, 4);
  const snap = d.snapshot();
  assert.deepEqual(snap.services[0]!.dests.map((x) => x.addr), ['192.168.1.12', '192.168.1.11']);
  assert.deepEqual(snap.timeouts, { tcp: 30, tcpfin: 5, udp: 60 });
});

test('refusals are logged with the errno; successes only as debug', () => {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m, f) => lines.push(`info ${m} ${JSON.stringify(f)}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  const { d } = director(new FakeClock(), logger);
  d.apply([addService(svcSpec(VIP))]);
  d.apply([{ type: 'delete-service', service: tcpKey('10.0.0.1', 80) }]);
  assert.deepEqual(lines, [
    'debug applied add-service TCP 10.0.0.100:80 rr',
    'info operation refused: delete-service TCP 10.0.0.1:80: no service tcp|10.0.0.1|80 {"errno":"ESRCH"}',
  ]);
});

test('connections come from the attached source', () => {
  const { d } = director();
  assert.deepEqual(d.connections(), []);
  const conn = {
    protocol: 'TCP',
    family: 4 as const,
    caddr: '203.0.113.7',
    cport: 51514,
    vaddr: '10.0.0.100',
    vport: 80,
    daddr: '192.168.1.11',
    dport: 80,
    state: 'ESTABLISHED',
    expiresMs: 899_000,
    template: false,
    pe: '',
    peData: '',
    fwd: 'nat' as const,
  };
  d.setConnectionSource(() => [conn]);
  assert.deepEqual(d.connections(), [conn]);
});
