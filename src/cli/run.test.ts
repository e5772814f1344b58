import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunArgs } from './run.js';

const DEFAULTS = {
  file: null, console: false, detail: false, test: false, configId: null, pidFile: null,
  engine: 'proxy', api: null, apiTcp: null, apiTokenFile: null, logFormat: 'text',
};

test('keepalived flags and tsvs options', () => {
  assert.deepEqual(parseRunArgs([]), DEFAULTS);
  assert.deepEqual(parseRunArgs(['-f', '/etc/k.conf', '-n', '-l', '-D', '-i', 'lvs1', '-p', '/run/t.pid', '--engine', 'packet', '--api=/tmp/s', '--log-format', 'json']), {
    ...DEFAULTS, file: '/etc/k.conf', console: true, detail: true, configId: 'lvs1', pidFile: '/run/t.pid', engine: 'packet', api: '/tmp/s', logFormat: 'json',
  });
  assert.deepEqual(parseRunArgs(['--use-file=/a.conf', '--config-test', '--log-detail', '--dont-fork', '--log-console', '--config-id=x', '--pid', 'p']), {
    ...DEFAULTS, file: '/a.conf', test: true, detail: true, console: true, configId: 'x', pidFile: 'p',
  });
  assert.deepEqual(parseRunArgs(['--api-tcp', '0.0.0.0:8443', '--api-token-file', '/etc/tsvs/token']), { ...DEFAULTS, apiTcp: '0.0.0.0:8443', apiTokenFile: '/etc/tsvs/token' });
});

test('usage errors', () => {
  assert.equal(parseRunArgs(['-x']), "unknown option '-x'");
  assert.equal(parseRunArgs(['-f']), "option '-f' needs a value");
  assert.equal(parseRunArgs(['--api=']), "option '--api' needs a value");
  assert.equal(parseRunArgs(['-n=1']), "unknown option '-n=1'");
  assert.equal(parseRunArgs(['--engine', 'kernel']), "unknown engine 'kernel' (expected proxy or packet)");
  assert.equal(parseRunArgs(['--log-format', 'xml']), "unknown log format 'xml' (expected text or json)");
  assert.equal(parseRunArgs(['--api-tcp', '127.0.0.1:1']), '--api-tcp needs --api-token-file (the TCP listener requires a bearer token)');
});
