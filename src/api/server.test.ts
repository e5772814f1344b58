import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeClock } from '../core/fake-clock.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { createControlPlane } from '../engine/control.js';
import { Director } from '../engine/director.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../engine/testkit.js';
import { ApiClient, ApiUnreachable } from './client.js';
import { serviceResourceId } from './routes.js';
import { ApiServer } from './server.js';

const VIP = tcpKey('127.0.0.100', 8080);
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-api-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function controlPlane(): { control: ControlPlane; director: Director } {
  const clock = new FakeClock();
  const director = new Director({ clock, timers: clock });
  const control = createControlPlane({
    director,
    reloader: null,
    clock,
    info: { version: '0.1.0', pid: 4242, engine: 'proxy', dataplane: 'none', configFile: null },
  });
  return { control, director };
}

let n = 0;
async function serve(opts: { maxBodyBytes?: number; control?: ControlPlane } = {}) {
  const socketPath = join(dir, `api-${++n}.sock`);
  const cp = controlPlane();
  const control = opts.control ?? cp.control;
  const server = await ApiServer.start({ control, socketPath, ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}) });
  return { server, socketPath, director: cp.director, client: new ApiClient({ kind: 'unix', path: socketPath }) };
}

/** A raw request, so malformed bodies can be sent as they are. */
function raw(socketPath: string, method: string, path: string, body?: string | Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the socket is created with mode 0600 and removed on close', async () => {
  const { server, socketPath } = await serve();
  assert.equal(statSync(socketPath).mode & 0o777, 0o600);
  assert.equal(statSync(socketPath).isSocket(), true);
  await server.close();
  assert.equal(existsSync(socketPath), false);
});

test('health, snapshot, services, timeouts, daemons and connections', async () => {
  const { server, client, director } = await serve();
  try {
    director.apply([addService(svcSpec(VIP)), addDest(VIP, destSpec('127.0.0.1', 8081))]);
    const health = await client.health();
    assert.deepEqual({ ...health, uptimeMs: 0 }, { status: 'ok', version: '0.1.0', pid: 4242, engine: 'proxy', dataplane: 'none', configFile: null, uptimeMs: 0 });
    const snap = await client.snapshot();
    assert.deepEqual(snap, JSON.parse(JSON.stringify(director.snapshot())));
    assert.deepEqual(await client.get('/v1/services'), { services: snap.services });
    assert.deepEqual(await client.get(`/v1/services/${serviceResourceId(VIP)}`), snap.services[0]);
    assert.deepEqual(await client.timeouts(), { tcp: 900, tcpfin: 120, udp: 300 });
    assert.deepEqual(await client.daemons(), []);
    assert.deepEqual(await client.connections(), []);
    const missing = await client.request('GET', `/v1/services/${serviceResourceId(tcpKey('127.0.0.1', 1))}`);
    assert.deepEqual(missing, { status: 404, body: { error: { code: 'ESRCH', message: 'no service tcp|127.0.0.1|1' } } });
  } finally {
    await server.close();
  }
});

test('malformed JSON, unknown routes, wrong methods and bad operations get JSON errors', async () => {
  const { server, socketPath } = await serve();
  try {
    const malformed = await raw(socketPath, 'POST', '/v1/ops', '{"ops": [');
    assert.deepEqual([malformed.status, malformed.body], [400, { error: { code: 'MALFORMED_JSON', message: 'request body is not valid JSON' } }]);
    const notFound = await raw(socketPath, 'GET', '/v2/snapshot');
    assert.deepEqual([notFound.status, notFound.body], [404, { error: { code: 'NOT_FOUND', message: 'no such route: GET /v2/snapshot' } }]);
    assert.equal(notFound.headers['content-type'], 'application/json');
    const wrongMethod = await raw(socketPath, 'DELETE', '/v1/ops');
    assert.deepEqual([wrongMethod.status, wrongMethod.headers['allow'], wrongMethod.body], [405, 'POST', { error: { code: 'METHOD_NOT_ALLOWED', message: 'DELETE is not allowed on /v1/ops' } }]);
    const badOp = await raw(socketPath, 'POST', '/v1/ops', JSON.stringify({ ops: [{ type: 'add-service', service: { key: 7 } }] }));
    assert.deepEqual([badOp.status, badOp.body], [400, { error: { code: 'INVALID_OP', message: 'ops[0].service: missing field "scheduler"' } }]);
    const empty = await raw(socketPath, 'POST', '/v1/ops', '');
    assert.deepEqual([empty.status, empty.body], [400, { error: { code: 'INVALID_OP', message: 'body: expected an object' } }]);
  } finally {
    await server.close();
  }
});

