// `npm start` runs `tsvs demo`: it must come up unprivileged, show the rotation through the VIP and
// the ipvsadm table, and stop cleanly on SIGTERM. (Serial: it uses the demo's fixed ports.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('tsvs demo: rotation through 127.0.0.100:8080, the -L -n table, clean stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-demo-'));
  const child = spawn(process.execPath, ['bin/tsvs.js', 'demo', '--api', join(dir, 'demo.sock')], {
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
