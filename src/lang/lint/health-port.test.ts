import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseKeepalivedConfig } from '../keepalived/index.js';
import { checkHealthPorts } from './health-port.js';

function check(text: string): string[] {
  const { model } = parseKeepalivedConfig('k.conf', { readFile: (p) => (p === 'k.conf' ? text : null), glob: () => [], configId: 'x' });
  return checkHealthPorts(model).map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`);
}

const service = (method: string, rsPort: string, checker: string) =>
  `virtual_server 10.0.0.100 8080 {\n    lb_algo rr\n    lb_kind ${method}\n    protocol TCP\n    real_server 10.0.0.11 ${rsPort} {\n        ${checker}\n    }\n}\n`;

test('seed 002: TCP_CHECK connect_port 80 for a Tomcat real server on 8080 warns at each checker', () => {
  const text = readFileSync(new URL('../../../test/corpus/keepalived/seeds/seed-002-lvs01.conf', import.meta.url), 'utf8');
  assert.deepEqual(check(text), [
    'k.conf:30:9: warning: TCP_CHECK probes port 80 but real server 39.106.40.172 serves port 8080 [checker-port-mismatch]',
    'k.conf:40:9: warning: TCP_CHECK probes port 80 but real server 39.107.137.111 serves port 8080 [checker-port-mismatch]',
  ]);
});

test('an HTTP_GET on another port warns too', () => {
  assert.deepEqual(check(service('NAT', '8080', 'HTTP_GET {\n            connect_port 81\n            url {\n              path /\n            }\n        }')), [
    'k.conf:6:9: warning: HTTP_GET probes port 81 but real server 10.0.0.11 serves port 8080 [checker-port-mismatch]',
  ]);
});

test('no warning when the check uses the real server port (default or explicit)', () => {
  assert.deepEqual(check(service('NAT', '8080', 'TCP_CHECK {\n            connect_timeout 3\n        }')), []);
  assert.deepEqual(check(service('NAT', '8080', 'TCP_CHECK {\n            connect_port 8080\n        }')), []);
  // DR forces the real server onto the virtual service port; the default check follows it.
  assert.deepEqual(check(service('DR', '80', 'TCP_CHECK {\n            connect_timeout 3\n        }')), []);
});

test('no warning for a probe of another host, a port-less checker, or a fwmark service', () => {
  assert.deepEqual(check(service('NAT', '8080', 'TCP_CHECK {\n            connect_ip 10.0.0.50\n            connect_port 80\n        }')), []);
  assert.deepEqual(check(service('NAT', '8080', 'PING_CHECK {\n            connect_timeout 3\n        }')), []);
  const fwmark = 'virtual_server fwmark 7 {\n    lb_algo rr\n    lb_kind DR\n    real_server 10.0.0.11 {\n        TCP_CHECK {\n            connect_port 80\n        }\n    }\n}\n';
  assert.deepEqual(check(fwmark), []);
});
