// The exposition writer and reader: escaping, families written once, and the VRRP families as
// exact text for a known status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addLabel, Exposition, formatLabels, parseExposition, ScrapeCache } from '../../src/api/metrics-format.js';
import { vrrpMetrics } from '../../src/api/metrics-vrrp.js';
import { fakeVrrp } from './fake-vrrp.js';

test('Exposition: HELP and TYPE once per family, samples grouped under it, label values escaped', () => {
  const x = new Exposition();
  const a = x.family('t_a', 'counter', 'A help with a \\ and\na newline.');
  const b = x.family('t_b', 'gauge', 'B.');
  a(1, { k: 'x"y' });
  b(2.5);
  a(3, formatLabels({ k: 'back\\slash\nnl' }));
  b(NaN, addLabel(formatLabels({ p: '1' }), 'q', '2'), '_sum');
  assert.equal(
    x.text(),
    [
      '# HELP t_a A help with a \\\\ and\\na newline.',
      '# TYPE t_a counter',
      't_a{k="x\\"y"} 1',
      't_a{k="back\\\\slash\\nnl"} 3',
      '# HELP t_b B.',
      '# TYPE t_b gauge',
      't_b 2.5',
      't_b_sum{p="1",q="2"} NaN',
      '',
    ].join('\n'),
  );
  assert.deepEqual(parseExposition(x.text()).map((s) => [s.name, s.labels, s.value]), [
    ['t_a', { k: 'x"y' }, 1],
    ['t_a', { k: 'back\\slash\nnl' }, 3],
    ['t_b', {}, 2.5],
    ['t_b_sum', { p: '1', q: '2' }, NaN],
  ]);
  assert.throws(() => parseExposition('t_a{k="x" 1\n'), /malformed/);
  assert.throws(() => parseExposition('t_a{k=x} 1\n'), /malformed/);
});

test('VRRP families for one instance, as exact text', () => {
  const x = new Exposition();
  const status = fakeVrrp([{ name: 'VI_1', state: 'MASTER', priority: 150, advertsSent: 42 }]);
  vrrpMetrics(x, { ...status, sockets: { 'eth0/4': { too_short: 1, unknown_vrid: 2, not_ready: 0, wrong_cast: 0 } } });
  const samples = parseExposition(x.text()).map((s) => `${s.name}${formatLabels(s.labels)} ${s.value}`);
  const l = 'instance="VI_1",interface="eth0",vrid="51",family="inet"';
  const drops = ['packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'vers_err', 'chk_err'];
  assert.deepEqual(samples, [
    'tsvs_vrrp_running 1',
    ...['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP'].map((s) => `tsvs_vrrp_state{${l},state="${s}"} ${s === 'MASTER' ? 1 : 0}`),
    `tsvs_vrrp_priority{${l}} 150`,
    `tsvs_vrrp_base_priority{${l}} 100`,
    `tsvs_vrrp_adverts_sent_total{${l}} 42`,
    `tsvs_vrrp_adverts_received_total{${l}} 0`,
    ...drops.map((r) => `tsvs_vrrp_advert_drops_total{${l},reason="${r}"} 0`),
    `tsvs_vrrp_priority_zero_received_total{${l}} 0`,
    `tsvs_vrrp_priority_zero_sent_total{${l}} 0`,
    `tsvs_vrrp_become_master_total{${l}} 0`,
    `tsvs_vrrp_release_master_total{${l}} 0`,
    'tsvs_vrrp_socket_drops_total{socket="eth0/4",reason="too_short"} 1',
    'tsvs_vrrp_socket_drops_total{socket="eth0/4",reason="unknown_vrid"} 2',
    'tsvs_vrrp_socket_drops_total{socket="eth0/4",reason="not_ready"} 0',
    'tsvs_vrrp_socket_drops_total{socket="eth0/4",reason="wrong_cast"} 0',
  ]);
});

test('Exposition: large families interleaved, with non-ASCII labels, come out byte for byte as written', () => {
  const x = new Exposition();
  const a = x.family('t_a', 'gauge', 'A.');
  const b = x.family('t_b', 'gauge', 'B.');
  const want = { a: ['# HELP t_a A.', '# TYPE t_a gauge'], b: ['# HELP t_b B.', '# TYPE t_b gauge'] };
  // 2 × 20,000 lines cross the writer's 8 KiB flushes and 64 KiB chunks many times.
  for (let i = 0; i < 20_000; i++) {
    const label = i % 7 === 0 ? `grüße-${'€'.repeat(i % 40)}` : `n${i}`;
    a(i, { k: label });
    b(i / 4, formatLabels({ v: label }));
    want.a.push(`t_a{k="${label}"} ${i}`);
    want.b.push(`t_b{v="${label}"} ${i / 4}`);
  }
  const text = [...want.a, ...want.b, ''].join('\n');
  assert.equal(x.text(), text);
  assert.deepEqual(x.bytes(), Buffer.from(text, 'utf8'));
});

test('Exposition: small families (never chunked) between large ones, and an empty exposition, come out byte for byte', () => {
  assert.deepEqual(new Exposition().bytes(), Buffer.alloc(0));
  const x = new Exposition();
  const small = x.family('t_small', 'gauge', 'Small €.');
  const big = x.family('t_big', 'counter', 'Big.');
  const last = x.family('t_last', 'untyped', 'Last.');
  const lines: string[] = [];
  for (let i = 0; i < 3_000; i++) {
    big(i, { k: `rs-${i}` });
    lines.push(`t_big{k="rs-${i}"} ${i}`);
  }
  small(1, { k: 'ü' });
  last(2);
  const text = ['# HELP t_small Small €.', '# TYPE t_small gauge', 't_small{k="ü"} 1', '# HELP t_big Big.', '# TYPE t_big counter', ...lines, '# HELP t_last Last.', '# TYPE t_last untyped', 't_last 2', ''].join('\n');
  assert.deepEqual(x.bytes(), Buffer.from(text, 'utf8'));
});

test('ScrapeCache: a scrape reuses what the last one made and drops what it did not use', () => {
  const c = new ScrapeCache<string>();
  const made: string[] = [];
  const get = (k: string): string => c.get(k, () => (made.push(k), `v-${k}`));
  assert.deepEqual([get('a'), get('b'), get('a')], ['v-a', 'v-b', 'v-a']);
  c.rotate();
  assert.deepEqual([get('a'), get('c')], ['v-a', 'v-c']);
  c.rotate();
  c.rotate();
  assert.equal(get('a'), 'v-a');
  assert.deepEqual(made, ['a', 'b', 'c', 'a']);
});
