import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHealth, type HealthState } from './state.js';
import { checker, inputs, realServer, show, virtualServer } from './testkit.js';
import type { CheckResult, HealthSpec } from './spec.js';

const PASS: CheckResult = { kind: 'pass' };
const REFUSED: CheckResult = { kind: 'fail', reason: 'failed' };

function start(spec: HealthSpec): { state: HealthState; effects: string[] } {
  const p = planHealth(null, spec, inputs());
  return { state: p.state, effects: show(p.effects) };
}

/** Feed results to the first checker of the first real server; returns [delay, effects] per result. */
function feed(state: HealthState, results: CheckResult[], rsIndex = 0, checkerIndex = 0): [number, string[]][] {
  const c = state.virtualServers[0]!.realServers[rsIndex]!.checkers[checkerIndex]!;
  return results.map((r) => {
    const o = state.result(c, r);
    return [o.next.delayMs, show(o.effects)];
  });
}

const one = (over = {}): HealthSpec => ({ virtualServers: [virtualServer([realServer('10.0.0.1', over)])], logAllFailures: false });

test('start: a real server without alpha is added at once and the quorum is gained', () => {
  const { effects } = start(one());
  assert.deepEqual(effects, [
    '+rs 10.0.0.1|80 w1',
    'log: Gained quorum 1+0=1 <= 1 for VS [10.0.0.100]:tcp:80',
    'run: /qup',
    'log: Activating healthchecker for service [10.0.0.1]:tcp:80 for VS [10.0.0.100]:tcp:80',
  ]);
});

test('the very first failure is final: no retries before the first result', () => {
  const { state } = start(one());
  assert.deepEqual(feed(state, [REFUSED]), [
    [6000, [
      'log: TCP_CHECK on service [10.0.0.1]:tcp:80 failed.',
      'log: Removing service [10.0.0.1]:tcp:80 from VS [10.0.0.100]:tcp:80',
      '-rs 10.0.0.1|80',
      'run: /down 10.0.0.1',
      'log: Lost quorum 1-0=1 > 0 for VS [10.0.0.100]:tcp:80',
      'run: /qdown',
    ]],
  ]);
});

test('retry 3: an up server goes down on the 4th consecutive failure, retries spaced by delay_before_retry', () => {
  const { state } = start(one());
  const r = feed(state, [PASS, PASS, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED]);
  assert.deepEqual(r.map(([d]) => d), [6000, 6000, 3000, 3000, 3000, 6000, 6000]);
  assert.deepEqual(r[0]![1], ['log: TCP connection to [10.0.0.1]:tcp:80 success.']);
  assert.deepEqual(r.slice(1, 5).map(([, e]) => e), [[], [], [], []]);
  assert.deepEqual(r[5]![1].slice(0, 3), [
    'log: TCP_CHECK on service [10.0.0.1]:tcp:80 failed after 3 retries.',
    'log: Removing service [10.0.0.1]:tcp:80 from VS [10.0.0.100]:tcp:80',
    '-rs 10.0.0.1|80',
  ]);
  // Already down: polled every delay_loop, silently.
  assert.deepEqual(r[6], [6000, []]);
});

test('a success between failures resets the retry count', () => {
  const { state } = start(one());
  const r = feed(state, [PASS, REFUSED, REFUSED, PASS, REFUSED, REFUSED, REFUSED]);
  assert.deepEqual(r.map(([d]) => d), [6000, 3000, 3000, 6000, 3000, 3000, 3000]);
  assert.ok(r.every(([, e], i) => i === 0 || e.length === 0));
});

test('a down server comes back after one success', () => {
  const { state } = start(one());
  feed(state, [REFUSED]);
  assert.deepEqual(feed(state, [PASS]), [
    [6000, [
      'log: TCP connection to [10.0.0.1]:tcp:80 success.',
      'log: Adding service [10.0.0.1]:tcp:80 to VS [10.0.0.100]:tcp:80',
      '+rs 10.0.0.1|80 w1',
      'run: /up 10.0.0.1',
      'log: Gained quorum 1+0=1 <= 1 for VS [10.0.0.100]:tcp:80',
      'run: /qup',
    ]],
  ]);
});

test('inhibit_on_failure: weight 0 instead of removal, and back', () => {
  const { state } = start(one({ inhibit: true }));
  const r = feed(state, [REFUSED, PASS]);
  assert.deepEqual(r[0]![1].slice(0, 3), [
    'log: TCP_CHECK on service [10.0.0.1]:tcp:80 failed.',
    'log: Disabling service [10.0.0.1]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '+rs 10.0.0.1|80 w0',
  ]);
  assert.deepEqual(r[1]![1].slice(1, 3), ['log: Enabling service [10.0.0.1]:tcp:80 of VS [10.0.0.100]:tcp:80', '+rs 10.0.0.1|80 w1']);
});

