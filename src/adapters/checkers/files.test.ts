import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { after, test } from 'node:test';
import { InterfaceAddresses, localAddresses } from './address-watch.js';
import { sslGetCheck } from './ssl-get.js';
import { context, httpAnswer, memoryLogger, oneChecker, targetFrom } from './test-backends.js';
import { parseTrackValue, TrackFileWatcher } from './track-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('track file values are read as strtol(…, 0) does, within 32 bits', () => {
  assert.deepEqual(
    ['12', '  -7\n', '0x1f', '010', '3abc', '', 'abc', '+5', '2147483648', '2147483649', '-2147483649'].map(parseTrackValue),
    [12, -7, 31, 8, 3, 0, 0, 5, 2147483648, null, null],
  );
});

test('a tracked file is followed through writes, renames and removal', async () => {
  const path = join(dir, 'weight');
  writeFileSync(path, '5\n');
  const lines: string[] = [];
  const files = new TrackFileWatcher(memoryLogger(lines));
  assert.equal(files.read(path), 5);
  assert.equal(files.read(join(dir, 'missing')), 0);
  const seen: number[] = [];
  const stop = files.watch(path, (v) => seen.push(v));
  const settle = () => new Promise((r) => setTimeout(r, 150));
  writeFileSync(path, '9\n');
  await settle();
  writeFileSync(join(dir, 'tmp'), '-3');
  renameSync(join(dir, 'tmp'), path);
  await settle();
  unlinkSync(path);
  await settle();
  writeFileSync(path, '99999999999');
  await settle();
  stop();
  writeFileSync(path, '1');
  await settle();
  assert.deepEqual(seen, [9, -3, 0]);
  assert.deepEqual(lines, [`Invalid number 99999999999 read from ${path} - ignoring`]);
});

test('init_file: creates a missing file; overwrite replaces a regular file, except on a reload', () => {
  const files = new TrackFileWatcher(memoryLogger([]));
  const path = join(dir, 'init');
  const text = () => readFileSync(path, 'utf8');
  assert.equal(files.initialise(path, -3, false, false), 'written');
  assert.equal(text(), '-3\n');
  assert.equal(files.initialise(path, 7, false, false), 'kept');
  assert.equal(text(), '-3\n');
  assert.equal(files.initialise(path, 7, true, true), 'kept');
  assert.equal(text(), '-3\n');
  assert.equal(files.initialise(path, 7, true, false), 'written');
  assert.equal(text(), '7\n');
  // A reload still creates a file that is missing.
  unlinkSync(path);
  assert.equal(files.initialise(path, 2, true, true), 'written');
  assert.equal(text(), '2\n');
  // keepalived writes only regular files, and reports what it cannot write.
  assert.equal(files.initialise(dir, 1, true, false), 'not-regular');
  assert.equal(files.initialise(join(dir, 'no-such-dir', 'f'), 1, false, false), 'failed');
  // No temporary file is left behind.
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('init')), ['init']);
});

test('local addresses: loopback is seen; a change is reported as +1 / -1', () => {
  assert.ok((localAddresses().get('127.0.0.1') ?? 0) >= 1);
  let current = new Map([['10.1.1.1', 1]]);
  const timers: { fn: () => void }[] = [];
  const fake = { set: (_d: number, fn: () => void) => (timers.push({ fn }), { id: timers.length }), clear() {} };
  const w = new InterfaceAddresses(fake, () => current);
  assert.equal(w.count('10.1.1.1'), 1);
  const events: string[] = [];
  const stop = w.subscribe((a, d) => events.push(`${a} ${d}`));
  current = new Map([['10.1.1.2', 2]]);
  timers.shift()!.fn();
  assert.deepEqual(events, ['10.1.1.2 1', '10.1.1.2 1', '10.1.1.1 -1']);
  stop();
});

function selfSigned(): { key: string; cert: string } | null {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=backend.test'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } catch {
    return null;
  }
}

test('SSL_GET: a self-signed certificate is accepted (no verification), SNI only with enable_sni', async (t) => {
  const pem = selfSigned();
  if (!pem) return t.skip('openssl is not available to make a test certificate');
  const sni: (string | false)[] = [];
  const srv = createServer({ ...pem }, (s) => {
    sni.push((s as unknown as { servername: string | false }).servername);
    s.once('data', () => s.end(httpAnswer('200 OK', 'secure')));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const block = (extra: string) => `SSL_GET {\n connect_timeout 1\n virtualhost www.backend.test\n${extra}\n url {\n path /\n }\n}`;
  assert.deepEqual(await sslGetCheck(targetFrom(oneChecker(port, block(''))), context()).run(0), { kind: 'pass', detail: 'HTTP status code' });
  assert.deepEqual(await sslGetCheck(targetFrom(oneChecker(port, block('enable_sni'))), context()).run(0), { kind: 'pass', detail: 'HTTP status code' });
  assert.deepEqual(sni, [false, 'www.backend.test']);
  srv.close();
  // A plain-text server fails the handshake.
  const plain = (await import('node:net')).createServer((s) => s.end('HTTP/1.0 200 OK\r\n\r\n'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const p2 = (plain.address() as AddressInfo).port;
  assert.deepEqual(await sslGetCheck(targetFrom(oneChecker(p2, block(''))), context()).run(0), { kind: 'fail', reason: 'SSL handshake/communication error connecting to' });
  plain.close();
});
