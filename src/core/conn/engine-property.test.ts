// Property: whatever packets, clock moves, destination and service changes and sysctl flips
// happen, the destination counters agree with the table — sum of active+inactive = live
// connections, sum of persistent = live templates, refs = entries bound, n_control = entries
// controlled — and once enough time passes everything is gone and every counter is back to 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Destination, ServiceKey } from '../model.js';
import { CONN_F } from './flags.js';
import { Lab, serviceKey, type ServiceOpts } from './testkit.js';

interface SvcDef {
  readonly key: string;
  readonly opts: ServiceOpts;
  readonly fwd: 'nat' | 'dr';
  readonly dests: readonly string[];
  readonly proto: 'tcp' | 'udp';
  readonly to: string;
  readonly fwmark: number;
}

const SERVICES: readonly SvcDef[] = [
  { key: 'tcp 10.0.0.100:80', opts: {}, fwd: 'nat', dests: ['192.168.1.11:80', '192.168.1.12:80'], proto: 'tcp', to: '10.0.0.100:80', fwmark: 0 },
  { key: 'tcp 10.0.0.100:443', opts: { persistent: 100, netmask: 0xffffff00 }, fwd: 'dr', dests: ['192.168.1.11:443', '192.168.1.13:443'], proto: 'tcp', to: '10.0.0.100:443', fwmark: 0 },
  { key: 'udp 10.0.0.100:53', opts: { persistent: 30, ops: true }, fwd: 'nat', dests: ['192.168.1.21:53', '192.168.1.22:53'], proto: 'udp', to: '10.0.0.100:53', fwmark: 0 },
  { key: 'udp 10.0.0.100:123', opts: {}, fwd: 'nat', dests: ['192.168.1.21:123'], proto: 'udp', to: '10.0.0.100:123', fwmark: 0 },
  { key: 'fwm 1', opts: { persistent: 50 }, fwd: 'nat', dests: ['192.168.1.31:0', '192.168.1.32:0'], proto: 'tcp', to: '10.0.0.101:8080', fwmark: 1 },
];
const CLIENTS = ['203.0.113.7', '203.0.113.8', '198.51.100.1'];
const FLAGS = ['S', 'A', 'PA', 'FA', 'R', 'SA', 'P'];
const SYSCTLS = ['expire_nodest_conn', 'expire_quiescent_template', 'conn_reuse_mode', 'sloppy_tcp', 'secure_tcp'] as const;