test('alpha: starts out of the pool (weight 0 with inhibit), first failure runs notify_down, first success adds', () => {
  const alpha = { checkers: [checker({ alpha: true })] };
  assert.deepEqual(start(one(alpha)).effects, ['log: Activating healthchecker for service [10.0.0.1]:tcp:80 for VS [10.0.0.100]:tcp:80']);
  assert.deepEqual(start(one({ ...alpha, inhibit: true })).effects[0], '+rs 10.0.0.1|80 w0');
  const { state } = start(one(alpha));
  assert.deepEqual(feed(state, [REFUSED]), [[6000, ['log: TCP_CHECK on service [10.0.0.1]:tcp:80 failed.', 'run: /down 10.0.0.1']]]);
  assert.deepEqual(feed(state, [PASS])[0]![1].slice(0, 3), [
    'log: TCP connection to [10.0.0.1]:tcp:80 success.',
    'log: Adding service [10.0.0.1]:tcp:80 to VS [10.0.0.100]:tcp:80',
    '+rs 10.0.0.1|80 w1',
  ]);
});

test('several checkers: the first failure takes the server down, it comes back only when all pass', () => {
  const { state } = start(one({ checkers: [checker(), checker({ identity: 'tcp2' })] }));
  assert.deepEqual(feed(state, [PASS], 0, 0)[0]![1], ['log: TCP connection to [10.0.0.1]:tcp:80 success.']);
  assert.equal(feed(state, [REFUSED], 0, 1)[0]![1][1], 'log: Removing service [10.0.0.1]:tcp:80 from VS [10.0.0.100]:tcp:80');
  feed(state, [PASS, REFUSED, REFUSED, REFUSED, REFUSED], 0, 0);
  const rs = state.virtualServers[0]!.realServers[0]!;
  assert.deepEqual([rs.alive, rs.set, rs.numFailedCheckers], [false, false, 2]);
  // One checker recovering is not enough.
  assert.deepEqual(feed(state, [PASS], 0, 1)[0]![1], ['log: TCP connection to [10.0.0.1]:tcp:80 success.']);
  assert.equal(rs.set, false);
  assert.deepEqual(feed(state, [PASS], 0, 0)[0]![1].slice(0, 3), [
    'log: TCP connection to [10.0.0.1]:tcp:80 success.',
    'log: Adding service [10.0.0.1]:tcp:80 to VS [10.0.0.100]:tcp:80',
    '+rs 10.0.0.1|80 w1',
  ]);
});

test('log_all_failures logs every failure of an up checker', () => {
  const { state } = start(one({ checkers: [checker({ logAllFailures: true })] }));
  const r = feed(state, [PASS, { kind: 'fail', reason: 'timeout' }, REFUSED]);
  assert.deepEqual(r.slice(1).map(([, e]) => e), [['log: TCP connection to [10.0.0.1]:tcp:80 timeout.'], ['log: TCP connection to [10.0.0.1]:tcp:80 failed.']]);
});

test('a check that could not start changes nothing and is tried again after delay_loop', () => {
  const { state } = start(one());
  assert.deepEqual(feed(state, [{ kind: 'skipped', reason: 'TCP socket bind failed. Rescheduling.' }]), [[6000, ['log: TCP socket bind failed. Rescheduling.']]]);
  assert.equal(state.virtualServers[0]!.realServers[0]!.checkers[0]!.hasRun, false);
});

test('DNS and SMTP log the failure reason when no retry is left', () => {
  const dns = start(one({ checkers: [checker({ type: 'DNS_CHECK', retry: 1 })] })).state;
  const r = feed(dns, [PASS, { kind: 'fail', reason: 'read timeout from socket' }, { kind: 'fail', reason: 'read timeout from socket' }]);
  assert.deepEqual(r[0]![1], []);
  assert.deepEqual(r[1], [3000, []]);
  assert.deepEqual(r[2]![1][0], 'log: DNS_CHECK ([10.0.0.1]:tcp:80) read timeout from socket after 1 retries');
  const smtp = start(one({ checkers: [checker({ type: 'SMTP_CHECK', retry: 0 })] })).state;
  const s = feed(smtp, [{ kind: 'fail', reason: 'Bad greeting banner from server [10.0.0.1]:25' }, PASS]);
  assert.deepEqual(s[0]![1][0], 'log: SMTP_CHECK Bad greeting banner from server [10.0.0.1]:25');
  assert.deepEqual(s[1]![1][0], 'log: Remote SMTP server [10.0.0.1]:tcp:80 succeed on service.');
});

test('PING_CHECK and UDP_CHECK use their own words', () => {
  const ping = start(one({ checkers: [checker({ type: 'PING_CHECK' })] })).state;
  assert.deepEqual(feed(ping, [PASS, REFUSED, REFUSED, REFUSED, REFUSED]).at(-1)![1][0], 'log: ICMP CHECK on service [10.0.0.1]:tcp:80 of [10.0.0.100]:tcp:80 failed after 3 retries.');
  const udp = start(one({ checkers: [checker({ type: 'UDP_CHECK', retry: 0 })] })).state;
  assert.deepEqual(feed(udp, [PASS, REFUSED]).map(([, e]) => e[0]), ['log: UDP connection to [10.0.0.1]:tcp:80 success.', 'log: UDP_CHECK on service [10.0.0.1]:tcp:80 failed.']);
});
