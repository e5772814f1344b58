// Privileged, serial: `tsvs lab test SCENARIO` for every scenario through the real CLI (each seed's
// experiment in network namespaces, the packet engine, VRRP and health checks), then the same
// commands a user types: up, probe, fail/heal, down (twice: idempotent). After each run no
// `tsvs-lab-*` namespace and no process the lab started may be left.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCK_ENV, takeLabLock } from '../../src/lab/lock.js';
import { SCENARIOS } from '../../src/lab/scenarios/index.js';
import { seed004Ha } from '../../src/lab/scenarios/seed-004-ha.js';
import { privilegedSkipReason } from '../packet/netns.js';
import { labNamespacesLeft, labProcessesLeft } from './leftovers.js';

const skip = privilegedSkipReason();

function tsvs(args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tsvs.js', ...args], { env: { ...process.env, TSVS_FROM_SOURCE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsvs ${args.join(' ')}: no exit within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function assertClean(): void {
  assert.deepEqual(labNamespacesLeft(), []);
  assert.deepEqual(labProcessesLeft(), []);
}

for (const s of SCENARIOS) {
  test(`tsvs lab test ${s.name}: every check passes and teardown is clean`, { skip: skip ?? false, timeout: 120_000 }, async () => {
    try {
      const r = await tsvs(['lab', 'test', s.name], 110_000);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`^${s.name}: PASS \\(\\d+ checks\\)$`, 'm'));
      assert.doesNotMatch(r.out, /^FAIL /m);
      assertClean();
    } finally {
      await tsvs(['lab', 'down'], 30_000);
    }
  });
}

/** Hold the lab lock across several commands (their children run under it: TSVS_LAB_LOCKED_BY). */
async function underLock(f: () => Promise<void>): Promise<void> {
  const release = await takeLabLock(() => {});
  process.env[LOCK_ENV] = String(process.pid);
  try {
    await f();
  } finally {
    delete process.env[LOCK_ENV];
    release();
  }
}

// With the built-in web server (what runs where nginx is not installed), so both kinds are covered.
test('tsvs lab up / probe / fail / heal / down as a user runs them (built-in web server); down twice is harmless', { skip: skip ?? false, timeout: 120_000 }, () => underLock(async () => {
  try {
    const up = await tsvs(['lab', 'up', 'seed-000-dr'], 60_000, { TSVS_LAB_HTTP: 'builtin' });
    assert.equal(up.code, 0, up.out);
    // The cluster map names every node with its namespace and addresses, then what to try.
    assert.match(up.out, /^ {2}lvs \(Mk\.II\) +director +ens33@vmnet3 192\.168\.16\.102\/24 192\.168\.16\.200\/24$/m);
    assert.match(up.out, /namespaces: tsvs-lab-client tsvs-lab-router tsvs-lab-rs1 tsvs-lab-rs2 tsvs-lab-lvs \(\+ tsvs-lab-sw, the switch\)/);
    assert.match(up.out, /tsvs lab down/);
    assert.deepEqual(labNamespacesLeft().sort(), ['tsvs-lab-client', 'tsvs-lab-lvs', 'tsvs-lab-router', 'tsvs-lab-rs1', 'tsvs-lab-rs2', 'tsvs-lab-sw']);

    const probe = await tsvs(['lab', 'probe', '--interval', '50ms', '--count', '4'], 30_000);
    assert.equal(probe.code, 0, probe.out);
    assert.match(probe.out, /^4 requests, 4 answered, 0 lost\n {2}RS2: 2 \(50\.0%\)\n {2}RS1: 2 \(50\.0%\)\n {2}no gap$/m);

    assert.equal((await tsvs(['lab', 'fail', 'realserver', 'rs1', '--how', 'stop'], 30_000)).code, 0);
    const failed = await tsvs(['lab', 'probe', '--interval', '50ms', '--count', '4'], 30_000);
    // rr still sends every other request to rs1, whose web server is down (no health check here).
    assert.match(failed.out, /^4 requests, 2 answered, 2 lost\n {2}RS2: 2 \(100\.0%\)$/m);
    assert.equal((await tsvs(['lab', 'heal', 'realserver', 'rs1'], 30_000, { TSVS_LAB_HTTP: 'builtin' })).code, 0);
    const healed = await tsvs(['lab', 'probe', '--interval', '50ms', '--count', '4'], 30_000);
    assert.match(healed.out, /^4 requests, 4 answered, 0 lost$/m);

    // A state directory left by another scenario (a crash, an older version) goes too: every
    // namespace goes, so no scenario.json may be left to name a lab that is not up.
    mkdirSync('/run/tsvs/lab/seed-003-nat', { recursive: true });
    writeFileSync('/run/tsvs/lab/seed-003-nat/scenario.json', '{}');
    const down = await tsvs(['lab', 'down', 'seed-000-dr'], 30_000);
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /^tsvs lab down: 3 processes stopped, 6 namespaces removed/m);
    assertClean();
    assert.deepEqual(readdirSync('/run/tsvs/lab'), []);
    const probeAfter = await tsvs(['lab', 'probe', '--count', '1'], 30_000);
    assert.deepEqual(probeAfter, { code: 1, out: 'tsvs lab: no lab is up (tsvs lab up SCENARIO)\n' });
    const again = await tsvs(['lab', 'down'], 30_000);
    assert.equal(again.out, 'tsvs lab down: 0 processes stopped, 0 namespaces removed\n');
    assert.equal(again.code, 0);
  } finally {
    await tsvs(['lab', 'down'], 30_000);
  }
}));

