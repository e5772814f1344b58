// Persistence (ipvs.md §4): templates keyed by client network, refreshed by new connections, kept
// in 60 s steps while they control live entries; -M grouping; fwmark, port-zero and FTP keys and
// their port rules; quiesced and deleted destinations; expire_quiescent_template.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from './testkit.js';

const VIP = '10.0.0.100';
const A = '192.168.1.11';
const B = '192.168.1.12';

/** A persistent NAT service with A then B added (rr picks B first: newest first). */
function lab2(key: string, persistent: number, o: { netmask?: number; port?: number; fwd?: 'nat' | 'dr' } = {}) {
  const lab = new Lab();
  const svc = lab.service(key, { persistent, ...(o.netmask !== undefined ? { netmask: o.netmask } : {}) });
  const port = o.port ?? 80;
  lab.dest(svc, `${A}:${port}`, { fwd: o.fwd ?? 'nat' });
  lab.dest(svc, `${B}:${port}`, { fwd: o.fwd ?? 'nat' });
  return { lab, svc };
}

function templates(lab: Lab): string[] {
  return lab.list().filter((l) => l.startsWith('IP ') || / (NONE|ASSURED) /.test(l));
}

test('-p 120 keeps a client on one destination across connections; others still rotate', () => {
  const { lab, svc } = lab2(`tcp ${VIP}:80`, 120);
  assert.equal(lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S').to, `${B}:80`);
  assert.equal(lab.tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S').to, `${B}:80`);
  assert.equal(lab.tcp('in', '198.51.100.1:5000', `${VIP}:80`, 'S').to, `${A}:80`);
  assert.equal(lab.tcp('in', '203.0.113.7:1002', `${VIP}:80`, 'S').to, `${B}:80`);
  assert.equal(lab.counts(svc, `${B}:80`), '0/3/1');
  assert.equal(lab.counts(svc, `${A}:80`), '0/1/1');
  assert.deepEqual(templates(lab), [`TCP NONE 198.51.100.1:0 -> ${VIP}:80 -> ${A}:80 120000`, `TCP NONE 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 120000`]);
  // Connections are counted, templates are not.
  assert.equal(lab.ipvs.totals.snapshot().conns, 4);
});

test('each new connection refreshes the template to the full persistence timeout', () => {
  const { lab } = lab2(`tcp ${VIP}:80`, 120);
  lab.at(0).tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S');
  lab.at(50_000).tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S');
  assert.deepEqual(templates(lab), [`TCP NONE 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 120000`]);
  // Packets of existing connections do not touch it.
  lab.at(60_000).tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S');
  assert.deepEqual(templates(lab), [`TCP NONE 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 110000`]);
  // Both connections expire (SYN_RECV, 60 s after their last packet), then the template at 170 s.
  lab.at(169_999);
  assert.equal(lab.list().length, 1);
  lab.at(170_000);
  assert.deepEqual(lab.list(), []);
});

test('a template controlling live connections is kept in 60 s steps, and stays a 60 s template', () => {
  const { lab, svc } = lab2(`tcp ${VIP}:80`, 120);
  const c1 = '203.0.113.7:1000';
  lab.at(0).tcp('in', c1, `${VIP}:80`, 'S');
  lab.at(1000).tcp('in', c1, `${VIP}:80`, 'A');
  lab.at(119_999);
  assert.deepEqual(templates(lab), [`TCP ASSURED 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 1`]);
  lab.at(120_000);
  assert.deepEqual(templates(lab), [`TCP ASSURED 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 60000`]);
  // A new connection after the extension only buys 60 s more.
  lab.at(130_000).tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S');
  assert.deepEqual(templates(lab), [`TCP ASSURED 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 60000`]);
  // At 190 s the SYN_RECV connection and the template are due together: the connection goes
  // first, the template still controls c1 and steps on to 250 s, ... 850 s, 910 s.
  lab.at(190_000);
  assert.deepEqual(lab.list(), [
    `TCP ASSURED 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 60000`,
    `TCP ESTABLISHED 203.0.113.7:1000 -> ${VIP}:80 -> ${B}:80 711000`,
  ]);
  lab.at(901_000);
  assert.deepEqual(lab.list(), [`TCP ASSURED 203.0.113.7:0 -> ${VIP}:80 -> ${B}:80 9000`]);
  assert.equal(lab.counts(svc, `${B}:80`), '0/0/1');
  lab.at(909_999);
  assert.equal(lab.list().length, 1);
  lab.at(910_000);
  assert.deepEqual(lab.list(), []);
  assert.equal(lab.counts(svc, `${B}:80`), '0/0/0');
});

test('-M 255.255.255.0 groups clients of one /24 on one template', () => {
  const { lab } = lab2(`tcp ${VIP}:443`, 300, { netmask: 0xffffff00, port: 443 });
  assert.equal(lab.tcp('in', '203.0.113.7:1000', `${VIP}:443`, 'S').to, `${B}:443`);
  assert.equal(lab.tcp('in', '203.0.113.99:2000', `${VIP}:443`, 'S').to, `${B}:443`);
  assert.equal(lab.tcp('in', '203.0.114.7:1000', `${VIP}:443`, 'S').to, `${A}:443`);
  assert.equal(lab.tcp('in', '203.0.113.250:3000', `${VIP}:443`, 'S').to, `${B}:443`);
  assert.deepEqual(templates(lab), [`TCP NONE 203.0.113.0:0 -> ${VIP}:443 -> ${B}:443 300000`, `TCP NONE 203.0.114.0:0 -> ${VIP}:443 -> ${A}:443 300000`]);
});

test('IPv6 persistence masks the client with the prefix length', () => {
  const lab = new Lab();
  const svc = lab.service('tcp [2001:db8::100]:80', { persistent: 60, netmask: 64 });
  lab.dest(svc, '[2001:db8:1::11]:80');
  lab.dest(svc, '[2001:db8:1::12]:80');
  assert.equal(lab.tcp('in', '[2001:db8:aa:bb::1]:1000', '[2001:db8::100]:80', 'S').to, '[2001:db8:1::12]:80');
  assert.equal(lab.tcp('in', '[2001:db8:aa:bb:ffff::9]:1000', '[2001:db8::100]:80', 'S').to, '[2001:db8:1::12]:80');
  assert.equal(lab.tcp('in', '[2001:db8:aa:bc::1]:1000', '[2001:db8::100]:80', 'S').to, '[2001:db8:1::11]:80');
  assert.ok(templates(lab).includes('TCP NONE [2001:db8:aa:bb::]:0 -> [2001:db8::100]:80 -> [2001:db8:1::12]:80 60000'));
});

test('fwmark templates group all protocols, VIPs and ports of the mark; the real-server port is ignored', () => {
  const { lab } = lab2('fwm 1', 60, { port: 8080 });
  assert.equal(lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S', 60, 1).to, `${B}:80`);
  assert.equal(lab.tcp('in', '203.0.113.7:1001', '10.0.0.101:443', 'S', 60, 1).to, `${B}:443`);
  assert.equal(lab.udp('in', '203.0.113.7:2000', '10.0.0.102:53', 100, 1).to, `${B}:53`);
  assert.equal(lab.tcp('in', '198.51.100.1:1000', `${VIP}:80`, 'S', 60, 1).to, `${A}:80`);
  // Unmarked packets do not belong to the service.
  assert.equal(lab.tcp('in', '203.0.113.7:1003', `${VIP}:80`, 'S').kind, 'pass');
  assert.deepEqual(templates(lab), [`IP NONE 198.51.100.1:0 -> 0.0.0.1:0 -> ${A}:0 60000`, `IP NONE 203.0.113.7:0 -> 0.0.0.1:0 -> ${B}:0 60000`]);
});

test('non-persistent fwmark services use the real-server port, or the packet port when it is 0', () => {
  const lab = new Lab();
  const svc = lab.service('fwm 7');
  lab.dest(svc, `${A}:0`);
  lab.dest(svc, `${B}:8080`);
  assert.equal(lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S', 60, 7).to, `${B}:8080`);
  assert.equal(lab.tcp('in', '203.0.113.7:1001', `${VIP}:81`, 'S', 60, 7).to, `${A}:81`);
});

test('port-zero services: persistent ones key on <VIP, 0> and keep the client port; others refuse', () => {
  const { lab } = lab2(`tcp ${VIP}:0`, 300, { port: 0 });
  assert.equal(lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S').to, `${B}:80`);
  assert.equal(lab.tcp('in', '203.0.113.7:1001', `${VIP}:443`, 'S').to, `${B}:443`);
  assert.equal(lab.tcp('in', '198.51.100.1:1000', `${VIP}:22`, 'S').to, `${A}:22`);
  assert.deepEqual(templates(lab), [`TCP NONE 198.51.100.1:0 -> ${VIP}:0 -> ${A}:0 300000`, `TCP NONE 203.0.113.7:0 -> ${VIP}:0 -> ${B}:0 300000`]);

  // A non-persistent port-zero service schedules nothing; ip_vs_leave answers ICMP.
  const np = new Lab();
  np.dest(np.service(`tcp ${VIP}:0`), `${A}:0`);
  assert.deepEqual(np.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S'), { kind: 'icmp-unreachable', reason: 'no-destination', entry: -1 });
  assert.equal(np.engine.drops['no-destination'], 1);
});

test('FTP: port-21 templates use vport 0, so passive data connections follow the control connection', () => {
  const { lab } = lab2(`tcp ${VIP}:21`, 300, { port: 21 });
  const client = '203.0.113.7';
  assert.equal(lab.tcp('in', `${client}:3000`, `${VIP}:21`, 'S').to, `${B}:21`);
  assert.equal(lab.tcp('in', `${client}:3001`, `${VIP}:40000`, 'S').to, `${B}:40000`);
  assert.equal(lab.tcp('in', '198.51.100.1:5000', `${VIP}:40001`, 'S').to, `${A}:40001`);
  assert.deepEqual(templates(lab), [`TCP NONE 198.51.100.1:0 -> ${VIP}:0 -> ${A}:0 300000`, `TCP NONE ${client}:0 -> ${VIP}:0 -> ${B}:0 300000`]);
  // Active FTP data (source port 20) is never scheduled; ports 1..1023 but 20 are not FTP data.
  assert.equal(lab.tcp('in', `${client}:20`, `${VIP}:21`, 'S').kind, 'pass');
  assert.equal(lab.tcp('in', `${client}:3002`, `${VIP}:1023`, 'S').kind, 'pass');
  assert.equal(lab.tcp('in', `${client}:3003`, `${VIP}:20`, 'S').to, `${B}:20`);
});

test('FTP without persistence: data ports reach the port-21 service and are let through', () => {
  const lab = new Lab();
  lab.dest(lab.service(`tcp ${VIP}:21`), `${A}:21`);
  assert.equal(lab.tcp('in', '203.0.113.7:3000', `${VIP}:21`, 'S').to, `${A}:21`);
  assert.deepEqual(lab.tcp('in', '203.0.113.7:3001', `${VIP}:40000`, 'S'), { kind: 'pass', reason: null, entry: -1 });
  assert.equal(lab.views().length, 1);
});

test('quiesced destination: persistent clients stay unless expire_quiescent_template=1', () => {
  const { lab, svc } = lab2(`tcp ${VIP}:80`, 300);
  lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S');
  lab.editDest(svc, `${B}:80`, { weight: 0 });
  assert.equal(lab.tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S').to, `${B}:80`);
  lab.ipvs.sysctls.expire_quiescent_template = 1;
  lab.at(5000);
  assert.equal(lab.tcp('in', '203.0.113.7:1002', `${VIP}:80`, 'S').to, `${A}:80`);
  // The old template is neutralised (ports 65535), left to expire on its own timer.
  assert.deepEqual(templates(lab), [`TCP NONE 203.0.113.7:0 -> ${VIP}:65535 -> ${B}:65535 295000`, `TCP NONE 203.0.113.7:0 -> ${VIP}:80 -> ${A}:80 300000`]);
  assert.equal(lab.counts(svc, `${B}:80`), '0/2/1');
  assert.equal(lab.counts(svc, `${A}:80`), '0/1/1');
});

test('a deleted destination invalidates its templates at their next use', () => {
  const { lab, svc } = lab2(`tcp ${VIP}:80`, 300);
  lab.tcp('in', '203.0.113.7:1000', `${VIP}:80`, 'S');
  lab.deleteDest(svc, `${B}:80`);
  assert.equal(lab.tcp('in', '203.0.113.7:1001', `${VIP}:80`, 'S').to, `${A}:80`);
  assert.equal(lab.counts(svc, `${B}:80`), '0/1/1');
});

test('persistence with one-packet UDP: every datagram counted, only the template stays', () => {
  const lab = new Lab();
  const svc = lab.service(`udp ${VIP}:53`, { persistent: 30, ops: true });
  lab.dest(svc, `${A}:53`);
  lab.dest(svc, `${B}:53`);
  for (let i = 0; i < 3; i++) assert.deepEqual(lab.udp('in', '203.0.113.7:4000', `${VIP}:53`), { kind: 'forward', reason: null, entry: -1, fwd: 'nat', to: `${B}:53` });
  assert.deepEqual(lab.list(), [`UDP NONE 203.0.113.7:0 -> ${VIP}:53 -> ${B}:53 30000`]);
  assert.equal(lab.counts(svc, `${B}:53`), '0/0/1');
  assert.equal(lab.findDest(svc, `${B}:53`).stats.snapshot().conns, 3);
  assert.equal(lab.engine.conns.table.nControl[0], 0);
});
