// GET /metrics after known traffic through the proxy engine: a keepalived.conf with two real
// servers behind a VIP and TCP_CHECKs; four connections each send 5 bytes and get 7 back. The
// scraped numbers are exact; then one backend goes and the health figures and events follow.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseExposition, type Sample } from '../../src/api/metrics-format.js';
import type { Logger } from '../../src/core/ports.js';
import { keepalivedSource } from '../../src/main/keepalived-source.js';
import { startDaemon } from '../../src/main/daemon.js';
import { httpGet, until } from './http.js';

const VIP = '127.0.0.139';
const VPORT = 41391;
const dir = mkdtempSync(join(tmpdir(), 'tsvs-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function backend(): Promise<Server> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end('world!!'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

/** One request through the VIP: send 5 bytes, read the 7-byte answer until the server closes. */
function exchange(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(VPORT, VIP, () => s.write('hello'));
    let b = '';
    s.on('data', (c: Buffer) => (b += c));
    s.on('end', () => {
      s.end();
      resolve(b);
    });
    s.on('error', reject);
  });
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${hits.length} samples`);
  return hits[0]?.value;
}

test('metrics: exact IPVS counters after known traffic, health and events after a backend goes', async () => {
  const a = await backend();
  const b = await backend();
  const pa = (a.address() as AddressInfo).port;
  const pb = (b.address() as AddressInfo).port;
  const file = join(dir, 'keepalived.conf');
  const rs = (p: number) => `  real_server 127.0.0.1 ${p} {\n    TCP_CHECK {\n      connect_timeout 0.3\n      retry 0\n    }\n  }\n`;
  writeFileSync(file, `virtual_server ${VIP} ${VPORT} {\n  delay_loop 0.2\n  warmup 0\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rs(pa)}${rs(pb)}}\n`);
  const logger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const socketPath = join(dir, 'api.sock');
  const d = await startDaemon({ version: '9.9.9', engine: 'proxy', logger, socketPath, config: { file, source: keepalivedSource(file, 'x', logger), configId: 'x' } });
  const scrape = async (): Promise<Sample[]> => {
    const r = await httpGet({ socketPath }, '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(r.body);
  };
  try {
    for (let i = 0; i < 4; i++) assert.equal(await exchange(), 'world!!');
    await until('connections settled', () => d.director.snapshot().services[0]!.dests.every((x) => x.activeConns === 0));
    const m = await scrape();
    const svc = { local_address: VIP, local_port: String(VPORT), local_mark: '', proto: 'TCP' };
    const rsA = { ...svc, remote_address: '127.0.0.1', remote_port: String(pa) };
    const rsB = { ...svc, remote_address: '127.0.0.1', remote_port: String(pb) };
    assert.equal(value(m, 'tsvs_build_info', { version: '9.9.9', engine: 'proxy' }), 1);
    assert.equal(value(m, 'tsvs_ipvs_connections_total'), 4);
    assert.equal(value(m, 'tsvs_ipvs_incoming_bytes_total'), 20);
    assert.equal(value(m, 'tsvs_ipvs_outgoing_bytes_total'), 28);
    assert.equal(value(m, 'tsvs_ipvs_service_connections_total', svc), 4);
    assert.equal(value(m, 'tsvs_ipvs_service_incoming_bytes_total', svc), 20);
    assert.equal(value(m, 'tsvs_ipvs_service_outgoing_bytes_total', svc), 28);
    assert.equal(value(m, 'tsvs_ipvs_service_info', { ...svc, scheduler: 'rr' }), 1);
    for (const l of [rsA, rsB]) {
      assert.equal(value(m, 'tsvs_ipvs_backend_connections_total', l), 2);
      assert.equal(value(m, 'tsvs_ipvs_backend_incoming_bytes_total', l), 10);
      assert.equal(value(m, 'tsvs_ipvs_backend_outgoing_bytes_total', l), 14);
      assert.equal(value(m, 'tsvs_ipvs_backend_weight', l), 1);
      assert.equal(value(m, 'tsvs_ipvs_backend_info', { ...l, forward: 'nat' }), 1);
      assert.equal(value(m, 'tsvs_ipvs_backend_connections_active', l), 0);
      assert.equal(value(m, 'tsvs_ipvs_backend_connections_persistent', l), 0);
    }
    // Packets are counted per fed segment (COMPAT in src/adapters/proxy/feed.ts): the scrape
    // reports exactly what the IPVS state holds.
    const snap = d.director.snapshot();
    assert.equal(value(m, 'tsvs_ipvs_incoming_packets_total'), snap.totals.inpkts);
    assert.equal(value(m, 'tsvs_ipvs_outgoing_packets_total'), snap.totals.outpkts);
    const inact = snap.services[0]!.dests.map((x) => x.inactConns);
    assert.deepEqual([value(m, 'tsvs_ipvs_backend_connections_inactive', rsA), value(m, 'tsvs_ipvs_backend_connections_inactive', rsB)].sort(), [...inact].sort());
    // Every metric served is documented.
    const docs = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const undocumented = [...new Set(m.map((x) => x.name))].filter((n) => !docs.includes(`\`${n}`));
    assert.deepEqual(undocumented, []);
    const hA = { ...svc, remote_address: '127.0.0.1', remote_port: String(pa) };
    assert.equal(value(m, 'tsvs_health_backend_up', hA), 1);
    assert.equal(value(m, 'tsvs_health_transitions_total', hA), 0);
    assert.equal(value(m, 'tsvs_vrrp_running'), 0);
    assert.equal(value(m, 'tsvs_events_total', { kind: 'reload' }), 1);

    // Backend A goes: health takes it out; its IPVS series disappear, its health series remain.
    await new Promise<void>((r) => a.close(() => r()));
    await until('A out of the table', () => d.director.snapshot().services[0]!.dests.length === 1);
    const m2 = await scrape();
    assert.equal(value(m2, 'tsvs_health_backend_up', hA), 0);
    assert.equal(value(m2, 'tsvs_health_transitions_total', hA), 1);
    assert.equal(value(m2, 'tsvs_events_total', { kind: 'health' }), 1);
    assert.equal(value(m2, 'tsvs_ipvs_backend_weight', rsA), undefined);
    assert.equal(value(m2, 'tsvs_ipvs_backend_weight', rsB), 1);
    assert.equal(value(m2, 'tsvs_ipvs_connections_total'), 4);
    // The summary's count is the sum of the per-result counts.
    // TCP_CHECK only passes or fails: the other result kinds are not listed until they occur.
    assert.equal(value(m2, 'tsvs_health_checks_total', { ...hA, result: 'exit' }), undefined);
    const results = ['pass', 'fail'].map((r) => value(m2, 'tsvs_health_checks_total', { ...hA, result: r })!);
    assert.equal(value(m2, 'tsvs_health_check_duration_seconds_count', hA), results.reduce((x, y) => x + y, 0));
    assert.ok(results[1]! >= 1, 'at least the failing check was counted');
    const ev = await httpGet({ socketPath }, '/v1/status');
    const status = JSON.parse(ev.body) as { events: Array<{ kind: string; message: string }>; services: Array<{ realServers: Array<{ port: number; health: string; weight: number }> }> };
    assert.deepEqual(status.events.map((e) => e.kind), ['reload', 'health']);
    assert.match(status.events[1]!.message, new RegExp(`^DOWN \\[127\\.0\\.0\\.1\\]:tcp:${pa} in \\[${VIP.replace(/\./g, '\\.')}\\]:tcp:${VPORT}`));
    assert.deepEqual(
      status.services[0]!.realServers.map((r) => [r.port, r.health, r.weight]),
      [[pb, 'up', 1], [pa, 'down', 0]],
    );
  } finally {
    await d.stop();
    a.close();
    b.close();
  }
});
