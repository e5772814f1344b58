import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseHosts, parseServices, systemNames, systemResolver } from './system-names.js';

const SERVICES = '# comment\nhttp\t\t80/tcp\t\twww # WorldWideWeb HTTP\nhttp-alt\t8080/tcp\twebcache\ndomain\t\t53/tcp\ndomain\t\t53/udp\nbogus 99999/tcp\n';
const HOSTS = '127.0.0.1 localhost\n127.0.0.1 vm\n10.0.0.5 web web.example.com # the web\n2001:DB8::5 web6\nnot-an-ip foo\n';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-names-'));
  writeFileSync(join(dir, 'services'), SERVICES);
  writeFileSync(join(dir, 'hosts'), HOSTS);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('/etc/services: names and aliases per protocol, the first name per port', () => {
  const t = parseServices(SERVICES);
  assert.deepEqual([...t.byName], [['http/tcp', 80], ['www/tcp', 80], ['http-alt/tcp', 8080], ['webcache/tcp', 8080], ['domain/tcp', 53], ['domain/udp', 53]]);
  assert.deepEqual([...t.byPort], [['80/tcp', 'http'], ['8080/tcp', 'http-alt'], ['53/tcp', 'domain'], ['53/udp', 'domain']]);
});

test('/etc/hosts: first name per canonical address, every address per name', () => {
  const t = parseHosts(HOSTS);
  assert.deepEqual([...t.byAddr], [['127.0.0.1', 'localhost'], ['10.0.0.5', 'web'], ['2001:db8::5', 'web6']]);
  assert.deepEqual(t.byName.get('web.example.com'), ['10.0.0.5']);
  assert.deepEqual(t.byName.get('localhost'), ['127.0.0.1']);
});

test('the parsing resolver and the listing names read the given files', async () => {
  const files = { services: join(dir, 'services'), hosts: join(dir, 'hosts'), useNss: false };
  const r = systemResolver(files);
  assert.equal(r.host('web', 4), '10.0.0.5');
  assert.equal(r.host('web6', 6), '2001:db8::5');
  assert.equal(r.host('web6', 4), null);
  assert.equal(r.service('webcache', 'tcp'), 8080);
  assert.equal(r.service('https', 'tcp'), 443); // not in the file: the built-in table
  assert.equal(r.service('nosuch', 'tcp'), null);
  const names = await systemNames(['10.0.0.5', '10.9.9.9', '127.0.0.1'], files);
  assert.deepEqual([names.host('10.0.0.5'), names.host('10.9.9.9'), names.host('127.0.0.1')], ['web', null, 'localhost']);
  assert.deepEqual([names.service(8080, 'tcp'), names.service(53, 'udp'), names.service(8080, 'udp')], ['http-alt', 'domain', null]);
});
