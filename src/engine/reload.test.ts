import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../core/fake-clock.js';
import type { Op } from '../core/ops.js';
import { Director } from './director.js';
import { replicate } from './dry-run.js';
import { ConfigReloader, type ConfigLoad } from './reload.js';
import { snapshotIpvs } from '../core/snapshot.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from './testkit.js';

const VIP = tcpKey('127.0.0.100', 8080);
const rs = (port: number, weight = 1) => destSpec('127.0.0.1', port, 'nat', { weight });
const config = (...dests: number[]): Op[] => [addService(svcSpec(VIP)), ...dests.map((p) => addDest(VIP, rs(p)))];
const clean = (ops: Op[]): ConfigLoad => ({ messages: [], errors: 0, fatal: false, ops });

function setup(loads: Array<ConfigLoad | Error>) {
  const clock = new FakeClock();
  const director = new Director({ clock, timers: clock });
  const logged: string[] = [];
  const logger = { debug() {}, info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(`ERROR ${m}`) };
  const source = () => {
    const next = loads.shift();
    if (!next) throw new Error('no more configurations');
    if (next instanceof Error) throw next;
    return next;
  };
  return { director, logged, reloader: new ConfigReloader({ director, source, logger }) };
}

const ports = (d: Director) => d.snapshot().services.map((s) => s.dests.map((x) => x.port));

test('start-up applies the configuration; a reload applies only the difference', async () => {
  const { director, reloader, logged } = setup([clean(config(8081, 8082)), clean(config(8082, 8083))]);
  const first = await reloader.load('lenient');
  assert.equal(first.ok, true);
  assert.equal(first.ops.length, 3);
  assert.deepEqual(ports(director), [[8082, 8081]]);
  const second = await reloader.load('strict');
  assert.deepEqual(second.ops, [
    { type: 'delete-dest', service: VIP, dest: { family: 4, addr: '127.0.0.1', port: 8081 } },
    { type: 'add-dest', service: VIP, dest: rs(8083) },
  ]);
  assert.deepEqual(ports(director), [[8083, 8082]]);
  assert.deepEqual(logged, ['configuration applied: 3 change(s)', 'configuration applied: 2 change(s)']);
});

test('a strict reload refuses a configuration with errors and keeps the running one', async () => {
  const broken: ConfigLoad = { messages: ["(Line 3) Unknown keyword 'lb_algoo'"], errors: 1, fatal: false, ops: config(8081) };
  const { director, reloader, logged } = setup([clean(config(8081, 8082)), broken]);
  await reloader.load('lenient');
  const r = await reloader.load('strict');
  assert.deepEqual(r, { ok: false, refused: 'config-errors', messages: broken.messages, ops: [], outcomes: [] });
  assert.deepEqual(ports(director), [[8082, 8081]]);
  assert.deepEqual(logged.slice(1), ["(Line 3) Unknown keyword 'lb_algoo'", 'ERROR configuration has 1 error(s) - not reloading, keeping the running configuration']);
});

test('lenient loading applies what was understood despite error diagnostics (keepalived start-up)', async () => {
  const { director, reloader } = setup([{ messages: ["(Line 1) Unknown keyword 'gloal_defs'"], errors: 1, fatal: false, ops: config(8081) }]);
  assert.equal((await reloader.load('lenient')).ok, true);
  assert.deepEqual(ports(director), [[8081]]);
});

test('a difference IPVS refuses is not applied at all', async () => {
  const bad: Op[] = [addService(svcSpec(VIP)), addDest(VIP, rs(8081)), addService(svcSpec(tcpKey('127.0.0.101', 80), 'nosuch'))];
  const { director, reloader, logged } = setup([clean(config(8081, 8082)), clean(bad)]);
  await reloader.load('lenient');
  const r = await reloader.load('strict');
  assert.equal(r.ok, false);
  assert.equal(r.refused, 'apply');
  assert.deepEqual(r.outcomes.map((o) => o.status), ['skipped', 'failed']);
  assert.deepEqual(ports(director), [[8082, 8081]]);
  assert.equal(logged.at(-1), 'ERROR configuration refused by IPVS (ENOENT unknown scheduler nosuch) - keeping the running configuration');
});

test('fatal, untranslatable and unreadable configurations are refused', async () => {
  const { reloader } = setup([
    { messages: ["Config files missing '/x.conf'."], errors: 1, fatal: true, ops: [] },
    clean([addDest(VIP, rs(8081))]),
    new Error('EACCES: permission denied'),
  ]);
  assert.equal((await reloader.load('lenient')).refused, 'unreadable');
  assert.equal((await reloader.load('lenient')).refused, 'translation');
  assert.deepEqual(await reloader.load('lenient'), {
    ok: false,
    refused: 'unreadable',
    messages: ['cannot read the configuration: EACCES: permission denied'],
    ops: [],
    outcomes: [],
  });
});

test('the ownership of the last applied configuration decides what a reload may delete', async () => {
  const { director, reloader } = setup([clean(config(8081)), clean([])]);
  await reloader.load('lenient');
  director.apply([addService(svcSpec(tcpKey('10.1.1.1', 80)))]); // by hand
  await reloader.load('strict');
  assert.deepEqual(director.snapshot().services.map((s) => s.addr), ['10.1.1.1']);
});

test('replicate copies services, destination order, timeouts and daemons', () => {
  const clock = new FakeClock();
  const d = new Director({ clock, timers: clock });
  d.apply([
    ...config(8081, 8082, 8083),
    { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 },
    { type: 'start-daemon', daemon: { state: 'backup', mcastIfn: 'eth1', syncid: 5, maxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 } },
  ]);
  d.ipvs.getService(VIP)!.dests[0]!.stats.conns = 9;
  const copy = snapshotIpvs(replicate(d.ipvs));
  const live = d.snapshot();
  assert.deepEqual(copy.services[0]!.dests.map((x) => x.port), [8083, 8082, 8081]);
  assert.deepEqual(copy.timeouts, live.timeouts);
  assert.deepEqual(copy.daemons, live.daemons);
  assert.equal(copy.services[0]!.dests[0]!.stats.conns, 0); // structure only
});