type Op =
  | { t: 'pkt'; svc: number; client: number; port: number; flags: number; out: boolean; len: number }
  | { t: 'time'; dt: number }
  | { t: 'dest'; svc: number; dest: number; action: 'add' | 'del' | 'w0' | 'w1' }
  | { t: 'svc'; svc: number; action: 'del' | 'add' }
  | { t: 'sysctl'; name: number; value: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('pkt' as const), svc: fc.nat(SERVICES.length - 1), client: fc.nat(CLIENTS.length - 1), port: fc.nat(2), flags: fc.nat(FLAGS.length - 1), out: fc.boolean(), len: fc.integer({ min: 40, max: 1500 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('time' as const), dt: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 200_000 })) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('dest' as const), svc: fc.nat(SERVICES.length - 1), dest: fc.nat(1), action: fc.constantFrom('add' as const, 'del' as const, 'w0' as const, 'w1' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('svc' as const), svc: fc.nat(SERVICES.length - 1), action: fc.constantFrom('del' as const, 'add' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sysctl' as const), name: fc.nat(SYSCTLS.length - 1), value: fc.nat(3) }) },
);

function setup(): { lab: Lab; keys: ServiceKey[] } {
  const lab = new Lab();
  const keys = SERVICES.map((s) => {
    const k = lab.service(s.key, s.opts);
    for (const d of s.dests) lab.dest(k, d, { fwd: s.fwd });
    return k;
  });
  return { lab, keys };
}

function apply(lab: Lab, keys: ServiceKey[], op: Op): void {
  if (op.t === 'time') {
    lab.at(lab.now + op.dt);
  } else if (op.t === 'sysctl') {
    lab.ipvs.sysctls[SYSCTLS[op.name]!] = op.value;
  } else if (op.t === 'pkt') {
    const s = SERVICES[op.svc]!;
    const client = `${CLIENTS[op.client]}:${1000 + op.port}`;
    const dest = s.dests[op.port % s.dests.length]!;
    const rs = dest.endsWith(':0') ? dest.replace(/:0$/, ':8080') : dest;
    if (s.proto === 'tcp') {
      if (op.out) lab.tcp('out', rs, client, FLAGS[op.flags]!, op.len);
      else lab.tcp('in', client, s.to, FLAGS[op.flags]!, op.len, s.fwmark);
    } else if (op.out) lab.udp('out', rs, client, op.len);
    else lab.udp('in', client, s.to, op.len, s.fwmark);
  } else if (op.t === 'dest') {
    const s = SERVICES[op.svc]!;
    const key = keys[op.svc]!;
    const endpoint = s.dests[op.dest % s.dests.length]!;
    const exists = lab.ipvs.getService(key)?.dests.some((d) => `${d.addr}:${d.port}` === endpoint) ?? false;
    if (!lab.ipvs.getService(key)) return;
    if (op.action === 'add' && !exists) lab.dest(key, endpoint, { fwd: s.fwd });
    if (op.action === 'del' && exists) lab.deleteDest(key, endpoint);
    if ((op.action === 'w0' || op.action === 'w1') && exists) lab.editDest(key, endpoint, { fwd: s.fwd, weight: op.action === 'w0' ? 0 : 1 });
  } else {
    const s = SERVICES[op.svc]!;
    const exists = lab.ipvs.getService(keys[op.svc]!) !== undefined;
    if (op.action === 'del' && exists) lab.ipvs.apply({ type: 'delete-service', service: serviceKey(s.key) }, lab.now);
    if (op.action === 'add' && !exists) {
      lab.service(s.key, s.opts);
      for (const d of s.dests) lab.dest(keys[op.svc]!, d, { fwd: s.fwd });
    }
  }
}

function allDests(lab: Lab): Destination[] {
  const out = new Set<Destination>(lab.ipvs.trash);
  for (const svc of lab.ipvs.services.values()) for (const d of svc.dests) out.add(d);
  return [...out];
}

function checkCounters(lab: Lab): void {
  const c = lab.engine.conns;
  const t = c.table;
  let active = 0;
  let inactive = 0;
  let persist = 0;
  let refs = 0;
  for (const d of allDests(lab)) {
    assert.ok(d.activeConns >= 0 && d.inactConns >= 0 && d.persistConns >= 0 && d.refs >= 0, `${d.addr}:${d.port}`);
    active += d.activeConns;
    inactive += d.inactConns;
    persist += d.persistConns;
    refs += d.refs;
  }
  let conns = 0;
  let templates = 0;
  const controlled = new Map<number, number>();
  for (let i = 0; i < t.slotsInUse; i++) {
    if (!t.isLive(i)) continue;
    if (t.flags(i) & CONN_F.TEMPLATE) templates++;
    else conns++;
    const ct = t.control[i]!;
    if (ct >= 0) controlled.set(ct, (controlled.get(ct) ?? 0) + 1);
  }
  assert.equal(active + inactive, conns, 'active + inactive = live connections');
  assert.equal(persist, templates, 'persistent = live templates');
  assert.equal(refs, conns + templates, 'refs = bound entries');
  assert.equal(c.connCount, conns);
  assert.equal(c.templateCount, templates);
  assert.equal(t.count, conns + templates);
  for (let i = 0; i < t.slotsInUse; i++) if (t.isLive(i)) assert.equal(t.nControl[i], controlled.get(i) ?? 0, 'n_control');
}

test('destination counters always match the table, and everything drains to zero', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 40, maxLength: 200 }), (ops) => {
      const { lab, keys } = setup();
      for (const op of ops) {
        apply(lab, keys, op);
        checkCounters(lab);
      }
      lab.at(lab.now + 10_000_000);
      checkCounters(lab);
      assert.equal(lab.engine.conns.table.count, 0);
      for (const d of allDests(lab)) assert.deepEqual([d.activeConns, d.inactConns, d.persistConns, d.refs], [0, 0, 0, 0]);
    }),
    { numRuns: 150 },
  );
});
