// Destination-related decisions: dead destinations and expire_nodest_conn (§3.1 step 5), the
// trash (§9.8), connection reuse (§3.1 step 4), thresholds and OVERLOAD (§3.7), no destination
// (§9.4), nat_icmp_send and cache_bypass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from './testkit.js';

const VIP = '10.0.0.100:80';
const A = '192.168.1.11:80';
const B = '192.168.1.12:80';
const C = '203.0.113.7:40000';

function lab2(sysctls: Record<string, number> = {}, fwd: 'nat' | 'dr' = 'nat') {
  const lab = new Lab({ sysctls });
  const svc = lab.service(`tcp ${VIP}`);
  lab.dest(svc, A, { fwd });
  lab.dest(svc, B, { fwd });
  return { lab, svc };
}

test('expire_nodest_conn=0: packets of a deleted destination are dropped, the entry and counters stay', () => {
  const { lab, svc } = lab2();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  lab.deleteDest(svc, B);
  lab.at(1000);
  assert.deepEqual(lab.tcp('in', C, VIP, 'A'), { kind: 'drop', reason: 'dest-unavailable', entry: -1 });
  assert.equal(lab.engine.drops['dest-unavailable'], 1);
  // Not counted, not re-armed: still 900 s from the last accepted packet.
  assert.deepEqual(lab.list(), [`TCP ESTABLISHED ${C} -> ${VIP} -> ${B} 899000`]);
  assert.equal(lab.findDest(svc, B).stats.snapshot().inpkts, 2);
  assert.equal(lab.counts(svc, B), '1/0/0');
  assert.equal(lab.findDest(svc, B).refs, 1);
});

test('re-adding a deleted destination from the trash resurrects it with its connections', () => {
  const { lab, svc } = lab2();
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  const before = lab.findDest(svc, B);
  lab.deleteDest(svc, B);
  lab.at(10_000);
  lab.dest(svc, B);
  assert.equal(lab.findDest(svc, B), before);
  assert.deepEqual(lab.tcp('in', C, VIP, 'PA'), { kind: 'forward', reason: null, entry: 0, fwd: 'nat', to: B });
  assert.equal(lab.counts(svc, B), '1/0/0');
  assert.deepEqual(lab.list(), [`TCP ESTABLISHED ${C} -> ${VIP} -> ${B} 900000`]);
});

test('expire_nodest_conn=1: the old entry expires and the packet is scheduled again', () => {
  const { lab, svc } = lab2({ expire_nodest_conn: 1 });
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  lab.deleteDest(svc, B);
  // Before any timer runs, the next packet already goes elsewhere (sloppy_tcp is off, but this
  // is a SYN-less packet: it cannot create an entry, so it passes).
  assert.equal(lab.tcp('in', C, VIP, 'A').kind, 'pass');
  assert.equal(lab.tcp('in', C, VIP, 'S').to, A);
  assert.equal(lab.counts(svc, A), '0/1/0');
});

test('expire_nodest_conn=1: deleting a destination flushes its entries at the next advance', () => {
  const { lab, svc } = lab2({ expire_nodest_conn: 1 });
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', '203.0.113.8:1', VIP, 'S');
  assert.equal(lab.list().length, 2);
  lab.deleteDest(svc, B);
  lab.at(1);
  assert.deepEqual(lab.list(), [`TCP SYN_RECV 203.0.113.8:1 -> ${VIP} -> ${A} 59999`]);
  assert.equal(lab.counts(svc, B), '0/0/0');
  assert.equal(lab.findDest(svc, B).refs, 0);
  assert.equal(lab.engine.conns.dests.size, 1);
  // The trash frees the unreferenced destination after 120 s.
  lab.ipvs.reapTrash(121_000);
  assert.equal(lab.ipvs.trash.length, 0);
});

test('expire_nodest_conn=1 and weight 0: a new SYN on an existing entry is rescheduled', () => {
  const { lab, svc } = lab2({ expire_nodest_conn: 1 });
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'A');
  lab.editDest(svc, B, { weight: 0 });
  assert.equal(lab.tcp('in', C, VIP, 'A').to, B);
  assert.equal(lab.tcp('in', C, VIP, 'S').to, A);
  lab.at(0);
  assert.deepEqual(lab.list(), [`TCP SYN_RECV ${C} -> ${VIP} -> ${A} 60000`]);
  assert.equal(lab.counts(svc, B), '0/0/0');
});

