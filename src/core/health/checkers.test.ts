import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpNextUrl } from './checker-http.js';
import { planHealth, type HealthState } from './state.js';
import { checker, inputs, realServer, show, virtualServer } from './testkit.js';
import type { CheckerSpec, CheckResult } from './spec.js';

const RS = '[10.0.0.1]:tcp:80';
const VS = '[10.0.0.100]:tcp:80';

function start(c: CheckerSpec, files: Record<string, number> = {}, weight = 1): HealthState {
  return planHealth(null, { virtualServers: [virtualServer([realServer('10.0.0.1', { checkers: [c], weight })])], logAllFailures: false }, inputs(files)).state;
}

function run(state: HealthState, r: CheckResult): { url: number; delay: number; from: string; effects: string[] } {
  const c = state.virtualServers[0]!.realServers[0]!.checkers[0]!;
  const url = httpNextUrl(c);
  const o = state.result(c, r);
  return { url, delay: o.next.delayMs, from: o.next.from, effects: show(o.effects) };
}

const http = (over: Partial<CheckerSpec> = {}, fastRecovery = false) =>
  checker({ type: 'HTTP_GET', retry: 1, ...over }, { kind: 'http', paths: ['/a', '/b'], fastRecovery });
const OK: CheckResult = { kind: 'pass', detail: 'HTTP status code' };
const BAD: CheckResult = { kind: 'fail', reason: 'HTTP status code error to' };

test('HTTP_GET: one URL per run, up after a full round', () => {
  const s = start(http());
  assert.deepEqual(run(s, OK), { url: 0, delay: 6000, from: 'end', effects: [] });
  assert.deepEqual(run(s, OK), { url: 1, delay: 6000, from: 'end', effects: [`log: Remote Web server ${RS} succeed on service.`] });
  assert.equal(run(s, OK).url, 0);
});

test('HTTP_GET: a failing URL is retried, then the checker goes down and that URL is re-polled until a full round passes', () => {
  const s = start(http());
  run(s, OK);
  run(s, OK);
  assert.deepEqual(run(s, BAD), { url: 0, delay: 3000, from: 'end', effects: [] });
  const down = run(s, BAD);
  assert.deepEqual([down.url, down.delay], [0, 6000]);
  assert.deepEqual(down.effects.slice(0, 3), [`log: HTTP_CHECK on service ${RS} failed after 1 retries.`, `log: Removing service ${RS} from VS ${VS}`, '-rs 10.0.0.1|80']);
  // Down: the failed URL again, every max(delay_before_retry, delay_loop), no retries.
  assert.deepEqual(run(s, BAD), { url: 0, delay: 6000, from: 'end', effects: [] });
  // It passes: a new round starts from the first URL.
  assert.deepEqual(run(s, OK), { url: 0, delay: 6000, from: 'end', effects: [`log: HTTP status code success to ${RS} url(/a)`] });
  assert.deepEqual(run(s, OK), { url: 0, delay: 6000, from: 'end', effects: [`log: HTTP status code success to ${RS} url(/a)`] });
  const up = run(s, { kind: 'pass', detail: 'MD5 digest' });
  assert.deepEqual(up.effects.slice(0, 3), [`log: MD5 digest success to ${RS} url(/b)`, `log: Remote Web server ${RS} succeed on service.`, `log: Adding service ${RS} to VS ${VS}`]);
});

test('HTTP_GET: the first failure before any full round is final (keepalived still says "after 1 retries")', () => {
  const s = start(http());
  const r = run(s, BAD);
  assert.deepEqual([r.delay, r.effects[0]], [6000, `log: HTTP_CHECK on service ${RS} failed after 1 retries.`]);
});

test('HTTP_GET fast_recovery: no wait while the checker is not known to be up or failing', () => {
  const s = start(http({}, true), {});
  assert.equal(run(s, OK).delay, 0);
  assert.equal(run(s, OK).delay, 6000);
});

const misc = (over: Partial<CheckerSpec> = {}, dynamic = false) =>
  checker({ type: 'MISC_CHECK', retry: 2, ...over }, { kind: 'misc', dynamic, program: '/usr/local/bin/check' });
const exit = (status: number): CheckResult => ({ kind: 'exit', status });
const HEAD = `log: Misc check for [${RS} VS ${VS}] by [/usr/local/bin/check]`;

