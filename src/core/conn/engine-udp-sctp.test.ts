// UDP (one state, always inactive, --set udp), one-packet scheduling (§4.5) and SCTP (§3.5, §9.6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCTP_CHUNK } from './sctp-table.js';
import { Lab } from './testkit.js';

const VIP = '10.0.0.100:53';
const A = '10.0.0.31:53';
const B = '10.0.0.32:53';
const C = '198.51.100.2:40000';

test('UDP: every packet in either direction re-sets 300 s; the entry is always InActConn', () => {
  const lab = new Lab();
  const svc = lab.service(`udp ${VIP}`);
  lab.dest(svc, A);
  assert.deepEqual(lab.at(0).udp('in', C, VIP), { kind: 'forward', reason: null, entry: 0, fwd: 'nat', to: A });
  assert.deepEqual(lab.list(), [`UDP UDP ${C} -> ${VIP} -> ${A} 300000`]);
  assert.deepEqual(lab.at(100_000).udp('out', A, C), { kind: 'reply', reason: null, entry: 0, fwd: 'nat', to: VIP });
  assert.equal(lab.counts(svc, A), '0/1/0');
  lab.at(399_999);
  assert.equal(lab.list().length, 1);
  lab.at(400_000);
  assert.deepEqual(lab.list(), []);
  assert.equal(lab.counts(svc, A), '0/0/0');
});

test('UDP: --set udp applies from the next packet', () => {
  const lab = new Lab();
  lab.dest(lab.service(`udp ${VIP}`), A);
  lab.udp('in', C, VIP);
  lab.ipvs.apply({ type: 'set-timeouts', tcp: 0, tcpfin: 0, udp: 5 });
  assert.deepEqual(lab.list(), [`UDP UDP ${C} -> ${VIP} -> ${A} 300000`]);
  lab.at(1000).udp('in', C, VIP);
  assert.deepEqual(lab.list(), [`UDP UDP ${C} -> ${VIP} -> ${A} 5000`]);
});

test('UDP persistence: a reply makes the template ASSURED', () => {
  const lab = new Lab();
  const svc = lab.service(`udp ${VIP}`, { persistent: 60 });
  lab.dest(svc, A);
  lab.udp('in', C, VIP);
  assert.ok(lab.list().includes(`UDP NONE 198.51.100.2:0 -> ${VIP} -> ${A} 60000`));
  lab.udp('out', A, C);
  assert.ok(lab.list().includes(`UDP ASSURED 198.51.100.2:0 -> ${VIP} -> ${A} 60000`));
});

test('one-packet scheduling: each datagram scheduled on its own, counted as a connection, never kept', () => {
  const lab = new Lab();
  const svc = lab.service(`udp ${VIP}`, { ops: true });
  lab.dest(svc, A);
  lab.dest(svc, B);
  const to = [0, 1, 2, 3].map(() => lab.udp('in', C, VIP, 70));
  assert.deepEqual(
    to.map((v) => `${v.kind} ${v.to} ${v.entry}`),
    [`forward ${B} -1`, `forward ${A} -1`, `forward ${B} -1`, `forward ${A} -1`],
  );
  assert.deepEqual(lab.list(), []);
  assert.equal(lab.counts(svc, A), '0/0/0');
  assert.deepEqual(lab.findDest(svc, A).stats.snapshot(), { conns: 2, inpkts: 2, outpkts: 0, inbytes: 140, outbytes: 0 });
  assert.deepEqual(lab.ipvs.totals.snapshot(), { conns: 4, inpkts: 4, outpkts: 0, inbytes: 280, outbytes: 0 });
  assert.equal(lab.engine.conns.connCount, 0);
  assert.equal(lab.engine.conns.table.count, 0);
});

test('one-packet scheduling on a fwmark service applies to UDP only', () => {
  const lab = new Lab();
  const svc = lab.service('fwm 9', { ops: true });
  lab.dest(svc, '10.0.0.31:0');
  lab.udp('in', C, '10.0.0.100:53', 100, 9);
  lab.tcp('in', C, '10.0.0.100:80', 'S', 60, 9);
  assert.deepEqual(lab.list(), [`TCP SYN_RECV ${C} -> 10.0.0.100:80 -> 10.0.0.31:80 60000`]);
});

