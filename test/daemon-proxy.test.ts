// End to end through the daemon's composition root: `tsvs run` with the proxy engine carries real
// HTTP traffic from the VIP to real servers, ops applied through the API take effect before the
// API answers, and SIGTERM-style stop lets an open connection finish within the grace time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../src/api/client.js';
import type { Logger } from '../src/core/ports.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../src/engine/testkit.js';
import { startDaemon } from '../src/main/daemon.js';

const VIP = tcpKey('127.0.0.134', 41081);
let dir: string;
const backends: Server[] = [];
const ports: number[] = [];

async function backend(name: string): Promise<number> {
  const s = createServer((_, res) => res.end(name));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  backends.push(s);
  return (s.address() as { port: number }).port;
}

function fetchVip(): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: VIP.kind === 'addr' ? VIP.addr : '', port: 41081, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-daemon-proxy-'));
  ports.push(await backend('A'), await backend('B'));
});
after(async () => {
  for (const s of backends) await new Promise((r) => s.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('the daemon forwards to real servers in rr order; API changes apply before the API answers', async () => {
  const socketPath = join(dir, 'a.sock');
  const ops = [addService(svcSpec(VIP, 'rr')), addDest(VIP, destSpec('127.0.0.1', ports[0]!)), addDest(VIP, destSpec('127.0.0.1', ports[1]!))];
  const d = await startDaemon({
    version: 't',
    engine: 'proxy',
    config: { file: 'mem.conf', source: () => ({ messages: [], errors: 0, fatal: false, ops }) },
    socketPath,
    logger: quiet,
    stopGraceMs: 2000,
  });
  try {
    // Newest first: B was added last, so rr starts with it.
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await fetchVip());
    assert.deepEqual(seen, ['B', 'A', 'B', 'A']);
    const client = new ApiClient({ kind: 'unix', path: socketPath });
    const svc = (await client.snapshot()).services[0]!;
    assert.equal(svc.stats.conns, 4);
    assert.deepEqual(
      svc.dests.map((x) => [x.port, x.stats.conns]),
      [
        [ports[1], 2],
        [ports[0], 2],
      ],
    );
    // Quiesce B through the API: the very next connection goes to A.
    await client.ops([{ type: 'edit-dest', service: VIP, dest: destSpec('127.0.0.1', ports[1]!, 'nat', { weight: 0 }) }]);
    assert.deepEqual([await fetchVip(), await fetchVip()], ['A', 'A']);
    // A new service added through the API listens before the call returns.
    const VIP2 = tcpKey('127.0.0.134', 41082);
    await client.ops([addService(svcSpec(VIP2, 'rr')), addDest(VIP2, destSpec('127.0.0.1', ports[0]!))]);
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.134', port: 41082, path: '/', agent: false }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c));
        res.on('end', () => resolve(b));
      }).on('error', reject);
    });
    assert.equal(body, 'A');
    assert.deepEqual((await client.dataplane()).problems, []);
  } finally {
    await d.stop();
  }
});

test('stop: the VIP stops accepting at once, an open connection may finish within the grace time', async () => {
  const socketPath = join(dir, 'b.sock');
  const ops = [addService(svcSpec(VIP, 'rr')), addDest(VIP, destSpec('127.0.0.1', ports[0]!))];
  const d = await startDaemon({
    version: 't',
    engine: 'proxy',
    config: { file: 'mem.conf', source: () => ({ messages: [], errors: 0, fatal: false, ops }) },
    socketPath,
    logger: quiet,
    stopGraceMs: 5000,
  });
  // An HTTP/1.1 keep-alive connection held open across the stop.
  const sock = connect(41081, '127.0.0.134');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const t0 = Date.now();
  const stopped = d.stop();
  await new Promise((r) => setTimeout(r, 100));
  await assert.rejects(fetchVip(), { code: 'ECONNREFUSED' });
  sock.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const reply = await new Promise<string>((resolve) => {
    let b = '';
    sock.on('data', (c: Buffer) => (b += c));
    sock.on('close', () => resolve(b));
  });
  assert.match(reply, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nA$/);
  await stopped;
  assert.ok(Date.now() - t0 < 5000, 'the stop ended when the last connection did, not at the grace limit');
});

test('reload under traffic: an established connection survives a reload that changes the service', async () => {
  const socketPath = join(dir, 'c.sock');
  const first = [addService(svcSpec(VIP, 'rr')), addDest(VIP, destSpec('127.0.0.1', ports[0]!))];
  // The reload switches to wlc, adds B and gives A weight 2: A is kept by identity.
  const second = [addService(svcSpec(VIP, 'wlc')), addDest(VIP, destSpec('127.0.0.1', ports[0]!, 'nat', { weight: 2 })), addDest(VIP, destSpec('127.0.0.1', ports[1]!))];
  const loads = [first, second];
  const d = await startDaemon({
    version: 't',
    engine: 'proxy',
    config: { file: 'mem.conf', source: () => ({ messages: [], errors: 0, fatal: false, ops: loads.shift()! }) },
    socketPath,
    logger: quiet,
    stopGraceMs: 0,
  });
  try {
    const sock = connect(41081, '127.0.0.134');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let reply = '';
    sock.on('data', (c: Buffer) => (reply += c));
    const ask = async (): Promise<string> => {
      reply = '';
      sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      while (!/\r\n\r\n[AB]$/.test(reply)) await new Promise((r) => setTimeout(r, 5));
      return reply.slice(-1);
    };
    assert.equal(await ask(), 'A');
    const client = new ApiClient({ kind: 'unix', path: socketPath });
    const activeBefore = (await client.snapshot()).services[0]!.dests[0]!.activeConns;
    assert.equal(activeBefore, 1);
    assert.equal((await d.reload()).ok, true);
    const svc = (await client.snapshot()).services[0]!;
    assert.equal(svc.scheduler, 'wlc');
    assert.deepEqual(
      svc.dests.map((x) => [x.port, x.weight, x.activeConns]),
      [
        [ports[1], 1, 0],
        [ports[0], 2, 1],
      ],
    );
    // The same connection keeps working, still on A.
    assert.equal(await ask(), 'A');
    assert.equal(await ask(), 'A');
    sock.destroy();
  } finally {
    await d.stop();
  }
});
