// PING_CHECK with the real `ping` program (iputils): 127.0.0.1 answers; an address that does not
// answer fails after connect_timeout. The silent address lives in a network namespace this test
// creates (a veth pair whose far end drops what it is sent, so nothing can leave the machine) and
// removes again. Without `ping` the tests skip, except under CI=true where that is a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { findPing, PingCheck } from './ping.js';
import { context, oneChecker, targetFrom } from './test-backends.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-ping-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CI = process.env['CI'] === 'true';

/** The ping program, or null after skipping the test (failing it under CI). */
function pingOrSkip(t: TestContext): string | null {
  const ping = findPing();
  if (ping) return ping;
  assert.equal(CI, false, 'CI=true but no `ping` program was found (Debian package iputils-ping)');
  t.skip('no `ping` program (Debian package iputils-ping): real ICMP checks skipped');
  return null;
}

const pingTarget = (address: string) => {
  const text = oneChecker(80, 'PING_CHECK {\n connect_timeout 1\n}').replace('real_server 127.0.0.1 80', `real_server ${address} 80`);
  return targetFrom(text);
};

test('PING_CHECK with the real ping: 127.0.0.1 answers', async (t) => {
  const ping = pingOrSkip(t);
  if (!ping) return;
  assert.deepEqual(await new PingCheck(pingTarget('127.0.0.1'), context(), ping).run(), { kind: 'pass' });
});

test('PING_CHECK with a ping program that cannot be run: the check is skipped, saying why', async () => {
  const missing = join(dir, 'no-such-ping');
  const r = await new PingCheck(pingTarget('127.0.0.1'), context(), missing).run();
  assert.deepEqual(r, { kind: 'skipped', reason: `PING_CHECK: cannot run ${missing}: spawn ${missing} ENOENT` });
});

function ip(...args: string[]): { ok: boolean; why: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, why: r.error ? r.error.message : r.stderr.trim() };
}

test('PING_CHECK with the real ping: an address that does not answer fails after connect_timeout', async (t) => {
  const ping = pingOrSkip(t);
  if (!ping) return;
  const ns = `tsvs-hc-${process.pid}`;
  const made = ip('netns', 'add', ns);
  if (!made.ok) {
    assert.equal(CI, false, `CI=true but the network namespace could not be created: ${made.why}`);
    t.skip(`a network namespace is needed (root and iproute2): ${made.why}`);
    return;
  }
  try {
    // A veth pair inside the namespace; frames for 192.0.2.1 go to a MAC nobody has and are
    // dropped by the other end.
    for (const step of [
      ['-n', ns, 'link', 'set', 'lo', 'up'],
      ['-n', ns, 'link', 'add', 'hc0', 'type', 'veth', 'peer', 'name', 'hc1'],
      ['-n', ns, 'addr', 'add', '192.0.2.10/24', 'dev', 'hc0'],
      ['-n', ns, 'link', 'set', 'hc0', 'up'],
      ['-n', ns, 'link', 'set', 'hc1', 'up'],
      ['-n', ns, 'neigh', 'add', '192.0.2.1', 'lladdr', '02:00:00:00:00:01', 'dev', 'hc0', 'nud', 'permanent'],
    ]) {
      const r = ip(...step);
      assert.ok(r.ok, `ip ${step.join(' ')}: ${r.why}`);
    }
    // The probe runs the real ping inside the namespace, with the argument vector it builds.
    const inside = join(dir, 'ping-in-ns');
    writeFileSync(inside, `#!/bin/sh\nexec ip netns exec ${ns} ${ping} "$@"\n`);
    chmodSync(inside, 0o755);
    // The namespace's own address answers (the wrapper works); its neighbour on hc0 does not.
    assert.deepEqual(await new PingCheck(pingTarget('192.0.2.10'), context(), inside).run(), { kind: 'pass' });
    assert.deepEqual(await new PingCheck(pingTarget('192.0.2.1'), context(), inside).run(), { kind: 'fail', reason: 'timeout' });
  } finally {
    const gone = ip('netns', 'del', ns);
    assert.ok(gone.ok, `ip netns del ${ns}: ${gone.why}`);
  }
});