test('after a crash of `tsvs lab up` (SIGKILL while it starts processes), `tsvs lab down` removes everything and frees the lock', { skip: skip ?? false, timeout: 120_000 }, () => underLock(async () => {
  const child = spawn(process.execPath, ['bin/tsvs.js', 'lab', 'up', 'seed-004-ha'], { env: { ...process.env, TSVS_FROM_SOURCE: '1' }, stdio: 'ignore' });
  try {
    // Crash once the first real server's web server has a pid record: mid-way through `up`.
    const record = '/run/tsvs/lab/seed-004-ha/rs1-http.proc.json';
    const deadline = Date.now() + 60_000;
    while (!existsSync(record) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(record), 'up never started rs1\'s web server');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(labNamespacesLeft().length > 0 && labProcessesLeft().length > 0, 'the crash left nothing to clean up');
    const down = await tsvs(['lab', 'down'], 60_000);
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /^tsvs lab down: [1-9]\d* processes stopped, 6 namespaces removed/m);
    assertClean();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await tsvs(['lab', 'down'], 30_000);
  }
}));

test('the lab lock: a holder that died is taken over; a live one is waited for', { skip: skip ?? false, timeout: 60_000 }, async () => {
  // A lock file naming a process that is gone (pid 1's start time never matches a fresh child's).
  const dead = spawn('true');
  await new Promise((r) => dead.once('exit', r));
  writeFileSync('/run/tsvs/lab.lock', `${dead.pid} 1\n`);
  const down = await tsvs(['lab', 'down'], 30_000);
  assert.equal(down.code, 0, down.out);
  assert.equal(existsSync('/run/tsvs/lab.lock'), false);
  await underLock(async () => {
    // A command outside the holder's family waits (and says for whom).
    const env: NodeJS.ProcessEnv = { ...process.env, TSVS_FROM_SOURCE: '1' };
    delete env[LOCK_ENV];
    const child = spawn(process.execPath, ['bin/tsvs.js', 'lab', 'down'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(child.exitCode, null, out);
    assert.match(out, new RegExp(`^tsvs lab: waiting for another tsvs lab command \\(pid ${process.pid}\\) to finish$`, 'm'));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  });
  assert.equal(existsSync('/run/tsvs/lab.lock'), false);
});

test('--config DIR: seed 004\'s warning reproduced — a backup without the virtual_server takes the VIP but forwards nothing', { skip: skip ?? false, timeout: 120_000 }, () => underLock(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-lab-config-'));
  try {
    const backup = seed004Ha.directors.find((d) => d.node === 'lvs2')!.keepalived;
    writeFileSync(join(dir, 'lvs2.conf'), backup.slice(0, backup.indexOf('virtual_server')));
    const up = await tsvs(['lab', 'up', 'seed-004-ha', '--config', dir], 60_000);
    assert.equal(up.code, 0, up.out);
    assert.equal((await tsvs(['lab', 'fail', 'director', 'lvs1', '--how', 'stop'], 30_000)).code, 0);
    const deadline = Date.now() + 10_000;
    while (!spawnSync('ip', ['-n', 'tsvs-lab-lvs2', 'addr'], { encoding: 'utf8' }).stdout.includes('192.168.64.100/32') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const probe = await tsvs(['lab', 'probe', '--interval', '100ms', '--count', '5'], 30_000);
    assert.match(probe.out, /^5 requests, 0 answered, 5 lost$/m);
    assert.match(probe.out, /no answer \(ECONNREFUSED\)/);
    // Healing the master brings the service back.
    assert.equal((await tsvs(['lab', 'heal', 'director', 'lvs1'], 60_000)).code, 0);
    const healed = await tsvs(['lab', 'probe', '--interval', '100ms', '--count', '40'], 30_000);
    assert.match(healed.out, /^ {2}This is RS[12]: /m);
  } finally {
    await tsvs(['lab', 'down'], 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
  assertClean();
}));
