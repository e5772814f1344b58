import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeClock } from '../core/fake-clock.js';
import { silentLogger } from '../core/ports.js';
import { Director } from '../engine/director.js';
import { ConfigReloader } from '../engine/reload.js';
import { DEFAULT_LIST_OPTIONS } from '../lang/ipvsadm/command.js';
import { formatList } from '../lang/ipvsadm/list.js';
import { configTest, EXIT_CONFIG_MISSING, keepalivedSource } from './keepalived-source.js';

const root = new URL('../..', import.meta.url).pathname;
const seeds = join(root, 'test/corpus/keepalived/seeds');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-kasrc-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

async function listAfterStart(file: string): Promise<{ text: string; ok: boolean; messages: readonly string[] }> {
  const clock = new FakeClock();
  const director = new Director({ clock, timers: clock });
  const reloader = new ConfigReloader({ director, source: keepalivedSource(file, 'lvs1', silentLogger) });
  const r = await reloader.load('lenient');
  const list = formatList(director.snapshot(), { ...DEFAULT_LIST_OPTIONS, numeric: true });
  assert.equal(list.ok, true);
  return { text: list.ok ? list.text : '', ok: r.ok, messages: r.messages };
}

test('examples/keepalived.conf starts three NAT real servers behind 127.0.0.100:8080', async () => {
  const r = await listAfterStart(join(root, 'examples/keepalived.conf'));
  assert.deepEqual(r.messages, []);
  assert.equal(
    r.text,
    HEADER +
      'TCP  127.0.0.100:8080 rr\n' +
      '  -> 127.0.0.1:8081               Masq    1      0          0         \n' +
      '  -> 127.0.0.1:8082               Masq    1      0          0         \n' +
      '  -> 127.0.0.1:8083               Masq    1      0          0         \n',
  );
});

test('seed 004 (master): DR, rr, TCP_CHECK; its nb_get_retry typo is reported but the service runs', async () => {
  const file = join(seeds, 'seed-004-master.conf');
  const r = await listAfterStart(file);
  assert.equal(r.ok, true);
  assert.deepEqual(r.messages, [`(${file}: Line 31) Unknown keyword 'nb_get_retry'`]);
  assert.equal(
    r.text,
    HEADER + 'TCP  192.168.64.100:80 rr\n' + '  -> 192.168.64.138:80            Route   1      0          0         \n' + '  -> 192.168.64.143:80            Route   1      0          0         \n',
  );
});

test('seed 002 (lvs01): wrr with persistence 50 s, DR', async () => {
  const r = await listAfterStart(join(seeds, 'seed-002-lvs01.conf'));
  assert.equal(
    r.text,
    HEADER + 'TCP  172.17.252.38:8080 wrr persistent 50\n' + '  -> 39.106.40.172:8080           Route   1      0          0         \n' + '  -> 39.107.137.111:8080          Route   1      0          0         \n',
  );
});

test('seed 000: the typo-ridden director config starts; its malformed virtual server is skipped', async () => {
  const r = await listAfterStart(join(seeds, 'seed-000-director.conf'));
  assert.equal(r.ok, true);
  assert.equal(r.text, HEADER);
  assert.ok(r.messages.some((m) => m.endsWith('Invalid virtual server IP address/port 192.168.200/80 - skipping')));
});

test('configTest prints error diagnostics located, with keepalived -t exit statuses', () => {
  const out: string[] = [];
  const bad = join(dir, 'bad.conf');
  writeFileSync(bad, 'virtual_server 10.0.0.1 80 {\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n    real_server 10.0.0.2 80 {\n        weight x\n    }\n}\n');
  const code = configTest(bad, 'lvs1', (t) => out.push(t));
  assert.equal(code, 5);
  // What keepalived 2.2.7 -t prints for this file, byte for byte.
  assert.deepEqual(out, [`(${bad}: Line 6) Real server weight x is outside range 0-2147483647\n`]);
  out.length = 0;
  assert.equal(configTest(join(dir, 'none.conf'), 'lvs1', (t) => out.push(t)), EXIT_CONFIG_MISSING);
  assert.deepEqual(out, [`Config files missing '${join(dir, 'none.conf')}'.\n`]);
});

test('keepalivedSource gives the parsed model with each load, none for a missing file', async () => {
  const file = join(dir, 'model.conf');
  writeFileSync(file, 'track_file tf {\n  file /run/tf\n}\nvirtual_server 10.0.0.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n  real_server 10.0.0.2 80 {\n    FILE_CHECK {\n      track_file tf\n    }\n  }\n}\n');
  const source = keepalivedSource(file, 'lvs1', silentLogger);
  const load = await source();
  assert.equal(load.fatal, false);
  assert.deepEqual(load.model?.files, [file]);
  assert.deepEqual(load.model?.trackFiles.map((t) => [t.name, t.path, t.weight]), [['tf', '/run/tf', 1]]);
  assert.deepEqual(load.model?.virtualServers[0]!.realServers[0]!.checkers.map((c) => c.type), ['FILE_CHECK']);
  // The next load reads the file again.
  writeFileSync(file, '');
  assert.deepEqual((await source()).model?.virtualServers, []);
  const missing = await keepalivedSource(join(dir, 'gone.conf'), 'lvs1', silentLogger)();
  assert.deepEqual([missing.fatal, missing.model], [true, null]);
});
