import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHealth, type HealthState } from './state.js';
import { checker, inputs, realServer, show, virtualServer } from './testkit.js';
import type { CheckResult, VirtualServerSpec } from './spec.js';

const PASS: CheckResult = { kind: 'pass' };
const FAIL: CheckResult = { kind: 'fail', reason: 'failed' };
const VS = '[10.0.0.100]:tcp:80';

function start(vs: VirtualServerSpec): { state: HealthState; effects: string[] } {
  const p = planHealth(null, { virtualServers: [vs], logAllFailures: false }, inputs());
  return { state: p.state, effects: show(p.effects).filter((l) => !l.includes('Activating')) };
}

function result(state: HealthState, rs: number, r: CheckResult): string[] {
  const c = state.virtualServers[0]!.realServers[rs]!.checkers[0]!;
  return show(state.result(c, r).effects);
}

const noRetry = [checker({ retry: 0 })];
const three = (over: Partial<VirtualServerSpec>): VirtualServerSpec =>
  virtualServer(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((a) => realServer(a, { checkers: noRetry })), over);

test('quorum with hysteresis: lost below quorum − hysteresis, regained at quorum + hysteresis', () => {
  const { state, effects } = start(three({ quorum: 2, hysteresis: 1 }));
  assert.deepEqual(effects.slice(3), [`log: Gained quorum 2+1=3 <= 3 for VS ${VS}`, 'run: /qup']);
  for (const rs of [0, 1, 2]) result(state, rs, PASS);
  assert.equal(result(state, 0, FAIL).some((l) => l.includes('quorum')), false);
  assert.equal(result(state, 1, FAIL).some((l) => l.includes('quorum')), false);
  assert.deepEqual(result(state, 2, FAIL).slice(-2), [`log: Lost quorum 2-1=1 > 0 for VS ${VS}`, 'run: /qdown']);
  // Back up needs quorum + hysteresis = 3.
  assert.equal(result(state, 0, PASS).some((l) => l.includes('quorum')), false);
  assert.equal(result(state, 1, PASS).some((l) => l.includes('quorum')), false);
  assert.deepEqual(result(state, 2, PASS).slice(-2), [`log: Gained quorum 2+1=3 <= 3 for VS ${VS}`, 'run: /qup']);
});

test('sorry server: replaces the remaining real servers when the quorum is lost, and leaves when it is back', () => {
  const sorry = { id: '10.0.0.9|80', name: '[10.0.0.9]:tcp:80', inhibit: false };
  const { state } = start(three({ quorum: 2, sorry }));
  for (const rs of [0, 1, 2]) result(state, rs, PASS);
  result(state, 0, FAIL);
  assert.deepEqual(result(state, 1, FAIL), [
    'log: TCP_CHECK on service [10.0.0.2]:tcp:80 failed.',
    `log: Removing service [10.0.0.2]:tcp:80 from VS ${VS}`,
    '-rs 10.0.0.2|80',
    'run: /down 10.0.0.2',
    `log: Lost quorum 2-0=2 > 1 for VS ${VS}`,
    `log: Adding sorry server [10.0.0.9]:tcp:80 to VS ${VS}`,
    `log: Removing alive servers from the pool for VS ${VS}`,
    '-rs 10.0.0.3|80',
    '+sorry 10.0.0.9|80 w1',
    'run: /qdown',
  ]);
  // While the sorry server serves, a recovering real server is recorded but not programmed...
  assert.deepEqual(result(state, 0, PASS), [
    'log: TCP connection to [10.0.0.1]:tcp:80 success.',
    `log: Adding service [10.0.0.1]:tcp:80 to VS ${VS}`,
    'run: /up 10.0.0.1',
    `log: Gained quorum 2+0=2 <= 2 for VS ${VS}`,
    `log: Removing sorry server [10.0.0.9]:tcp:80 from VS ${VS}`,
    '-sorry 10.0.0.9|80',
    `log: Adding alive servers to the pool for VS ${VS}`,
    '+rs 10.0.0.1|80 w1',
    '+rs 10.0.0.3|80 w1',
    'run: /qup',
  ]);
});