test('operations: applied, EEXIST mapped to 409 with per-operation results, continue mode', async () => {
  const { server, client, director } = await serve();
  try {
    const add = addService(svcSpec(VIP));
    assert.deepEqual(await client.ops([add]), { ok: true, results: [{ status: 'applied' }] });
    const again = await client.request('POST', '/v1/ops', { ops: [addDest(VIP, destSpec('127.0.0.1', 8081)), add] });
    assert.deepEqual(again, {
      status: 409,
      body: {
        ok: false,
        results: [{ status: 'skipped' }, { status: 'failed', errno: 'EEXIST', detail: 'service tcp|127.0.0.100|8080 exists' }],
        error: { code: 'EEXIST', message: 'service tcp|127.0.0.100|8080 exists', index: 1 },
      },
    });
    assert.deepEqual(director.snapshot().services[0]!.dests, []);
    const cont = await client.ops([addDest(VIP, destSpec('127.0.0.1', 8081)), add], 'continue');
    assert.deepEqual(cont.results, [{ status: 'applied' }, { status: 'failed', errno: 'EEXIST', detail: 'service tcp|127.0.0.100|8080 exists' }]);
    const esrch = await client.request('POST', '/v1/ops', { ops: [{ type: 'delete-service', service: tcpKey('10.0.0.1', 1) }] });
    assert.equal(esrch.status, 404);
    const erange = await client.request('POST', '/v1/ops', { ops: [addDest(VIP, destSpec('127.0.0.1', 9, 'nat', { weight: -1 }))] });
    assert.equal(erange.status, 422);
  } finally {
    await server.close();
  }
});

test('an oversized body is answered 413 and the daemon keeps serving', async () => {
  const { server, socketPath, client } = await serve({ maxBodyBytes: 1024 });
  try {
    const big = JSON.stringify({ ops: Array.from({ length: 200 }, () => ({ type: 'flush' })) });
    assert.ok(big.length > 1024);
    const r = await raw(socketPath, 'POST', '/v1/ops', big);
    assert.deepEqual([r.status, r.body], [413, { error: { code: 'BODY_TOO_LARGE', message: 'request body exceeds 1024 bytes' } }]);
    assert.equal((await client.health()).status, 'ok');
  } finally {
    await server.close();
  }
});

test('an engine failure is a 500, not a crash', async () => {
  const { control } = controlPlane();
  const broken: ControlPlane = { ...control, snapshot: () => { throw new Error('boom'); } };
  const { server, client } = await serve({ control: broken });
  try {
    assert.deepEqual(await client.request('GET', '/v1/snapshot'), { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
    assert.equal((await client.health()).status, 'ok');
  } finally {
    await server.close();
  }
});

test('reload without a configuration file is refused with 422', async () => {
  const { server, client } = await serve();
  try {
    const r = await client.request('POST', '/v1/reload');
    assert.deepEqual(r, {
      status: 422,
      body: {
        error: { code: 'CONFIG_REFUSED', message: 'reload refused (unreadable); the running configuration is kept' },
        report: { ok: false, refused: 'unreadable', messages: ['no configuration file to reload'], ops: [], outcomes: [] },
      },
    });
    assert.deepEqual((await client.reload()).refused, 'unreadable');
  } finally {
    await server.close();
  }
});

test('TCP listener requires the bearer token', async () => {
  const { control } = controlPlane();
  const socketPath = join(dir, 'tcp.sock');
  const server = await ApiServer.start({ control, socketPath, tcp: { host: '127.0.0.1', port: 0, token: 's3cret' } });
  try {
    const port = server.tcpPort!;
    const anon = new ApiClient({ kind: 'tcp', host: '127.0.0.1', port, token: null });
    assert.deepEqual(await anon.request('GET', '/v1/health'), { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' } } });
    const wrong = new ApiClient({ kind: 'tcp', host: '127.0.0.1', port, token: 's3cre' });
    assert.equal((await wrong.request('GET', '/v1/health')).status, 401);
    const right = new ApiClient({ kind: 'tcp', host: '127.0.0.1', port, token: 's3cret' });
    assert.equal((await right.health()).pid, 4242);
  } finally {
    await server.close();
  }
});

test('a stale socket is replaced; a live one or a regular file is refused', async () => {
  const stale = join(dir, 'stale.sock');
  // A process that dies by SIGKILL leaves its socket file behind.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`]);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(statSync(stale).isSocket(), true);
  const { control } = controlPlane();
  const server = await ApiServer.start({ control, socketPath: stale });
  try {
    await assert.rejects(ApiServer.start({ control, socketPath: stale }), { message: `another tsvs daemon is already serving ${stale}` });
  } finally {
    await server.close();
  }
  const file = join(dir, 'file.sock');
  writeFileSync(file, 'x');
  await assert.rejects(ApiServer.start({ control, socketPath: file }), { message: `${file} exists and is not a socket` });
});

test('the client reports an unreachable daemon with the errno', async () => {
  const client = new ApiClient({ kind: 'unix', path: join(dir, 'nobody.sock') });
  await assert.rejects(client.health(), (e: unknown) => e instanceof ApiUnreachable && e.code === 'ENOENT' && e.endpoint === join(dir, 'nobody.sock'));
});
