// The daemon with health checking wired in: a keepalived.conf with a TCP_CHECK against a real
// loopback backend. When the backend goes, its real server leaves the table; a reload (SIGHUP)
// does not bring it back; when the backend returns, so does the real server. And FILE_CHECK:
// values written to the tracked files move the real servers' weights or take them out.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../src/core/ports.js';
import { keepalivedSource } from '../../src/main/keepalived-source.js';
import { startDaemon } from '../../src/main/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-health-daemon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function listen(port = 0): Promise<Server> {
  const srv = createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return srv;
}

test('daemon: a dead real server leaves, a reload keeps it out, it returns with its backend', async () => {
  let backend = await listen();
  const port = (backend.address() as AddressInfo).port;
  const other = await listen();
  const otherPort = (other.address() as AddressInfo).port;
  const file = join(dir, 'keepalived.conf');
  const rs = (p: number) => `  real_server 127.0.0.1 ${p} {\n    TCP_CHECK {\n      connect_timeout 0.3\n      retry 0\n    }\n  }\n`;
  writeFileSync(file, `virtual_server 127.0.0.100 8080 {\n  delay_loop 0.2\n  warmup 0\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rs(port)}${rs(otherPort)}}\n`);
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const d = await startDaemon({
    version: '0.0.0', engine: 'proxy', logger, socketPath: join(dir, 'api.sock'),
    config: { file, source: keepalivedSource(file, 'x', logger), configId: 'x' },
  });
  const ports = () => [...d.director.ipvs.services.values()][0]!.dests.map((x) => x.port).sort((a, b) => a - b);
  const until = async (what: string, cond: () => boolean) => {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${ports().join(',')}\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    assert.deepEqual(ports(), [port, otherPort].sort((a, b) => a - b));
    await until('first checks', () => lines.filter((l) => l.startsWith('TCP connection to')).length === 2);
    await new Promise<void>((r) => backend.close(() => r()));
    await until('removal', () => !ports().includes(port));
    assert.equal((await d.reload()).ok, true);
    assert.deepEqual(ports(), [otherPort]);
    backend = await listen(port);
    await until('return', () => ports().includes(port));
    assert.ok(lines.includes(`Removing service [127.0.0.1]:tcp:${port} from VS [127.0.0.100]:tcp:8080`));
    assert.ok(lines.includes(`Adding service [127.0.0.1]:tcp:${port} to VS [127.0.0.100]:tcp:8080`));
  } finally {
    await d.stop();
    backend.close();
    other.close();
  }
});

/** One connection through the VIP: the name the real server behind it answers with. */
function throughVip(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    let b = '';
    s.on('data', (c: Buffer) => (b += c));
    s.on('end', () => resolve(b));
    s.on('error', reject);
  });
}

async function named(name: string): Promise<Server> {
  const srv = createServer((s) => s.end(name));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

test('daemon: FILE_CHECK follows the track_file blocks of keepalived.conf (init_file, weight, out and back)', async () => {
  const a = await named('A');
  const b = await named('B');
  const pa = (a.address() as AddressInfo).port;
  const pb = (b.address() as AddressInfo).port;
  const maint = join(dir, 'maint');
  const load = join(dir, 'load');
  // init_file ... overwrite replaces what a previous run left.
  writeFileSync(load, '9\n');
  const file = join(dir, 'file-check.conf');
  writeFileSync(file, `track_file maint {\n  file ${maint}\n  weight 0\n  init_file\n}\ntrack_file load {\n  file ${load}\n  init_file 3 overwrite\n}\n` +
    `virtual_server 127.0.0.151 41151 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n` +
    `  real_server 127.0.0.1 ${pa} {\n    weight 2\n    FILE_CHECK {\n      track_file maint\n    }\n  }\n` +
    `  real_server 127.0.0.1 ${pb} {\n    weight 1\n    FILE_CHECK {\n      track_file load\n    }\n  }\n}\n`);
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const d = await startDaemon({
    version: '0.0.0', engine: 'proxy', logger, socketPath: join(dir, 'api-file.sock'),
    config: { file, source: keepalivedSource(file, 'x', logger), configId: 'x' },
  });
  const dests = () => [...d.director.ipvs.services.values()][0]!.dests.map((x) => `${x.port === pa ? 'A' : 'B'} w${x.weight}`).sort();
  const until = async (what: string, want: string[]) => {
    const end = Date.now() + 10_000;
    while (dests().join() !== want.join()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${dests().join(',')}\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const replies = async (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await throughVip('127.0.0.151', 41151));
    return out.sort().join('');
  };
  const rsName = (p: number) => `[127.0.0.1]:tcp:${p}`;
  try {
    assert.equal(readFileSync(maint, 'utf8'), '0\n');
    assert.equal(readFileSync(load, 'utf8'), '3\n');
    assert.deepEqual(dests(), ['A w2', 'B w4']);
    writeFileSync(load, '7\n');
    await until('weight 8', ['A w2', 'B w8']);
    // A non-zero value with weight 0 takes the real server out: no new connection reaches it.
    writeFileSync(maint, '1\n');
    await until('removal', ['B w8']);
    assert.equal(await replies(4), 'BBBB');
    // A value renamed into place (an atomic write) brings it back.
    writeFileSync(join(dir, 'maint.new'), '0');
    renameSync(join(dir, 'maint.new'), maint);
    await until('return', ['A w2', 'B w8']);
    assert.equal(await replies(4), 'AABB');
    // A removed file counts as 0.
    unlinkSync(load);
    await until('file gone', ['A w2', 'B w1']);
    // A reload writes init_file only where the file is missing.
    writeFileSync(maint, '0\n');
    assert.equal((await d.reload()).ok, true);
    assert.equal(readFileSync(load, 'utf8'), '3\n');
    await until('reloaded', ['A w2', 'B w4']);
    assert.deepEqual(lines.filter((l) => l.includes(rsName(pa)) || l.includes(rsName(pb))), [
      `Changing weight from 4 to 8 for active service ${rsName(pb)} of VS [127.0.0.151]:tcp:41151`,
      `Removing service ${rsName(pa)} from VS [127.0.0.151]:tcp:41151`,
      `Adding service ${rsName(pa)} to VS [127.0.0.151]:tcp:41151`,
      `Changing weight from 8 to 1 for active service ${rsName(pb)} of VS [127.0.0.151]:tcp:41151`,
      `Changing weight from 1 to 4 for active service ${rsName(pb)} of VS [127.0.0.151]:tcp:41151`,
    ]);
  } finally {
    await d.stop();
    a.close();
    b.close();
  }
});
