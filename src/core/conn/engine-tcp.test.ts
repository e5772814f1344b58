// TCP through the engine: the typical traces of ipvs.md §3.4, active/inactive counts through
// NAT and DR lifecycles (§3.3), expiry at exactly last packet + timeout (§3.2), --set (§3.6),
// secure_tcp, sloppy_tcp and the creation rules (§3.1 step 6), statistics (§7.1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from './testkit.js';

const C = '203.0.113.7:40000';
const VIP = '10.0.0.100:80';
const RS = '192.168.1.11:8080';

function natLab(): Lab {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`);
  lab.dest(svc, RS, { fwd: 'nat' });
  return lab;
}

function drLab(): Lab {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`);
  lab.dest(svc, '192.168.1.12:80', { fwd: 'dr' });
  return lab;
}

const SVC = { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.100', port: 80 } as const;

/** The single entry's "STATE expiresMs", or '' when the table is empty. */
function entry(lab: Lab): string {
  const v = lab.views();
  assert.ok(v.length <= 1);
  return v.length === 0 ? '' : `${v[0]!.state} ${v[0]!.expiresMs}`;
}

test('NAT, client closes first: states, timeouts, counters and rewrites at every step', () => {
  const lab = natLab();
  const steps: Array<[string, () => unknown, string, string]> = [
    ['in SYN', () => lab.tcp('in', C, VIP, 'S'), 'SYN_RECV 60000', '0/1/0'],
    ['out SYN+ACK', () => lab.tcp('out', RS, C, 'SA'), 'SYN_RECV 60000', '0/1/0'],
    ['in ACK', () => lab.tcp('in', C, VIP, 'A'), 'ESTABLISHED 900000', '1/0/0'],
    ['in data', () => lab.tcp('in', C, VIP, 'PA'), 'ESTABLISHED 900000', '1/0/0'],
    ['out data', () => lab.tcp('out', RS, C, 'PA'), 'ESTABLISHED 900000', '1/0/0'],
    ['in FIN', () => lab.tcp('in', C, VIP, 'FA'), 'CLOSE_WAIT 60000', '0/1/0'],
    ['out FIN', () => lab.tcp('out', RS, C, 'FA'), 'TIME_WAIT 120000', '0/1/0'],
    ['in ACK', () => lab.tcp('in', C, VIP, 'A'), 'TIME_WAIT 120000', '0/1/0'],
  ];
  for (const [what, send, state, counts] of steps) {
    send();
    assert.equal(entry(lab), state, what);
    assert.equal(lab.counts(SVC, RS), counts, what);
  }
  assert.deepEqual(lab.tcp('in', C, VIP, 'A'), { kind: 'forward', reason: null, entry: 0, fwd: 'nat', to: RS });
  assert.deepEqual(lab.tcp('out', RS, C, 'A'), { kind: 'reply', reason: null, entry: 0, fwd: 'nat', to: VIP });
});

test('NAT, server closes first: out FIN → FIN_WAIT, in ACK keeps it, in FIN → TIME_WAIT, out ACK', () => {
  const lab = natLab();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('out', RS, C, 'SA');
  lab.tcp('in', C, VIP, 'A');
  const seen: string[] = [];
  lab.tcp('out', RS, C, 'FA');
  seen.push(entry(lab));
  lab.tcp('in', C, VIP, 'A');
  seen.push(entry(lab));
  lab.tcp('in', C, VIP, 'FA');
  seen.push(entry(lab));
  lab.tcp('out', RS, C, 'A');
  seen.push(entry(lab));
  assert.deepEqual(seen, ['FIN_WAIT 120000', 'FIN_WAIT 120000', 'TIME_WAIT 120000', 'TIME_WAIT 120000']);
  assert.equal(lab.counts(SVC, RS), '0/1/0');
});

test('DR runs on INPUT_ONLY: SYN, ACK → ESTABLISHED, client FIN → FIN_WAIT until it times out', () => {
  const lab = drLab();
  const D = '192.168.1.12:80';
  assert.deepEqual(lab.tcp('in', C, VIP, 'S'), { kind: 'forward', reason: null, entry: 0, fwd: 'dr', to: D });
  assert.equal(entry(lab), 'SYN_RECV 60000');
  lab.tcp('in', C, VIP, 'A');
  assert.equal(entry(lab), 'ESTABLISHED 900000');
  assert.equal(lab.counts(SVC, D), '1/0/0');
  lab.at(1000).tcp('in', C, VIP, 'FA');
  assert.equal(entry(lab), 'FIN_WAIT 120000');
  assert.equal(lab.counts(SVC, D), '0/1/0');
  lab.at(2000).tcp('in', C, VIP, 'A');
  assert.equal(entry(lab), 'FIN_WAIT 120000');
  lab.at(121_999);
  assert.equal(entry(lab), 'FIN_WAIT 1');
  lab.at(122_000);
  assert.equal(entry(lab), '');
  assert.equal(lab.counts(SVC, D), '0/0/0');
});

test('DR: RST → CLOSE for 10 s; a reply from the VIP is not IPVS business', () => {
  const lab = drLab();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  assert.deepEqual(lab.tcp('out', VIP, C, 'A'), { kind: 'pass', reason: null, entry: -1 });
  assert.equal(entry(lab), 'ESTABLISHED 900000');
  lab.tcp('in', C, VIP, 'R');
  assert.equal(entry(lab), 'CLOSE 10000');
  assert.equal(lab.counts(SVC, '192.168.1.12:80'), '0/1/0');
});

test('a segment with none of SYN/FIN/ACK/RST forces CLOSE', () => {
  const lab = natLab();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  lab.tcp('in', C, VIP, 'P');
  assert.equal(entry(lab), 'CLOSE 10000');
});

test('expiry is at exactly last packet + state timeout', () => {
  const lab = natLab();
  lab.at(0).tcp('in', C, VIP, 'S');
  lab.at(500).tcp('in', C, VIP, 'A');
  lab.at(7_250).tcp('in', C, VIP, 'PA');
  lab.at(907_249);
  assert.equal(entry(lab), 'ESTABLISHED 1');
  assert.equal(lab.counts(SVC, RS), '1/0/0');
  lab.at(907_250);
  assert.equal(entry(lab), '');
  assert.equal(lab.counts(SVC, RS), '0/0/0');
  assert.equal(lab.engine.conns.connCount, 0);
});

test('--set values apply at the next transition, not to running timers', () => {
  const lab = natLab();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  assert.ok(lab.ipvs.apply({ type: 'set-timeouts', tcp: 100, tcpfin: 7, udp: 0 }).ok);
  assert.equal(entry(lab), 'ESTABLISHED 900000');
  lab.at(1000).tcp('in', C, VIP, 'A');
  assert.equal(entry(lab), 'ESTABLISHED 100000');
  lab.at(2000).tcp('out', RS, C, 'FA');
  assert.equal(entry(lab), 'FIN_WAIT 7000');
  lab.at(9000);
  assert.equal(entry(lab), '');
});

test('secure_tcp: NAT reaches ESTABLISHED only once the server confirms; DR goes through SYNACK', () => {
  const nat = new Lab({ sysctls: { secure_tcp: 3 } });
  nat.dest(nat.service(`tcp ${VIP}`), RS, { fwd: 'nat' });
  const seen: string[] = [];
  for (const [dir, flags] of [['in', 'S'], ['out', 'SA'], ['in', 'A'], ['out', 'A']] as const) {
    if (dir === 'in') nat.tcp('in', C, VIP, flags);
    else nat.tcp('out', RS, C, flags);
    seen.push(entry(nat));
  }
  assert.deepEqual(seen, ['SYN_RECV 60000', 'SYNACK 120000', 'SYNACK 120000', 'ESTABLISHED 900000']);

  const dr = new Lab({ sysctls: { secure_tcp: 2 } });
  dr.dest(dr.service(`tcp ${VIP}`), '192.168.1.12:80', { fwd: 'dr' });
  dr.tcp('in', C, VIP, 'S');
  assert.equal(entry(dr), 'SYNACK 120000');
  dr.tcp('in', C, VIP, 'A');
  assert.equal(entry(dr), 'ESTABLISHED 900000');
  // Value 1 ("automatic", no memory pressure) keeps the normal table.
  const auto = new Lab({ sysctls: { secure_tcp: 1 } });
  auto.dest(auto.service(`tcp ${VIP}`), '192.168.1.12:80', { fwd: 'dr' });
  auto.tcp('in', C, VIP, 'S');
  assert.equal(entry(auto), 'SYN_RECV 60000');
});

test('only SYN without RST creates an entry; sloppy_tcp lets any non-RST segment create one', () => {
  const lab = natLab();
  for (const flags of ['A', 'FA', 'PA', 'SR', 'R']) assert.deepEqual(lab.tcp('in', C, VIP, flags), { kind: 'pass', reason: null, entry: -1 }, flags);
  assert.equal(lab.views().length, 0);
  // SYN+ACK may create (active FTP); its event is syn, so NONE → SYN_RECV.
  assert.equal(lab.tcp('in', C, VIP, 'SA').kind, 'forward');
  assert.equal(entry(lab), 'SYN_RECV 60000');

  const sloppy = new Lab({ sysctls: { sloppy_tcp: 1 } });
  sloppy.dest(sloppy.service(`tcp ${VIP}`), RS, { fwd: 'nat' });
  assert.equal(sloppy.tcp('in', C, VIP, 'R').kind, 'pass');
  assert.equal(sloppy.tcp('in', C, VIP, 'A').kind, 'forward');
  assert.equal(entry(sloppy), 'ESTABLISHED 900000');
  assert.equal(sloppy.counts(SVC, RS), '1/0/0');
});

test('no service: pass; a reply with no entry: pass', () => {
  const lab = natLab();
  assert.equal(lab.tcp('in', C, '10.0.0.100:81', 'S').kind, 'pass');
  assert.equal(lab.tcp('in', C, '10.0.0.101:80', 'S').kind, 'pass');
  assert.equal(lab.tcp('out', RS, C, 'SA').kind, 'pass');
  assert.equal(lab.views().length, 0);
});

test('statistics after known traffic: NAT counts both directions, DR only inbound', () => {
  const lab = natLab();
  lab.tcp('in', C, VIP, 'S', 60);
  lab.tcp('out', RS, C, 'SA', 60);
  lab.tcp('in', C, VIP, 'A', 52);
  lab.tcp('in', C, VIP, 'PA', 140);
  lab.tcp('out', RS, C, 'PA', 1500);
  lab.tcp('in', '203.0.113.8:1000', VIP, 'S', 64);
  const want = { conns: 2, inpkts: 4, outpkts: 2, inbytes: 316, outbytes: 1560 };
  assert.deepEqual(lab.findDest(SVC, RS).stats.snapshot(), want);
  assert.deepEqual(lab.ipvs.getService(SVC)!.stats.snapshot(), want);
  assert.deepEqual(lab.ipvs.totals.snapshot(), want);

  const dr = drLab();
  dr.tcp('in', C, VIP, 'S', 60);
  dr.tcp('out', VIP, C, 'SA', 60);
  dr.tcp('in', C, VIP, 'A', 52);
  assert.deepEqual(dr.ipvs.totals.snapshot(), { conns: 1, inpkts: 2, outpkts: 0, inbytes: 112, outbytes: 0 });
});

test('IPv6 NAT service: lookup, rewrite and listing in both directions', () => {
  const lab = new Lab();
  const svc = lab.service('tcp [2001:db8::100]:443');
  lab.dest(svc, '[2001:db8:1::11]:8443', { fwd: 'nat' });
  const c6 = '[2001:db8:ff::7]:50000';
  assert.deepEqual(lab.tcp('in', c6, '[2001:db8::100]:443', 'S'), { kind: 'forward', reason: null, entry: 0, fwd: 'nat', to: '[2001:db8:1::11]:8443' });
  assert.deepEqual(lab.tcp('out', '[2001:db8:1::11]:8443', c6, 'SA'), { kind: 'reply', reason: null, entry: 0, fwd: 'nat', to: '[2001:db8::100]:443' });
  lab.tcp('in', c6, '[2001:db8::100]:443', 'A');
  assert.deepEqual(lab.list(), ['TCP ESTABLISHED [2001:db8:ff::7]:50000 -> [2001:db8::100]:443 -> [2001:db8:1::11]:8443 900000']);
});
