import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHealth, type HealthState } from './state.js';
import { checker, inputs, realServer, show, virtualServer } from './testkit.js';
import type { HealthSpec, RealServerSpec, VirtualServerSpec } from './spec.js';

const FAIL = { kind: 'fail', reason: 'failed' } as const;
const PASS = { kind: 'pass' } as const;
const spec = (...vss: VirtualServerSpec[]): HealthSpec => ({ virtualServers: vss, logAllFailures: false });
const noRetry = (over: Partial<RealServerSpec> = {}) => ({ checkers: [checker({ retry: 0 })], ...over });

function rs(state: HealthState, i: number) {
  return state.virtualServers[0]!.realServers[i]!;
}

function twoServers(over: Partial<RealServerSpec> = {}): VirtualServerSpec {
  return virtualServer([realServer('10.0.0.1', noRetry(over)), realServer('10.0.0.2', noRetry())]);
}

test('reload keeps a failed real server out, keeps its checker state, and does not touch the running state until used', () => {
  const first = planHealth(null, spec(twoServers()), inputs()).state;
  first.result(rs(first, 0).checkers[0]!, FAIL);
  assert.deepEqual([rs(first, 0).alive, rs(first, 0).set], [false, false]);
  const plan = planHealth(first, spec(twoServers()), inputs());
  // Nothing to log or change: the same configuration.
  assert.deepEqual(show(plan.effects).filter((l) => !l.includes('Activating')), []);
  const a = rs(plan.state, 0);
  assert.deepEqual([a.alive, a.set, a.reloaded, a.numFailedCheckers, a.checkers[0]!.isUp, a.checkers[0]!.hasRun], [false, false, true, 1, false, true]);
  assert.equal(plan.continued.get(rs(first, 0).checkers[0]!), a.checkers[0]);
  // One success brings it back in the new state.
  assert.ok(show(plan.state.result(a.checkers[0]!, PASS).effects).includes('+rs 10.0.0.1|80 w1'));
  // The old state was not changed by planning.
  assert.deepEqual([rs(first, 0).set, rs(first, 1).set], [false, true]);
});

test('a checker whose connection options changed starts afresh; a removed real server is taken out with its notify', () => {
  const first = planHealth(null, spec(twoServers()), inputs()).state;
  first.result(rs(first, 0).checkers[0]!, PASS);
  const changed = virtualServer([realServer('10.0.0.1', { checkers: [checker({ identity: 'tcp:8080', retry: 0 })] })]);
  const plan = planHealth(first, spec(changed), inputs());
  assert.deepEqual(show(plan.effects), [
    'log: service [10.0.0.2]:tcp:80 no longer exist',
    'log: Removing service [10.0.0.2]:tcp:80 from VS [10.0.0.100]:tcp:80',
    '-rs 10.0.0.2|80',
    'run: /down 10.0.0.2',
    'log: Activating healthchecker for service [10.0.0.1]:tcp:80 for VS [10.0.0.100]:tcp:80',
  ]);
  assert.equal(plan.continued.size, 0);
  const c = rs(plan.state, 0).checkers[0]!;
  assert.deepEqual([c.isUp, c.hasRun, c.retryIt], [true, false, 0]);
  assert.deepEqual([rs(plan.state, 0).alive, rs(plan.state, 0).set], [true, true]);
});

test('a new real server with an alpha checker starts down; a new plain one is added', () => {
  const first = planHealth(null, spec(virtualServer([realServer('10.0.0.1')])), inputs()).state;
  const next = virtualServer([
    realServer('10.0.0.1'),
    realServer('10.0.0.2', { checkers: [checker({ alpha: true })] }),
    realServer('10.0.0.3'),
  ]);
  const plan = planHealth(first, spec(next), inputs());
  assert.deepEqual(show(plan.effects).filter((l) => !l.includes('Activating')), ['+rs 10.0.0.3|80 w1']);
  assert.deepEqual(plan.state.virtualServers[0]!.realServers.map((r) => [r.alive, r.set]), [[true, true], [false, false], [true, true]]);
});

test('a changed weight applies to a kept real server; a removed virtual server takes its servers with it', () => {
  const other = virtualServer([realServer('10.0.0.7')], { id: 'tcp|10.0.0.200|80', name: '[10.0.0.200]:tcp:80' });
  const first = planHealth(null, spec(twoServers(), other), inputs()).state;
  const plan = planHealth(first, spec(twoServers({ weight: 4 })), inputs());
  assert.deepEqual(show(plan.effects).filter((l) => !l.includes('Activating')), [
    'log: Removing Virtual Server [10.0.0.200]:tcp:80',
    'log: Removing service [10.0.0.7]:tcp:80 from VS [10.0.0.200]:tcp:80',
    '-rs 10.0.0.7|80',
    'run: /down 10.0.0.7',
    'run: /qdown',
    'log: Changing weight from 1 to 4 for active service [10.0.0.1]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '+rs 10.0.0.1|80 w4',
  ]);
});

test('retry progress carries over, capped so that one more failure is final', () => {
  const three = virtualServer([realServer('10.0.0.1', { checkers: [checker({ retry: 3 })] })]);
  const first = planHealth(null, spec(three), inputs()).state;
  const c = rs(first, 0).checkers[0]!;
  for (const r of [PASS, FAIL, FAIL, FAIL]) first.result(c, r);
  assert.equal(c.retryIt, 3);
  const fewer = virtualServer([realServer('10.0.0.1', { checkers: [checker({ retry: 2 })] })]);
  const plan = planHealth(first, spec(fewer), inputs());
  const k = rs(plan.state, 0).checkers[0]!;
  assert.equal(k.retryIt, 1);
  plan.state.result(k, FAIL);
  assert.equal(rs(plan.state, 0).alive, true);
  assert.ok(show(plan.state.result(k, FAIL).effects).includes('-rs 10.0.0.1|80'));
});

test('a sorry server in use stays in use across a reload', () => {
  const sorry = { id: '10.0.0.9|80', name: '[10.0.0.9]:tcp:80', inhibit: false };
  const vs = virtualServer([realServer('10.0.0.1', noRetry())], { sorry });
  const first = planHealth(null, spec(vs), inputs()).state;
  first.result(rs(first, 0).checkers[0]!, FAIL);
  const plan = planHealth(first, spec(vs), inputs());
  const v = plan.state.virtualServers[0]!;
  assert.deepEqual([v.quorumUp, v.sorry!.alive, v.sorry!.set, v.realServers[0]!.set], [false, true, true, false]);
  // A different sorry server replaces it.
  const other = virtualServer([realServer('10.0.0.1', noRetry())], { sorry: { ...sorry, id: '10.0.0.8|80', name: '[10.0.0.8]:tcp:80' } });
  const swap = planHealth(plan.state, spec(other), inputs());
  assert.deepEqual(show(swap.effects).filter((l) => !l.includes('Activating')), [
    'log: Removing sorry server [10.0.0.9]:tcp:80 from VS [10.0.0.100]:tcp:80',
    '-sorry 10.0.0.9|80',
    'log: Starting with quorum down 1-0=1 > 0 for VS [10.0.0.100]:tcp:80',
    'log: Adding sorry server [10.0.0.8]:tcp:80 to VS [10.0.0.100]:tcp:80',
    'log: Removing alive servers from the pool for VS [10.0.0.100]:tcp:80',
    '+sorry 10.0.0.8|80 w1',
    'run: /qdown',
  ]);
});
