import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Op } from '../core/ops.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../engine/testkit.js';
import { validateOp, validateOpsRequest } from './validate-op.js';

const VIP = tcpKey('10.0.0.100', 80);
const roundTrip = (op: Op) => validateOp(JSON.parse(JSON.stringify(op)));

test('every operation type survives a JSON round trip unchanged', () => {
  const ops: Op[] = [
    addService(svcSpec(VIP, 'wlc', { flags: 1, timeout: 360, netmask: 0xffffff00, pe: 'sip' })),
    { type: 'edit-service', service: svcSpec({ kind: 'fwmark', family: 6, fwmark: 4294967295 }) },
    { type: 'delete-service', service: VIP },
    { type: 'flush' },
    addDest(VIP, destSpec('192.168.1.11', 80, 'tun', { tunType: 'gue', tunPort: 6080, tunFlags: 'remcsum', weight: -1 })),
    { type: 'edit-dest', service: VIP, dest: destSpec('2001:db8::a', 0, 'tun') },
    { type: 'delete-dest', service: VIP, dest: { family: 4, addr: '192.168.1.11', port: 80 } },
    { type: 'zero' },
    { type: 'zero', service: VIP },
    { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 },
    { type: 'start-daemon', daemon: { state: 'master', mcastIfn: 'eth0', syncid: 0, maxlen: 1472, mcastGroup: 'ff02::81', mcastPort: 8848, mcastTtl: 1 } },
    { type: 'stop-daemon', state: 'backup' },
  ];
  for (const op of ops) assert.deepEqual(roundTrip(op), { ok: true, value: op }, op.type);
});

test('addresses are canonicalised', () => {
  const r = validateOp({ type: 'delete-service', service: { kind: 'addr', family: 6, protocol: 'tcp', addr: '2001:DB8:0:0::1', port: 80 } });
  assert.deepEqual(r, { ok: true, value: { type: 'delete-service', service: { kind: 'addr', family: 6, protocol: 'tcp', addr: '2001:db8::1', port: 80 } } });
});

test('bad operations are refused with the path of the problem', () => {
  const cases: Array<[unknown, string]> = [
    [null, 'op: expected an object'],
    [[], 'op: expected an object'],
    [{ type: 'explode' }, 'op.type: expected one of add-service, edit-service, delete-service, flush, add-dest, edit-dest, delete-dest, zero, set-timeouts, start-daemon, stop-daemon'],
    [{ type: 'flush', extra: 1 }, 'op: unexpected field "extra"'],
    [{ type: 'delete-service' }, 'op: missing field "service"'],
    [{ type: 'delete-service', service: { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.1', port: 65536 } }, 'op.service.port: expected an integer 0..65535'],
    [{ type: 'delete-service', service: { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.1', port: 1.5 } }, 'op.service.port: expected an integer 0..65535'],
    [{ type: 'delete-service', service: { kind: 'addr', family: 4, protocol: 'icmp', addr: '10.0.0.1', port: 1 } }, 'op.service.protocol: expected one of tcp, udp, sctp'],
    [{ type: 'delete-service', service: { kind: 'addr', family: 6, protocol: 'tcp', addr: '10.0.0.1', port: 1 } }, 'op.service.addr: not an IPv6 address'],
    [{ type: 'delete-service', service: { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.256', port: 1 } }, 'op.service.addr: expected an IP address'],
    [{ type: 'delete-service', service: { kind: 'fwmark', family: 4, fwmark: 0 } }, 'op.service.fwmark: expected an integer 1..4294967295'],
    [{ type: 'delete-service', service: { kind: 'vip' } }, 'op.service.kind: expected one of addr, fwmark'],
    [{ type: 'add-service', service: { ...svcSpec(VIP), flags: 2 } }, 'op.service.flags: unknown bits 0x2'],
    [{ type: 'add-service', service: { ...svcSpec(VIP), scheduler: '' } }, 'op.service.scheduler: expected a scheduler name'],
    [{ type: 'add-dest', service: VIP, dest: { ...destSpec('10.0.0.1', 80), fwd: 'bypass' } }, 'op.dest.fwd: expected one of nat, local, tun, dr'],
    [{ type: 'add-dest', service: VIP, dest: { ...destSpec('10.0.0.1', 80), weight: 2 ** 31 } }, 'op.dest.weight: expected an integer -2147483648..2147483647'],
    [{ type: 'add-dest', service: VIP, dest: { ...destSpec('10.0.0.1', 80), weight: '1' } }, 'op.dest.weight: expected an integer -2147483648..2147483647'],
    [{ type: 'set-timeouts', tcp: -1, tcpfin: 0, udp: 0 }, 'op.tcp: expected an integer 0..2147483647'],
    [{ type: 'stop-daemon', state: 'both' }, 'op.state: expected one of master, backup'],
  ];
  for (const [input, message] of cases) assert.deepEqual(validateOp(input), { ok: false, message }, message);
});

test('a request body needs an ops array and an optional mode', () => {
  assert.deepEqual(validateOpsRequest({ ops: [] }), { ok: true, value: { ops: [], mode: 'atomic' } });
  assert.deepEqual(validateOpsRequest({ ops: [{ type: 'flush' }], mode: 'continue' }), { ok: true, value: { ops: [{ type: 'flush' }], mode: 'continue' } });
  assert.deepEqual(validateOpsRequest('x'), { ok: false, message: 'body: expected an object' });
  assert.deepEqual(validateOpsRequest({ ops: {} }), { ok: false, message: 'ops: expected an array' });
  assert.deepEqual(validateOpsRequest({ ops: [], mode: 'best' }), { ok: false, message: 'mode: expected one of atomic, continue' });
  assert.deepEqual(validateOpsRequest({ ops: [{ type: 'flush' }, { type: 'zero', service: 1 }] }), { ok: false, message: 'ops[1].service: expected an object' });
  assert.deepEqual(validateOpsRequest({ op: [] }), { ok: false, message: 'body: unexpected field "op"' });
});

test('fuzz: the validator never throws, whatever JSON it gets', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      validateOp(v);
      validateOpsRequest({ ops: [v] });
      validateOpsRequest(v);
    }),
    { numRuns: 500 },
  );
  // Mutations of a valid operation: each field replaced by arbitrary JSON.
  const valid = JSON.parse(JSON.stringify(addDest(VIP, destSpec('10.0.0.1', 80)))) as Record<string, Record<string, unknown>>;
  fc.assert(
    fc.property(fc.constantFrom('service', 'dest'), fc.string({ maxLength: 12 }), fc.jsonValue(), (part, field, value) => {
      const op = { ...valid, [part]: { ...valid[part], [field]: value } };
      validateOp(op);
    }),
    { numRuns: 500 },
  );
});
