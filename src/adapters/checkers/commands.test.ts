import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NotifyCommands } from './command-runner.js';
import { MiscCheck } from './misc.js';
import { PING_UNAVAILABLE, PingCheck, pingArgs } from './ping.js';
import { ScriptUsers } from './script-user.js';
import { connectionOf, context, memoryLogger, oneChecker, targetFrom } from './test-backends.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-checkers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

function misc(path: string, extra = ''): MiscCheck {
  const lines: string[] = [];
  const ctx = context(lines);
  return new MiscCheck(targetFrom(oneChecker(80, `MISC_CHECK {\n misc_path "${path}"\n${extra}\n}`)), ctx, new ScriptUsers(ctx.logger));
}

test('MISC_CHECK: arguments are passed without a shell, the exit status is reported', async () => {
  const out = join(dir, 'args.txt');
  const p = script('args.sh', `printf '%s|' "$@" > ${out}\nexit 3`);
  // keepalived splits the command again after the line: quotes group, nothing is expanded.
  assert.deepEqual(await misc(`${p} 'a b' c* $HOME;x`).run(), { kind: 'exit', status: 3 });
  assert.equal(readFileSync(out, 'utf8'), 'a b|c*|$HOME;x|');
  assert.deepEqual(await misc(script('ok.sh', 'exit 0')).run(), { kind: 'exit', status: 0 });
});

test('MISC_CHECK: misc_timeout kills the program group (SIGTERM) and says it timed out', async () => {
  const child = join(dir, 'child.pid');
  const p = script('sleepy.sh', `sleep 30 & echo $! > ${child}\nwait`);
  assert.deepEqual(await misc(p, 'misc_timeout 1').run(), { kind: 'signal', signal: 15, timedOut: true });
  const pid = Number(readFileSync(child, 'utf8'));
  await new Promise((r) => setTimeout(r, 100));
  // The script's own child died with it (a zombie where nothing reaps orphans counts as dead).
  let state = 'gone';
  try {
    state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]!;
  } catch {
    // Reaped.
  }
  assert.ok(state === 'gone' || state === 'Z', `child state ${state}`);
});

test('MISC_CHECK: a program that cannot run counts as passing (keepalived\'s child exits 0) and is logged', async () => {
  const lines: string[] = [];
  const ctx = context(lines);
  const m = new MiscCheck(targetFrom(oneChecker(80, `MISC_CHECK {\n misc_path "${join(dir, 'missing')}"\n}`)), ctx, new ScriptUsers(ctx.logger));
  assert.deepEqual(await m.run(), { kind: 'exit', status: 0 });
  assert.match(lines[0]!, /^error: Error exec-ing command '.*missing', error 2: spawn .*missing ENOENT$/);
});

test('notify commands: a clean exit is silent, a failure, a timeout and a missing program are logged', async () => {
  const lines: string[] = [];
  const ctx = context(lines);
  const run = new NotifyCommands(ctx.timers, ctx.logger, new ScriptUsers(ctx.logger));
  const c = (text: string) => ({ text, args: text.split(' '), user: null, group: null });
  await run.run(c(script('n0.sh', 'exit 0')), 5000);
  await run.run(c(script('n1.sh', 'exit 4')), 5000);
  await run.run(c(script('n2.sh', 'sleep 30')), 200);
  await run.run(c(join(dir, 'nope')), 5000);
  assert.deepEqual(lines.map((l) => l.replaceAll(dir, 'D')), [
    'warn: notify D/n1.sh exited with status 4',
    'warn: notify D/n2.sh timed out after 200 ms',
    "error: Error exec-ing command 'D/nope', error 2: spawn D/nope ENOENT",
  ]);
});

test('PING_CHECK: without a ping program the check says why, once, and keeps its state', async () => {
  const t = targetFrom(oneChecker(80, 'PING_CHECK {\n connect_timeout 2\n}'));
  const p = new PingCheck(t, context(), null);
  assert.deepEqual(await p.run(), {
    kind: 'skipped',
    reason: `PING_CHECK for service [127.0.0.1]:tcp:80 of VS [127.0.0.100]:tcp:80 unavailable: ${PING_UNAVAILABLE} - the checker keeps its state`,
  });
  assert.deepEqual(await p.run(), { kind: 'skipped', reason: 'ICMP connect fail to create socket. Rescheduling.' });
});

test('PING_CHECK: the ping program\'s exit status is the verdict (0 reply, 1 none)', async () => {
  const t = targetFrom(oneChecker(80, 'PING_CHECK {\n connect_timeout 2.5\n bindto 127.0.0.1\n}'));
  assert.deepEqual(pingArgs('/bin/ping', connectionOf(t)), ['/bin/ping', '-n', '-q', '-c', '1', '-W', '3', '-I', '127.0.0.1', '127.0.0.1']);
  const out = join(dir, 'ping.txt');
  assert.deepEqual(await new PingCheck(t, context(), script('ping0', `printf '%s ' "$@" > ${out}; exit 0`)).run(), { kind: 'pass' });
  assert.equal(readFileSync(out, 'utf8'), '-n -q -c 1 -W 3 -I 127.0.0.1 127.0.0.1 ');
  assert.deepEqual(await new PingCheck(t, context(), script('ping1', 'exit 1')).run(), { kind: 'fail', reason: 'timeout' });
  assert.deepEqual(await new PingCheck(t, context(), script('ping2', 'exit 2')).run(), { kind: 'fail', reason: 'failed' });
});

test('script users: an unknown user is reported once and the command runs as the daemon', () => {
  const lines: string[] = [];
  const users = new ScriptUsers(memoryLogger(lines));
  assert.equal(users.runAs('no-such-user-tsvs', null), null);
  assert.equal(users.runAs('no-such-user-tsvs', null), null);
  assert.deepEqual(lines, ['warn: script user no-such-user-tsvs not found - running scripts as the daemon\'s user']);
  const root = users.runAs('root', null);
  assert.deepEqual(root, process.getuid?.() === 0 ? { uid: 0, gid: 0 } : null);
});