test('MISC_CHECK: exit codes, retries counted in the message, spacing from the start of the run', () => {
  const s = start(misc({ logAllFailures: true }));
  assert.deepEqual(run(s, exit(0)), { url: 0, delay: 6000, from: 'start', effects: [`${HEAD} succeeded.`] });
  assert.deepEqual(run(s, exit(1)), { url: 0, delay: 3000, from: 'start', effects: [`${HEAD} failed, will do 2 retries (exited with status 1).`] });
  assert.deepEqual(run(s, exit(1)).effects, [`${HEAD} failed on retry 1/2 (exited with status 1).`]);
  const down = run(s, { kind: 'signal', signal: 15, timedOut: true });
  assert.deepEqual(down.effects.slice(0, 2), [`${HEAD} timed out after 2 retries.`, `log: Removing service ${RS} from VS ${VS}`]);
  assert.equal(down.delay, 6000);
  assert.deepEqual(run(s, { kind: 'signal', signal: 9, timedOut: false }).effects, []);
});

test('MISC_CHECK retry 0 and a signal', () => {
  const s = start(misc({ retry: 0 }));
  run(s, exit(0));
  assert.equal(run(s, { kind: 'signal', signal: 9, timedOut: false }).effects[0], `${HEAD} failed with retry disabled (due to signal 9).`);
});

test('MISC_CHECK misc_dynamic: exit status − 2 becomes the weight; 0 restores the configured weight', () => {
  const s = start(misc({}, true), {}, 5);
  assert.deepEqual(run(s, exit(12)).effects, [`log: Changing weight from 5 to 10 for active service ${RS} of VS ${VS}`, '+rs 10.0.0.1|80 w10', `${HEAD} succeeded.`]);
  assert.deepEqual(run(s, exit(12)).effects, []);
  assert.deepEqual(run(s, exit(255)).effects, [`log: Changing weight from 10 to 253 for active service ${RS} of VS ${VS}`, '+rs 10.0.0.1|80 w253']);
  assert.deepEqual(run(s, exit(0)).effects, [`log: Changing weight from 253 to 5 for active service ${RS} of VS ${VS}`, '+rs 10.0.0.1|80 w5']);
  // Without misc_dynamic, 2..255 are failures.
  const plain = start(misc({ retry: 0 }));
  assert.equal(run(plain, exit(3)).effects[0], `${HEAD} failed with retry disabled (exited with status 3).`);
});

const file = (weight: number, reverse = false) => checker({ type: 'FILE_CHECK' }, { kind: 'file', file: 'tf', weight, reverse });

test('FILE_CHECK without weight: non-zero fails (zero with reverse)', () => {
  const s = start(file(0), { tf: 1 });
  const rs = s.virtualServers[0]!.realServers[0]!;
  assert.deepEqual([rs.alive, rs.set], [false, false]);
  const c = rs.checkers[0]!;
  assert.deepEqual(show(s.fileChanged(c, 0)).slice(0, 2), [`log: Adding service ${RS} to VS ${VS}`, '+rs 10.0.0.1|80 w1']);
  assert.deepEqual(show(s.fileChanged(c, 7)).slice(0, 2), [`log: Removing service ${RS} from VS ${VS}`, '-rs 10.0.0.1|80']);
  const r = start(file(0, true), { tf: 0 }).virtualServers[0]!.realServers[0]!;
  assert.equal(r.alive, false);
});

test('FILE_CHECK with weight: value × weight is added; at or below the fault value the server goes', () => {
  const s = start(file(10), { tf: 2 });
  const rs = s.virtualServers[0]!.realServers[0]!;
  assert.deepEqual([rs.alive, rs.effectiveWeight, rs.ipvsWeight], [true, 21, 21]);
  assert.deepEqual(show(s.fileChanged(rs.checkers[0]!, 5)), [`log: Changing weight from 21 to 51 for active service ${RS} of VS ${VS}`, '+rs 10.0.0.1|80 w51']);
  // Weight 0 leaves no live weight: the quorum is lost, though the server stays in.
  assert.deepEqual(show(s.fileChanged(rs.checkers[0]!, -1)), [
    `log: Changing weight from 51 to 0 for active service ${RS} of VS ${VS}`,
    '+rs 10.0.0.1|80 w0',
    `log: Lost quorum 1-0=1 > 0 for VS ${VS}`,
    'run: /qdown',
  ]);
  assert.deepEqual(show(s.fileChanged(rs.checkers[0]!, -300000000)).slice(0, 2), [`log: Removing service ${RS} from VS ${VS}`, '-rs 10.0.0.1|80']);
});