const SVIP = '10.0.0.100:3868';
const SRS = '10.0.0.41:3868';
const SC = '203.0.113.7:3868';

test('SCTP NAT association: INIT … COOKIE-ACK → ESTABLISHED (active), SHUTDOWN … → CLOSED', () => {
  const lab = new Lab();
  const svc = lab.service(`sctp ${SVIP}`);
  lab.dest(svc, SRS);
  const K = SCTP_CHUNK;
  const trace: Array<['in' | 'out', number, string, string]> = [
    ['in', K.INIT, 'INIT1 4000', '0/1/0'],
    ['out', K.INIT_ACK, 'C-SENT 61000', '0/1/0'],
    ['in', K.COOKIE_ECHO, 'C-REPLIED 61000', '0/1/0'],
    ['out', K.COOKIE_ACK, 'ESTABLISHED 900000', '1/0/0'],
    ['in', K.DATA, 'ESTABLISHED 900000', '1/0/0'],
    ['in', K.SHUTDOWN, 'S-RECEIVED 61000', '0/1/0'],
    ['out', K.SHUTDOWN_ACK, 'S-ACK-SENT 61000', '0/1/0'],
    ['in', K.SHUTDOWN_COMPLETE, 'CLOSED 61000', '0/1/0'],
  ];
  for (const [dir, chunk, state, counts] of trace) {
    const v = dir === 'in' ? lab.sctp('in', SC, SVIP, chunk) : lab.sctp('out', SRS, SC, chunk);
    assert.equal(v.kind, dir === 'in' ? 'forward' : 'reply');
    const e = lab.views()[0]!;
    assert.equal(`${e.state} ${e.expiresMs}`, state, `${dir} ${chunk}`);
    assert.equal(lab.counts({ kind: 'addr', family: 4, protocol: 'sctp', addr: '10.0.0.100', port: 3868 }, SRS), counts);
  }
  // A new INIT on the CLOSED association is rescheduled (conn_reuse_mode).
  lab.sctp('in', SC, SVIP, K.INIT);
  lab.at(0);
  assert.deepEqual(lab.list(), [`SCTP INIT1 ${SC} -> ${SVIP} -> ${SRS} 4000`]);
});

test('SCTP: only INIT creates (anything but ABORT with sloppy_sctp); DR runs on INPUT_ONLY', () => {
  const lab = new Lab();
  lab.dest(lab.service(`sctp ${SVIP}`), SRS, { fwd: 'dr' });
  assert.equal(lab.sctp('in', SC, SVIP, SCTP_CHUNK.DATA).kind, 'pass');
  assert.equal(lab.sctp('in', SC, SVIP, SCTP_CHUNK.COOKIE_ECHO).kind, 'pass');
  lab.sctp('in', SC, SVIP, SCTP_CHUNK.INIT);
  lab.sctp('in', SC, SVIP, SCTP_CHUNK.COOKIE_ECHO);
  assert.equal(lab.views()[0]!.state, 'ESTABLISHED');
  // COOKIE-ECHO bundled with ABORT counts as ABORT.
  lab.sctp('in', SC, SVIP, SCTP_CHUNK.COOKIE_ECHO, SCTP_CHUNK.ABORT);
  assert.equal(lab.views()[0]!.state, 'CLOSED');

  const sloppy = new Lab({ sysctls: { sloppy_sctp: 1 } });
  sloppy.dest(sloppy.service(`sctp ${SVIP}`), SRS);
  assert.equal(sloppy.sctp('in', SC, SVIP, SCTP_CHUNK.ABORT).kind, 'pass');
  assert.equal(sloppy.sctp('in', SC, SVIP, SCTP_CHUNK.DATA).kind, 'forward');
  assert.equal(sloppy.views()[0]!.state, 'ESTABLISHED');
});

test('non-first fragments never create entries but follow existing ones', () => {
  const lab = new Lab();
  lab.dest(lab.service(`udp ${VIP}`), A);
  const frag = (): string => lab.send('in', 17, C, VIP, (p) => (p.fragment = true), 1480).kind;
  assert.equal(frag(), 'pass');
  lab.udp('in', C, VIP);
  assert.equal(frag(), 'forward');
});
