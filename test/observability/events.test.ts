// The event log's ring buffer and sequence numbers, and the comparisons that feed it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dataplaneChanges, EventLog, MAX_DIAGNOSTIC_EVENTS, reloadEvents, StatusWatch, vrrpStartEvent, vrrpTransitionEvent, type EngineEvent } from '../../src/engine/events.js';
import type { VrrpTransition } from '../../src/engine/vrrp/transitions.js';
import { fakeVrrp } from './fake-vrrp.js';

const ev = (message: string) => ({ kind: 'config' as const, severity: 'warn' as const, message, data: {} });

test('EventLog: monotonic sequence numbers, the oldest fall off, since/recent read in order', () => {
  let t = 1000;
  const log = new EventLog(() => t++, 3);
  const seen: number[] = [];
  log.subscribe((e) => seen.push(e.seq));
  for (const m of ['a', 'b', 'c', 'd', 'e']) log.record(ev(m));
  assert.equal(log.nextSeq, 6);
  assert.equal(log.firstSeq, 3);
  assert.deepEqual(log.since(0).map((e) => [e.seq, e.message, e.time]), [[3, 'c', 1002], [4, 'd', 1003], [5, 'e', 1004]]);
  assert.deepEqual(log.since(4).map((e) => e.message), ['e']);
  assert.deepEqual(log.since(5), []);
  assert.deepEqual(log.recent(2).map((e) => e.message), ['d', 'e']);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.deepEqual(log.counts(), { config: 5 });
  assert.throws(() => new EventLog(() => 0, 0), /positive integer/);
});

test('EventLog: since(n) is always the held suffix after n (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 35 }), (cap, n, after) => {
      const log = new EventLog(() => 0, cap);
      for (let i = 0; i < n; i++) log.record(ev(String(i + 1)));
      const got = log.since(after).map((e: EngineEvent) => e.seq);
      const want: number[] = [];
      for (let s = Math.max(after + 1, n - cap + 1, 1); s <= n; s++) want.push(s);
      assert.deepEqual(got, want);
    }),
    { numRuns: 200 },
  );
});

test('vrrpTransitionEvent: one event per transition with its reason; severity by what changed', () => {
  const t: VrrpTransition = { instance: 'VI_1', vrid: 51, ifname: 'eth0', from: 'BACKUP', to: 'MASTER', reason: 'master 10.0.0.1 resigned (priority 0)', priority: 150, masterAddress: '10.0.0.2', at: 1234.5 };
  assert.deepEqual(vrrpTransitionEvent(t), {
    kind: 'vrrp', severity: 'warn', message: 'VRRP_Instance(VI_1) BACKUP -> MASTER (master 10.0.0.1 resigned (priority 0))',
    data: { instance: 'VI_1', vrid: 51, ifname: 'eth0', from: 'BACKUP', to: 'MASTER', reason: 'master 10.0.0.1 resigned (priority 0)', priority: 150, master: '10.0.0.2' },
  });
  assert.deepEqual([vrrpTransitionEvent({ ...t, from: 'MASTER', to: 'FAULT', reason: 'interface eth0 down' })].map((e) => [e.severity, e.message]), [['error', 'VRRP_Instance(VI_1) MASTER -> FAULT (interface eth0 down)']]);
  assert.equal(vrrpTransitionEvent({ ...t, from: 'INIT', to: 'BACKUP', reason: 'startup' }).severity, 'info');
  assert.equal(vrrpTransitionEvent({ ...t, from: 'MASTER', to: 'BACKUP' }).severity, 'warn');
});

test('vrrpStartEvent: running, not started (with the reason), or nothing when there is no VRRP', () => {
  assert.deepEqual(vrrpStartEvent(fakeVrrp([{ name: 'VI_1', state: 'BACKUP' }])), { kind: 'vrrp', severity: 'info', message: 'VRRP running: 1 instance(s)', data: { running: true } });
  const off = { running: false, reason: 'VRRP not started: native addon not built', instances: [], syncGroups: [], sockets: {} };
  assert.deepEqual(vrrpStartEvent(off), { kind: 'vrrp', severity: 'error', message: 'VRRP not started: native addon not built', data: { running: false } });
  assert.equal(vrrpStartEvent({ ...off, reason: null }), null);
});

test('EventLog.record takes the time an event happened when it is recorded a moment later', () => {
  const log = new EventLog(() => 5_000);
  assert.equal(log.record(ev('now')).time, 5_000);
  assert.equal(log.record(ev('earlier'), 4_990).time, 4_990);
});

test('dataplaneChanges: problems appearing and clearing', () => {
  const p = { service: 'tcp|10.0.0.1|80', code: 'vip-not-local', message: 'VIP 10.0.0.1 is not a local address' };
  assert.deepEqual(dataplaneChanges([], [p]), [{ kind: 'dataplane', severity: 'error', message: 'tcp|10.0.0.1|80: VIP 10.0.0.1 is not a local address', data: { service: p.service, code: p.code, cleared: false } }]);
  assert.deepEqual(dataplaneChanges([p], [p]), []);
  assert.deepEqual(dataplaneChanges([p], []).map((e) => e.message), ['tcp|10.0.0.1|80: resolved (vip-not-local)']);
});

test('StatusWatch records data-plane problems that appear and clear between polls', () => {
  const log = new EventLog(() => 0);
  const p = { service: 'tcp|10.0.0.1|80', code: 'port-in-use', message: 'port 80 is in use' };
  let problems = [p];
  const w = new StatusWatch(log, { problems: () => problems });
  w.poll();
  w.poll();
  problems = [];
  w.poll();
  w.poll();
  assert.deepEqual(log.since(0).map((e) => [e.seq, e.message]), [[1, 'tcp|10.0.0.1|80: port 80 is in use'], [2, 'tcp|10.0.0.1|80: resolved (port-in-use)']]);
});

test('reloadEvents: diagnostics (capped) then applied or refused', () => {
  assert.deepEqual(reloadEvents({ ok: true, messages: ['(Line 3) Unknown keyword \'x\''], ops: [1, 2] }, true), [
    { kind: 'config', severity: 'warn', message: "(Line 3) Unknown keyword 'x'", data: {} },
    { kind: 'reload', severity: 'info', message: 'Configuration loaded: 2 operation(s)', data: { ok: true, ops: 2, first: true } },
  ]);
  const many = Array.from({ length: MAX_DIAGNOSTIC_EVENTS + 3 }, (_, i) => `error ${i}`);
  const r = reloadEvents({ ok: false, refused: 'config-errors', messages: many, ops: [] }, false);
  assert.equal(r.length, MAX_DIAGNOSTIC_EVENTS + 2);
  assert.deepEqual(r.at(-2), { kind: 'config', severity: 'warn', message: '3 more diagnostics (see the log)', data: { omitted: 3 } });
  assert.deepEqual(r.at(-1), { kind: 'reload', severity: 'error', message: 'Reload refused (config-errors); the running configuration is kept', data: { ok: false, refused: 'config-errors', first: false } });
  assert.deepEqual(reloadEvents({ ok: false, refused: 'unreadable', messages: ['cannot read /etc/k.conf: ENOENT'], ops: [] }, false), [
    { kind: 'reload', severity: 'error', message: 'Reload refused (unreadable: cannot read /etc/k.conf: ENOENT); the running configuration is kept', data: { ok: false, refused: 'unreadable', first: false } },
  ]);
});
