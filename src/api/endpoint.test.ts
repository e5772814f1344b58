import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSocketPath, parseHostPort, resolveEndpoint, takeApiArgs, type EndpointEnv } from './endpoint.js';

const env = (over: Partial<EndpointEnv> = {}): EndpointEnv => ({ env: {}, uid: 1000, tmpdir: '/tmp', ...over });

test('default socket: root uses /run/tsvs, others XDG_RUNTIME_DIR, else a per-user temp dir', () => {
  assert.equal(defaultSocketPath(env({ uid: 0, env: { XDG_RUNTIME_DIR: '/run/user/0' } })), '/run/tsvs/tsvs.sock');
  assert.equal(defaultSocketPath(env({ env: { XDG_RUNTIME_DIR: '/run/user/1000/' } })), '/run/user/1000/tsvs.sock');
  assert.equal(defaultSocketPath(env()), '/tmp/tsvs-1000/tsvs.sock');
});

test('--api wins over TSVS_API, which wins over the default', () => {
  const e = env({ env: { TSVS_API: '/srv/a.sock', XDG_RUNTIME_DIR: '/run/user/1000' } });
  assert.deepEqual(resolveEndpoint('/x/y.sock', undefined, e), { ok: true, endpoint: { kind: 'unix', path: '/x/y.sock' } });
  assert.deepEqual(resolveEndpoint(undefined, undefined, e), { ok: true, endpoint: { kind: 'unix', path: '/srv/a.sock' } });
  assert.deepEqual(resolveEndpoint(undefined, undefined, env({ env: { XDG_RUNTIME_DIR: '/run/user/1000' } })), { ok: true, endpoint: { kind: 'unix', path: '/run/user/1000/tsvs.sock' } });
  assert.deepEqual(resolveEndpoint(undefined, undefined, env({ uid: 0, env: { TSVS_API: '' } })), { ok: true, endpoint: { kind: 'unix', path: '/run/tsvs/tsvs.sock' } });
});

test('TCP endpoints take their token from the token file, else TSVS_API_TOKEN', () => {
  const e = env({ env: { TSVS_API_TOKEN: 'from-env' }, readFile: (p) => (p === '/etc/tsvs/token' ? 'from-file\n' : '') });
  assert.deepEqual(resolveEndpoint('http://127.0.0.1:9000', undefined, e), { ok: true, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 9000, token: 'from-env' } });
  assert.deepEqual(resolveEndpoint('http://[::1]:9000/', '/etc/tsvs/token', e), { ok: true, endpoint: { kind: 'tcp', host: '::1', port: 9000, token: 'from-file' } });
  assert.deepEqual(resolveEndpoint('tcp://host:0', undefined, e), { ok: false, message: "invalid API address 'tcp://host:0' (expected http://HOST:PORT)" });
  const failing = env({ readFile: () => { throw new Error('ENOENT: no such file'); } });
  assert.deepEqual(resolveEndpoint('http://h:1', '/nope', failing), { ok: false, message: 'cannot read API token file /nope: ENOENT: no such file' });
});

test('parseHostPort', () => {
  assert.deepEqual(parseHostPort('0.0.0.0:8443'), { host: '0.0.0.0', port: 8443 });
  assert.deepEqual(parseHostPort('[::]:1'), { host: '::', port: 1 });
  assert.equal(parseHostPort('::1:80'), null);
  assert.equal(parseHostPort('host'), null);
  assert.equal(parseHostPort('host:65536'), null);
});

test('takeApiArgs removes the API options wherever they are', () => {
  assert.deepEqual(takeApiArgs(['-L', '--api', '/s', '-n', '--api-token-file=/t']), { rest: ['-L', '-n'], api: '/s', tokenFile: '/t' });
  assert.deepEqual(takeApiArgs(['--api=/a', '-C']), { rest: ['-C'], api: '/a', tokenFile: undefined });
  assert.deepEqual(takeApiArgs(['-L', '--api']), { rest: ['-L'], api: undefined, tokenFile: undefined, error: 'option --api needs a value' });
  assert.deepEqual(takeApiArgs(['--apix']), { rest: ['--apix'], api: undefined, tokenFile: undefined });
});
