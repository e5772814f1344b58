import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstRunDelay } from '../../core/health/timing.js';
import { SeededRng } from '../../core/rng.js';
import { harness, SEED } from './testkit.js';

const config = (rs2port = 80, extra = ''): string => `
virtual_server 10.0.0.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
${extra}
    real_server 10.0.0.1 80 {
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
    real_server 10.0.0.2 80 {
        TCP_CHECK {
            connect_timeout 3
            connect_port ${rs2port}
        }
    }
}
`;

const checkerOf = (h: ReturnType<typeof harness>, rs: number) => h.monitor.current!.virtualServers[0]!.realServers[rs]!.checkers[0]!;

test('reload: a downed real server stays out, and an unchanged checker keeps its state and its place in the schedule', async () => {
  const h = harness(config());
  await h.reloader.load('lenient');
  h.backends.set('10.0.0.1:80', 'refuse');
  await h.advance(30_000);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w1']);
  const before = checkerOf(h, 0);
  const due = h.monitor.loopOf(before)!.nextDue;
  const report = await h.reloader.load('strict');
  assert.equal(report.ok, true);
  assert.deepEqual(report.ops, []);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w1']);
  const after = checkerOf(h, 0);
  assert.notEqual(after, before);
  assert.deepEqual([after.isUp, after.hasRun], [false, true]);
  assert.equal(h.monitor.loopOf(after)!.nextDue, due);
  // It comes back at its next regular check.
  h.backends.set('10.0.0.1:80', 'up');
  await h.advance(due - h.clock.now());
  assert.deepEqual(h.dests(), ['10.0.0.1:80 w1', '10.0.0.2:80 w1']);
});

test('reload: a checker with other connection options starts again from its first-run delay', async () => {
  const h = harness(config());
  await h.reloader.load('lenient');
  await h.advance(30_000);
  const rng = new SeededRng(SEED);
  firstRunDelay(6000, rng);
  firstRunDelay(6000, rng);
  const third = firstRunDelay(6000, rng);
  h.setConfig(config(8080));
  const at = h.clock.now();
  assert.equal((await h.reloader.load('strict')).ok, true);
  assert.equal(h.monitor.loopOf(checkerOf(h, 1))!.nextDue, at + third);
  await h.advance(third);
  assert.equal(h.backends.attempts.at(-1), `${at + third} 10.0.0.2:8080`);
});

test('a refused reload changes neither IPVS nor health', async () => {
  const h = harness(config());
  await h.reloader.load('lenient');
  h.backends.set('10.0.0.2:80', 'refuse');
  await h.advance(30_000);
  const state = h.monitor.current;
  h.setConfig(config(80, '    bogus_keyword 1'));
  const r = await h.reloader.load('strict');
  assert.deepEqual([r.ok, r.refused], [false, 'config-errors']);
  assert.equal(h.monitor.current, state);
  assert.deepEqual(h.dests(), ['10.0.0.1:80 w1']);
});

test('a check in progress during a reload reports to the continued checker', async () => {
  const h = harness(config());
  await h.reloader.load('lenient');
  await h.advance(8000);
  h.backends.set('10.0.0.1:80', 'hang');
  const c = checkerOf(h, 0);
  const due = h.monitor.loopOf(c)!.nextDue;
  await h.advance(due - h.clock.now() + 1);
  assert.ok(Number.isNaN(h.monitor.loopOf(c)!.nextDue), 'the check is running');
  await h.reloader.load('strict');
  await h.advance(3000);
  assert.equal(checkerOf(h, 0).retryIt, 1);
});

test('stop: every checker stops; omega runs notify_down for the servers still up', async () => {
  const text = config(80, '    omega\n    quorum_down "/usr/bin/logger quorum-down"').replace(
    'real_server 10.0.0.1 80 {',
    'real_server 10.0.0.1 80 {\n        notify_down "/usr/bin/logger rs1-down"',
  );
  const h = harness(text);
  await h.reloader.load('lenient');
  await h.advance(10_000);
  const attempts = h.backends.attempts.length;
  await h.monitor.stop();
  await h.advance(60_000);
  assert.equal(h.backends.attempts.length, attempts);
  assert.deepEqual(h.commands, ['10000 /usr/bin/logger rs1-down', '10000 /usr/bin/logger quorum-down']);
});
