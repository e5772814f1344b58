import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs, TRASH_FREE_AFTER_MS } from './ipvs.js';
import { DEST_F, SVC_F, type DestSpec, type ServiceKey, type ServiceSpec } from './model.js';
import type { Op } from './ops.js';

const VIP: ServiceKey = { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.100', port: 80 };

function svc(over: Partial<ServiceSpec> = {}): ServiceSpec {
  return { key: VIP, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '', ...over };
}
function dest(addr: string, over: Partial<DestSpec> = {}): DestSpec {
  return { family: 4, addr, port: 80, fwd: 'dr', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum', ...over };
}
function ok(ipvs: Ipvs, ...ops: Op[]): void {
  for (const op of ops) assert.deepEqual(ipvs.apply(op), { ok: true }, op.type);
}
function errno(ipvs: Ipvs, op: Op): string {
  const r = ipvs.apply(op);
  assert.equal(r.ok, false, `${op.type} should fail`);
  return r.ok ? '' : r.errno;
}

test('service add/edit/delete follow the kernel errors', () => {
  const ipvs = new Ipvs();
  ok(ipvs, { type: 'add-service', service: svc() });
  assert.equal(errno(ipvs, { type: 'add-service', service: svc() }), 'EEXIST');
  assert.equal(errno(ipvs, { type: 'add-service', service: svc({ key: { ...VIP, port: 81 }, scheduler: 'nosuch' }) }), 'ENOENT');
  assert.equal(errno(ipvs, { type: 'add-service', service: svc({ key: { ...VIP, port: 81 }, scheduler: 'x'.repeat(16) }) }), 'EINVAL');
  assert.equal(errno(ipvs, { type: 'add-service', service: svc({ key: { ...VIP, port: 81 }, pe: 'http' }) }), 'ENOENT');
  assert.equal(errno(ipvs, { type: 'edit-service', service: svc({ key: { ...VIP, port: 81 } }) }), 'ESRCH');
  assert.equal(errno(ipvs, { type: 'delete-service', service: { ...VIP, port: 81 } }), 'ESRCH');
  assert.equal(errno(ipvs, { type: 'zero', service: { ...VIP, port: 81 } }), 'ESRCH');
  const v6: ServiceKey = { kind: 'addr', family: 6, protocol: 'tcp', addr: '2001:db8::1', port: 80 };
  assert.equal(errno(ipvs, { type: 'add-service', service: svc({ key: v6, netmask: 129 }) }), 'EINVAL');
  ok(ipvs, { type: 'add-service', service: svc({ key: v6, netmask: 64 }) });
  ok(ipvs, { type: 'add-service', service: svc({ key: { ...VIP, port: 82 }, scheduler: 'none' }) });
  assert.equal(ipvs.getService({ ...VIP, port: 82 })?.sched, null);
  ok(ipvs, { type: 'delete-service', service: VIP });
  assert.equal(ipvs.getService(VIP), undefined);
  assert.equal(ipvs.services.size, 2);
});

test('edit-service replaces every attribute; the same scheduler keeps its state', () => {
  const ipvs = new Ipvs();
  ok(ipvs, { type: 'add-service', service: svc({ flags: SVC_F.PERSISTENT, timeout: 120 }) });
  ok(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1') }, { type: 'add-dest', service: VIP, dest: dest('10.0.0.2') });
  const s = ipvs.getService(VIP)!;
  const ctx = { family: 4 as const, protocol: 'tcp' as const, saddr: '1.1.1.1', sfold: 0, sport: 1, daddr: VIP.addr, dfold: 0, dport: 80, inverse: false, now: 0 };
  assert.equal(s.sched!.pick(s, ctx)!.addr, '10.0.0.2');
  const sched = s.sched;
  ok(ipvs, { type: 'edit-service', service: svc() });
  assert.equal(s.sched, sched, 'same scheduler: not rebound');
  assert.equal(s.persistent, false);
  assert.equal(s.timeout, 0);
  assert.equal(s.sched!.pick(s, ctx)!.addr, '10.0.0.1', 'rr cursor kept across the edit');
});

test('destinations: newest first, kernel errors, thresholds and last weight', () => {
  const ipvs = new Ipvs();
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1') }), 'ESRCH');
  ok(ipvs, { type: 'add-service', service: svc() });
  ok(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1', { weight: 3 }) });
  ok(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.2') });
  ok(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.3') });
  const s = ipvs.getService(VIP)!;
  assert.deepEqual(s.dests.map((d) => d.addr), ['10.0.0.3', '10.0.0.2', '10.0.0.1']);
  assert.deepEqual(s.dests.map((d) => d.index), [0, 1, 2]);
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1') }), 'EEXIST');
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.9', { weight: -1 }) }), 'ERANGE');
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.9', { lThreshold: 5 }) }), 'ERANGE');
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.9', { fwd: 'tun', tunType: 'gue' }) }), 'EINVAL');
  assert.equal(errno(ipvs, { type: 'add-dest', service: VIP, dest: { ...dest('2001:db8::9'), family: 6 } }), 'EINVAL');
  assert.equal(errno(ipvs, { type: 'edit-dest', service: VIP, dest: dest('10.0.0.9') }), 'ENOENT');
  assert.equal(errno(ipvs, { type: 'delete-dest', service: VIP, dest: { family: 4, addr: '10.0.0.9', port: 80 } }), 'ENOENT');

  const d1 = s.findDest({ family: 4, addr: '10.0.0.1', port: 80 })!;
  ok(ipvs, { type: 'edit-dest', service: VIP, dest: dest('10.0.0.1', { weight: 0, uThreshold: 10 }) });
  assert.equal(d1.weight, 0);
  assert.equal(d1.lastWeight, 3, 'weight 0 keeps the last non-zero weight');
  assert.equal(d1.fwd, 'dr');
  d1.flags |= DEST_F.OVERLOAD;
  ok(ipvs, { type: 'edit-dest', service: VIP, dest: dest('10.0.0.1', { weight: 0, uThreshold: 5 }) });
  assert.equal(d1.overloaded, true, 'a lower upper threshold keeps OVERLOAD');
  ok(ipvs, { type: 'edit-dest', service: VIP, dest: dest('10.0.0.1', { weight: 0, uThreshold: 8 }) });
  assert.equal(d1.overloaded, false, 'a higher upper threshold clears OVERLOAD');
});

test('deleted destinations wait in the trash and come back with their counters', () => {
  const ipvs = new Ipvs();
  ok(ipvs, { type: 'add-service', service: svc() }, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1') });
  const d = ipvs.getService(VIP)!.dests[0]!;
  d.activeConns = 4;
  d.refs = 4;
  d.stats.conns = 9;
  assert.deepEqual(ipvs.apply({ type: 'delete-dest', service: VIP, dest: d }, 1000), { ok: true });
  assert.equal(d.available, false);
  assert.deepEqual(ipvs.trash, [d]);
  ipvs.reapTrash(1000 + TRASH_FREE_AFTER_MS * 2);
  assert.deepEqual(ipvs.trash, [d], 'still referenced: kept');
  ok(ipvs, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1', { weight: 5, fwd: 'nat' }) });
  const back = ipvs.getService(VIP)!.dests[0]!;
  assert.equal(back, d, 'same object resurrected');
  assert.equal(back.available, true);
  assert.equal(back.activeConns, 4);
  assert.equal(back.stats.conns, 9);
  assert.equal(back.weight, 5);
  assert.equal(back.fwd, 'nat');
  assert.deepEqual(ipvs.trash, []);

  back.refs = 0;
  ok(ipvs, { type: 'flush' });
  assert.equal(ipvs.services.size, 0);
  ipvs.reapTrash(TRASH_FREE_AFTER_MS - 1);
  assert.equal(ipvs.trash.length, 1);
  ipvs.reapTrash(TRASH_FREE_AFTER_MS);
  assert.equal(ipvs.trash.length, 0, 'unreferenced for 120 s: freed');
});

test('zero, timeouts and sync daemons', () => {
  const ipvs = new Ipvs();
  ok(ipvs, { type: 'add-service', service: svc() }, { type: 'add-dest', service: VIP, dest: dest('10.0.0.1') });
  const s = ipvs.getService(VIP)!;
  s.stats.conns = 3;
  s.dests[0]!.stats.conns = 3;
  ipvs.totals.conns = 3;
  ok(ipvs, { type: 'zero', service: VIP });
  assert.equal(s.stats.snapshot().conns, 0);
  assert.equal(s.dests[0]!.stats.snapshot().conns, 0);
  assert.equal(ipvs.totals.snapshot().conns, 3, 'zeroing one service leaves the totals');
  ok(ipvs, { type: 'zero' });
  assert.equal(ipvs.totals.snapshot().conns, 0);

  ok(ipvs, { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  assert.deepEqual(ipvs.timeouts, { tcp: 30, tcpfin: 5, udp: 60 });
  ok(ipvs, { type: 'set-timeouts', tcp: 0, tcpfin: 0, udp: 100 });
  assert.deepEqual(ipvs.timeouts, { tcp: 30, tcpfin: 5, udp: 100 });
  assert.equal(errno(ipvs, { type: 'set-timeouts', tcp: -1, tcpfin: 0, udp: 0 }), 'EINVAL');

  const daemon = { state: 'master' as const, mcastIfn: 'eth0', syncid: 0, maxlen: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0 };
  ok(ipvs, { type: 'start-daemon', daemon });
  assert.deepEqual(ipvs.daemons.master, { ...daemon, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1, maxlen: 1472 }, 'kernel defaults filled in');
  assert.equal(errno(ipvs, { type: 'start-daemon', daemon }), 'EEXIST');
  ok(ipvs, { type: 'stop-daemon', state: 'master' });
  assert.equal(errno(ipvs, { type: 'stop-daemon', state: 'master' }), 'ESRCH');
});

test('packet service lookup: fwmark, exact, FTP data, port zero', () => {
  const ipvs = new Ipvs();
  const fwm: ServiceKey = { kind: 'fwmark', family: 4, fwmark: 7 };
  const ftp: ServiceKey = { ...VIP, port: 21 };
  const any: ServiceKey = { kind: 'addr', family: 4, protocol: 'udp', addr: '10.0.0.200', port: 0 };
  ok(ipvs, { type: 'add-service', service: svc() }, { type: 'add-service', service: svc({ key: fwm }) });
  ok(ipvs, { type: 'add-service', service: svc({ key: ftp }) }, { type: 'add-service', service: svc({ key: any, flags: SVC_F.PERSISTENT, timeout: 360 }) });
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 80, 0)?.id, 'tcp|10.0.0.100|80');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 80, 7)?.id, 'fwm|4|7', 'fwmark wins');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 80, 8)?.id, 'tcp|10.0.0.100|80');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 20, 0)?.id, 'tcp|10.0.0.100|21', 'FTP data (port 20)');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 40000, 0)?.id, 'tcp|10.0.0.100|21', 'FTP passive data');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.100', 443, 0), undefined);
  assert.equal(ipvs.lookupService(4, 'udp', '10.0.0.200', 53, 0)?.id, 'udp|10.0.0.200|0');
  assert.equal(ipvs.lookupService(4, 'tcp', '10.0.0.200', 53, 0), undefined);
});
