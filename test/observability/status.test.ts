// `tsvs status`: the --json output against a running daemon (volatile fields pinned) and the
// screen, both as goldens; colours only when asked. UPDATE_GOLDEN=1 rewrites the goldens.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StatusReport } from '../../src/api/events-status.js';
import { formatStatus, statusCommand } from '../../src/cli/status.js';
import type { Logger } from '../../src/core/ports.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../../src/engine/testkit.js';
import { startDaemon } from '../../src/main/daemon.js';
import { fakeVrrp } from './fake-vrrp.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN = new URL('./golden/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tsvs-status-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function golden(name: string, actual: string): void {
  const url = new URL(name, GOLDEN);
  if (UPDATE || !existsSync(url)) writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'));
}

/** Pid, uptime, event times and ages vary from run to run: pin them. */
function pinned(r: StatusReport): StatusReport {
  return {
    ...r,
    daemon: { ...r.daemon, pid: 4242, uptimeMs: 3_723_000 },
    events: r.events.map((e, i) => ({ ...e, time: Date.UTC(2026, 0, 2, 3, 4, 5 + i) })),
  };
}

test('tsvs status --json and the screen, against a daemon with two services and a VRRP instance', async () => {
  const web = tcpKey('127.0.0.141', 41411);
  const dns = tcpKey('127.0.0.141', 41412, 'udp');
  const ops = [
    addService(svcSpec(web, 'wrr')),
    addDest(web, destSpec('127.0.0.1', 41001, 'nat', { weight: 3 })),
    addDest(web, destSpec('127.0.0.1', 41002, 'nat', { weight: 1 })),
    addService(svcSpec(dns, 'rr')),
    addDest(dns, destSpec('127.0.0.2', 41053)),
  ];
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const socketPath = join(dir, 'api.sock');
  const d = await startDaemon({ version: '1.2.3', engine: 'proxy', logger: quiet, socketPath, config: { file: 'mem.conf', source: () => ({ messages: [], errors: 0, fatal: false, ops }) } });
  // VRRP needs root and raw sockets; the status source is swapped for a fixed report (test hook).
  const peers = [{ address: '192.168.0.2', priority: 100, heardMsAgo: 4_200 }, { address: '192.168.0.3', priority: null, heardMsAgo: null }];
  Object.assign(d.control, { vrrpStatus: () => fakeVrrp([{ name: 'VI_1', state: 'MASTER', priority: 150, peers }]) });
  try {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: {}, uid: process.getuid?.() ?? 0, tty: false };
    assert.equal(await statusCommand(['--json', '--api', socketPath], io), 0);
    assert.deepEqual(err, []);
    const report = pinned(JSON.parse(out.join('')) as StatusReport);
    golden('status.json', `${JSON.stringify(report, null, 2)}\n`);
    golden('status.txt', formatStatus(report, { color: false, timeZone: 'UTC' }));
    const coloured = formatStatus(report, { color: true, timeZone: 'UTC' });
    assert.ok(coloured.includes('\x1b[32mMASTER'), 'MASTER in green on a terminal');
    assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), formatStatus(report, { color: false, timeZone: 'UTC' }));
    // Without --json and without a terminal: the screen, no escape codes.
    out.length = 0;
    assert.equal(await statusCommand(['--api', socketPath], io), 0);
    assert.doesNotMatch(out.join(''), /\x1b/);
    assert.match(out.join(''), /^tsvs 1\.2\.3 {2}engine proxy/);
  } finally {
    await d.stop();
  }
});

test('tsvs status: usage errors exit 2, an absent daemon exits 1', async () => {
  const err: string[] = [];
  const io = { out: () => {}, err: (t: string) => void err.push(t), env: {}, uid: 0, tty: false };
  assert.equal(await statusCommand(['--bogus'], io), 2);
  assert.equal(err.join(''), "tsvs status: unexpected argument '--bogus'\nusage: tsvs status [--json] [--events N] [--api PATH]\n");
  err.length = 0;
  assert.equal(await statusCommand(['--api', join(dir, 'nobody.sock')], io), 1);
  assert.equal(err.join(''), `tsvs status: cannot reach the tsvs daemon at ${join(dir, 'nobody.sock')} (ENOENT)\n`);
});