test('conn_reuse_mode: a SYN on TIME_WAIT/CLOSE reschedules; FIN_WAIT of DR only with bit 2', () => {
  // NAT in TIME_WAIT, mode 1: the old entry goes, a new one is scheduled (rr moves on to A).
  const nat = lab2();
  nat.lab.tcp('in', C, VIP, 'S');
  nat.lab.tcp('in', C, VIP, 'A');
  nat.lab.tcp('in', C, VIP, 'FA');
  nat.lab.tcp('out', B, C, 'FA');
  assert.equal(nat.lab.views()[0]!.state, 'TIME_WAIT');
  assert.equal(nat.lab.tcp('in', C, VIP, 'S').to, A);
  nat.lab.at(0);
  assert.deepEqual(nat.lab.list(), [`TCP SYN_RECV ${C} -> ${VIP} -> ${A} 60000`]);

  // Mode 0: the SYN runs on the old entry (TIME_WAIT → SYN_RECV), same destination.
  const off = lab2({ conn_reuse_mode: 0 });
  off.lab.tcp('in', C, VIP, 'S');
  off.lab.tcp('in', C, VIP, 'A');
  off.lab.tcp('in', C, VIP, 'R');
  assert.equal(off.lab.views()[0]!.state, 'CLOSE');
  assert.equal(off.lab.tcp('in', C, VIP, 'S').to, B);
  assert.deepEqual(off.lab.list(), [`TCP SYN_RECV ${C} -> ${VIP} -> ${B} 60000`]);

  // DR in FIN_WAIT: mode 1 keeps the entry, mode 3 reschedules.
  for (const [mode, to] of [
    [1, B],
    [3, A],
  ] as const) {
    const dr = lab2({ conn_reuse_mode: mode }, 'dr');
    dr.lab.tcp('in', C, VIP, 'S');
    dr.lab.tcp('in', C, VIP, 'A');
    dr.lab.tcp('in', C, VIP, 'FA');
    assert.equal(dr.lab.tcp('in', C, VIP, 'S').to, to, `mode ${mode}`);
  }
});

test('persistent (controlled) connections are never rescheduled by conn_reuse_mode', () => {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`, { persistent: 300 });
  lab.dest(svc, A);
  lab.dest(svc, B);
  lab.tcp('in', C, VIP, 'S');
  lab.tcp('in', C, VIP, 'R');
  assert.equal(lab.tcp('in', C, VIP, 'S').to, B);
  assert.equal(lab.list().length, 2);
});

test('thresholds: OVERLOAD is set at bind when total >= upper, cleared at unbind below lower', () => {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`);
  lab.dest(svc, A);
  lab.dest(svc, B, { u: 2, l: 1 });
  const b = lab.findDest(svc, B);
  assert.equal(lab.tcp('in', '203.0.113.1:1', VIP, 'S').to, B);
  assert.equal(lab.tcp('in', '203.0.113.2:1', VIP, 'S').to, A);
  assert.equal(b.overloaded, false);
  assert.equal(lab.tcp('in', '203.0.113.3:1', VIP, 'S').to, B);
  assert.equal(b.overloaded, true);
  // rr skips the overloaded destination.
  assert.equal(lab.tcp('in', '203.0.113.4:1', VIP, 'S').to, A);
  assert.equal(lab.tcp('in', '203.0.113.5:1', VIP, 'S').to, A);
  // One of B's entries goes: total 1 is not < 1, still overloaded; the second: cleared.
  lab.tcp('in', '203.0.113.1:1', VIP, 'A');
  lab.tcp('in', '203.0.113.1:1', VIP, 'R');
  lab.at(10_000);
  assert.equal(lab.counts(svc, B), '0/1/0');
  assert.equal(b.overloaded, true);
  lab.tcp('in', '203.0.113.3:1', VIP, 'A');
  lab.tcp('in', '203.0.113.3:1', VIP, 'R');
  lab.at(20_000);
  assert.equal(b.overloaded, false);
  assert.equal(lab.counts(svc, B), '0/0/0');
});

