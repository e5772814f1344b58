import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../api/client.js';
import type { Logger } from '../core/ports.js';
import type { Op } from '../core/ops.js';
import type { ConfigLoad } from '../engine/reload.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../engine/testkit.js';
import { startDaemon } from './daemon.js';
import { claimPidFile, PidFileBusy, removePidFile } from './pid-file.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-daemon-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// A loopback VIP and port no other test uses: the proxy really listens on it.
const VIP = tcpKey('127.0.0.133', 41080);
const config = (...ports: number[]): Op[] => [addService(svcSpec(VIP)), ...ports.map((p) => addDest(VIP, destSpec('127.0.0.1', p)))];

function memoryLogger(lines: string[]): Logger {
  return { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) };
}

test('start, serve, reload (applied and refused), stop: socket and pid file cleaned up', async () => {
  const socketPath = join(dir, 'd1.sock');
  const pidFile = join(dir, 'run', 'tsvs.pid');
  const loads: ConfigLoad[] = [
    { messages: [], errors: 0, fatal: false, ops: config(8081, 8082) },
    { messages: [], errors: 0, fatal: false, ops: config(8082, 8083) },
    { messages: ["(Line 2) Unknown keyword 'lvs_schedd'"], errors: 1, fatal: false, ops: [] },
  ];
  const lines: string[] = [];
  const d = await startDaemon({
    version: '9.9.9',
    engine: 'proxy',
    config: { file: '/etc/keepalived/keepalived.conf', source: () => loads.shift()! },
    socketPath,
    pidFile,
    logger: memoryLogger(lines),
  });
  assert.equal(readFileSync(pidFile, 'utf8'), `${process.pid}\n`);
  const client = new ApiClient({ kind: 'unix', path: socketPath });
  const ports = async () => (await client.snapshot()).services.map((s) => s.dests.map((x) => x.port));
  assert.deepEqual(await ports(), [[8082, 8081]]);
  const health = await client.health();
  assert.deepEqual([health.version, health.engine, health.dataplane, health.configFile], ['9.9.9', 'proxy', 'running', '/etc/keepalived/keepalived.conf']);

  assert.equal((await d.reload()).ok, true);
  assert.deepEqual(await ports(), [[8083, 8082]]);
  const refused = await client.reload();
  assert.deepEqual([refused.ok, refused.refused], [false, 'config-errors']);
  assert.deepEqual(await ports(), [[8083, 8082]]);

  await d.stop();
  await d.stop(); // a second signal is harmless
  assert.equal(existsSync(socketPath), false);
  assert.equal(existsSync(pidFile), false);
  assert.deepEqual(lines, [
    'Starting tsvs v9.9.9',
    "engine 'proxy': virtual services are carried by the socket proxy",
    'Configuration file /etc/keepalived/keepalived.conf',
    'configuration applied: 3 change(s)',
    'listening on [127.0.0.133]:tcp:41080',
    `control API listening on ${socketPath}`,
    'Startup complete',
    'Reloading',
    'configuration applied: 2 change(s)',
    'Reload finished',
    "(Line 2) Unknown keyword 'lvs_schedd'",
    'error: configuration has 1 error(s) - not reloading, keeping the running configuration',
    'Stopping',
    'Stopped tsvs v9.9.9',
  ]);
});

test('an unusable configuration or a busy socket stops the start-up (and leaves no pid file)', async () => {
  const base = { version: '1', engine: 'proxy' as const, logger: memoryLogger([]) };
  await assert.rejects(
    startDaemon({ ...base, socketPath: join(dir, 'd2.sock'), config: { file: '/x.conf', source: () => ({ messages: ["Config files missing '/x.conf'."], errors: 1, fatal: true, ops: [] }) } }),
    { message: "cannot use the configuration /x.conf: Config files missing '/x.conf'." },
  );
  const socketPath = join(dir, 'd3.sock');
  const first = await startDaemon({ ...base, socketPath, config: null });
  try {
    const pidFile = join(dir, 'busy.pid');
    await assert.rejects(startDaemon({ ...base, socketPath, pidFile, config: null }), { message: `control API: another tsvs daemon is already serving ${socketPath}` });
    assert.equal(existsSync(pidFile), false);
    assert.equal((await first.reload()).refused, 'unreadable');
  } finally {
    await first.stop();
  }
});

test('pid file: a live pid blocks, a stale one is replaced, only our own is removed', () => {
  const path = join(dir, 'p.pid');
  writeFileSync(path, `${process.ppid}\n`); // the test runner: alive
  assert.throws(() => claimPidFile(path, process.pid), (e: unknown) => e instanceof PidFileBusy && e.message === `daemon is already running (pid ${process.ppid}, pid file ${path})`);
  writeFileSync(path, '999999999\n'); // no such process
  claimPidFile(path, process.pid);
  assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  removePidFile(path, process.pid + 1);
  assert.equal(existsSync(path), true);
  removePidFile(path, process.pid);
  assert.equal(existsSync(path), false);
});
