// `npm start` runs `tsvs demo`: as root it brings up the namespace lab (test/lab/ covers that); with
// --loopback (and wherever the lab cannot run) the loopback demo must come up unprivileged, say why,
// show the rotation through the VIP and the ipvsadm table, and stop cleanly on SIGTERM. (Serial: it
// uses the demo's fixed ports.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCK_ENV, takeLabLock } from '../src/lab/lock.js';
import { labNamespacesLeft, labProcessesLeft } from './lab/leftovers.js';
import { privilegedSkipReason } from './packet/netns.js';

test('tsvs demo: rotation through 127.0.0.100:8080, the -L -n table, clean stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-demo-'));
  const child = spawn(process.execPath, ['bin/tsvs.js', 'demo', '--loopback', '--api', join(dir, 'demo.sock')], {
    env: { ...process.env, TSVS_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.resume();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`demo did not finish its introduction:\n${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (out.includes('Ctrl-C stops the demo.')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`demo exited early with ${code}:\n${out}`)));
    });
    assert.ok(out.startsWith('tsvs demo: the loopback demo (the namespace lab is not used: --loopback was given)\n'), out);
    const answers = [...out.matchAll(/->  (real server 127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
    // rr over a list kept newest first: 8083, 8082, 8081, then again.
    assert.deepEqual(answers, [8083, 8082, 8081, 8083, 8082, 8081].map((p) => `real server 127.0.0.1:${p}`));
    assert.ok(
      out.includes(`TCP  127.0.0.100:8080 rr
  -> 127.0.0.1:8081               Masq    1      0          2         
  -> 127.0.0.1:8082               Masq    1      0          2         
  -> 127.0.0.1:8083               Masq    1      0          2         
`),
      out,
    );
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tsvs demo as root: seed-004-ha in namespaces, the probe answering from both real servers, fail/heal/down told; the lab stays up until `lab down`', { skip: privilegedSkipReason() ?? false, timeout: 120_000 }, async () => {
  // Hold the lab lock from the demo's start to the final `lab down` (other lab runs wait).
  const release = await takeLabLock(() => {});
  const env = { ...process.env, TSVS_FROM_SOURCE: '1', [LOCK_ENV]: String(process.pid) };
  const child = spawn(process.execPath, ['bin/tsvs.js', 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the demo's probe never saw both real servers:\n${out}`)), 90_000);
      child.stdout.on('data', () => {
        const probe = out.slice(out.indexOf('probe from client'));
        if (probe.includes('This is RS1') && probe.includes('This is RS2')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`demo exited early with ${code}:\n${out}`)));
    });
    for (const line of ['node bin/tsvs.js lab fail director lvs1', 'node bin/tsvs.js lab heal director lvs1', 'node bin/tsvs.js lab fail realserver rs1', 'node bin/tsvs.js lab down']) assert.ok(out.includes(line), line);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
    assert.match(out, /^\d+ requests, \d+ answered, 0 lost$/m);
    assert.match(out, /The lab is still up: node bin\/tsvs\.js lab down removes it\.\n$/);
    assert.ok(labNamespacesLeft().includes('tsvs-lab-lvs1'));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    spawnSync(process.execPath, ['bin/tsvs.js', 'lab', 'down'], { env, stdio: 'ignore' });
    release();
  }
  assert.deepEqual(labNamespacesLeft(), []);
  assert.deepEqual(labProcessesLeft(), []);
});