test('thresholds without a lower one: cleared when total * 4 < upper * 3; templates do not count', () => {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`, { persistent: 300 });
  lab.dest(svc, B, { u: 4 });
  const b = lab.findDest(svc, B);
  for (let i = 1; i <= 4; i++) lab.at(i * 1000).tcp('in', `203.0.113.${i}:1`, VIP, 'S');
  assert.equal(lab.counts(svc, B), '0/4/4');
  assert.equal(b.overloaded, true);
  // The persistence template still sends its client to the overloaded destination.
  assert.equal(lab.tcp('in', '203.0.113.1:2', VIP, 'S').to, B);
  assert.equal(lab.tcp('in', '203.0.113.9:1', VIP, 'S').kind, 'icmp-unreachable');
  lab.at(62_000);
  assert.equal(lab.counts(svc, B), '0/3/4');
  assert.equal(b.overloaded, true);
  lab.at(63_000);
  assert.equal(lab.counts(svc, B), '0/2/4');
  assert.equal(b.overloaded, false);
});

test('no destination: ICMP port unreachable, counted per reason; scheduler "none" likewise', () => {
  const lab = new Lab();
  lab.service(`tcp ${VIP}`);
  assert.deepEqual(lab.tcp('in', C, VIP, 'S'), { kind: 'icmp-unreachable', reason: 'no-destination', entry: -1 });
  const none = new Lab();
  none.dest(none.service(`udp ${VIP}`, { scheduler: 'none' }), A);
  assert.equal(none.udp('in', C, VIP).kind, 'icmp-unreachable');
  assert.equal(lab.engine.drops['no-destination'], 1);
  assert.equal(none.engine.drops['no-destination'], 1);
});

test('a full table drops new connections but keeps serving existing ones', () => {
  const lab = new Lab({}, { initialCapacity: 64, maxEntries: 2 });
  lab.dest(lab.service(`tcp ${VIP}`), A);
  lab.tcp('in', '203.0.113.1:1', VIP, 'S');
  lab.tcp('in', '203.0.113.2:1', VIP, 'S');
  assert.deepEqual(lab.tcp('in', '203.0.113.3:1', VIP, 'S'), { kind: 'drop', reason: 'table-full', entry: -1 });
  assert.equal(lab.tcp('in', '203.0.113.1:1', VIP, 'A').kind, 'forward');
  assert.equal(lab.engine.drops['table-full'], 1);
  assert.equal(lab.ipvs.totals.snapshot().conns, 2);
});

test('nat_icmp_send: a NAT real server talking without an entry gets ICMP, except RST', () => {
  const on = lab2({ nat_icmp_send: 1 });
  assert.deepEqual(on.lab.tcp('out', A, C, 'A'), { kind: 'icmp-unreachable', reason: 'nat-no-entry', entry: -1 });
  assert.equal(on.lab.tcp('out', A, C, 'R').kind, 'pass');
  assert.equal(on.lab.tcp('out', '192.168.1.99:80', C, 'A').kind, 'pass');
  assert.equal(on.lab.udp('out', A, C).kind, 'pass');
  const off = lab2();
  assert.equal(off.lab.tcp('out', A, C, 'A').kind, 'pass');
});

test('cache_bypass: a fwmark service without destinations forwards to the original destination', () => {
  const lab = new Lab({ sysctls: { cache_bypass: 1 } }, { isBypassTarget: (m) => m.daddr[0] !== 0x0a000001 });
  lab.service('fwm 3');
  assert.deepEqual(lab.tcp('in', C, '198.51.100.80:80', 'S', 60, 3), { kind: 'forward', reason: null, entry: 0, fwd: 'bypass', to: '198.51.100.80:80' });
  assert.deepEqual(lab.list(), [`TCP SYN_RECV ${C} -> 198.51.100.80:80 -> 0.0.0.0:0 60000`]);
  assert.equal(lab.tcp('in', C, '198.51.100.80:80', 'A', 60, 3).fwd, 'bypass');
  assert.deepEqual(lab.ipvs.totals.snapshot(), { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 });
  // A local destination is not bypassed.
  assert.equal(lab.tcp('in', C, '10.0.0.1:80', 'S', 60, 3).kind, 'icmp-unreachable');
});