test('sorry_server_inhibit: present with weight 0 from the start, enabled with weight 1', () => {
  const sorry = { id: '10.0.0.9|80', name: '[10.0.0.9]:tcp:80', inhibit: true };
  const { state, effects } = start(virtualServer([realServer('10.0.0.1', { checkers: noRetry })], { sorry }));
  assert.deepEqual(effects, ['+rs 10.0.0.1|80 w1', `log: Gained quorum 1+0=1 <= 1 for VS ${VS}`, 'run: /qup', '+sorry 10.0.0.9|80 w0']);
  const down = result(state, 0, FAIL);
  assert.deepEqual(down.slice(4, 8), [`log: Lost quorum 1-0=1 > 0 for VS ${VS}`, `log: Enabling sorry server [10.0.0.9]:tcp:80 to VS ${VS}`, `log: Removing alive servers from the pool for VS ${VS}`, '+sorry 10.0.0.9|80 w1']);
  assert.ok(result(state, 0, PASS).includes('+sorry 10.0.0.9|80 w0'));
});

test('starting with the quorum down installs the sorry server at once', () => {
  const sorry = { id: '10.0.0.9|80', name: '[10.0.0.9]:tcp:80', inhibit: false };
  const alpha = realServer('10.0.0.1', { checkers: [{ ...realServer('x').checkers[0]!, alpha: true }] });
  const { effects } = start(virtualServer([alpha], { sorry }));
  assert.deepEqual(effects, [
    `log: Starting with quorum down 1-0=1 > 0 for VS ${VS}`,
    `log: Adding sorry server [10.0.0.9]:tcp:80 to VS ${VS}`,
    `log: Removing alive servers from the pool for VS ${VS}`,
    '+sorry 10.0.0.9|80 w1',
    'run: /qdown',
  ]);
});

test('shutdown: without omega nothing runs; with omega notify_down and quorum_down run (bounded)', () => {
  const plain = start(three({})).state;
  assert.deepEqual(show(plain.shutdown()).filter((l) => l.startsWith('run')), []);
  const omega = start(three({ omega: true })).state;
  assert.deepEqual(show(omega.shutdown()), [
    `log: Shutting down service [10.0.0.1]:tcp:80 from VS ${VS}`, '-rs 10.0.0.1|80', 'run: /down 10.0.0.1 (stopping)',
    `log: Shutting down service [10.0.0.2]:tcp:80 from VS ${VS}`, '-rs 10.0.0.2|80', 'run: /down 10.0.0.2 (stopping)',
    `log: Shutting down service [10.0.0.3]:tcp:80 from VS ${VS}`, '-rs 10.0.0.3|80', 'run: /down 10.0.0.3 (stopping)',
    'run: /qdown (stopping)',
  ]);
});

test('ha_suspend: checkers are suspended while the address is absent and activated when it appears', () => {
  const p = planHealth(null, { virtualServers: [virtualServer([realServer('10.0.0.1')], { haSuspend: true })], logAllFailures: false }, inputs({}, 0));
  assert.deepEqual(show(p.effects).at(-1), `log: Deactivating healthchecker for service [10.0.0.1]:tcp:80 for VS ${VS}`);
  const c = p.state.virtualServers[0]!.realServers[0]!.checkers[0]!;
  assert.equal(c.enabled, false);
  const id = p.state.virtualServers[0]!.id;
  assert.deepEqual(show(p.state.addressChanged(id, 1)), [`log: Activating healthchecker for service [10.0.0.1]:tcp:80 for VS ${VS}`]);
  assert.deepEqual(show(p.state.addressChanged(id, 1)), []);
  assert.deepEqual(show(p.state.addressChanged(id, -1)), []);
  assert.deepEqual(show(p.state.addressChanged(id, -1)), [`log: Suspending healthchecker for service [10.0.0.1]:tcp:80 for VS ${VS}`]);
  assert.equal(c.enabled, false);
});
