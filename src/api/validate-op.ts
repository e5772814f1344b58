/**
 * Strict validation of operations arriving as JSON. Every field is required, typed and
 * range-checked; unknown fields are refused; addresses are canonicalised so identities compare
 * equal however they were written. What is left to decide — whether a service exists, whether a
 * scheduler is known, weight < 0, l_threshold > u_threshold — is the IPVS rules' job, so those
 * arrive as the kernel's errors (EEXIST, ENOENT, ERANGE, ...), exactly as through ipvsadm.
 */
import { parseIp, type Family } from '../core/addr.js';
import { SVC_F, type DestId, type DestSpec, type FwdMethod, type Protocol, type ServiceKey, type ServiceSpec, type SyncDaemon, type TunnelCsum, type TunnelType } from '../core/model.js';
import type { Op } from '../core/ops.js';
import type { ApplyMode } from '../engine/director.js';

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

class Invalid extends Error {}

type Obj = Readonly<Record<string, unknown>>;

const U32 = 0xffffffff;
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;
/** SVC_F bits a client may set (HASHED is the kernel's own bookkeeping). */
const SERVICE_FLAGS = SVC_F.PERSISTENT | SVC_F.ONEPACKET | SVC_F.SCHED1 | SVC_F.SCHED2 | SVC_F.SCHED3;

/** `v` as an object; with `fields`, exactly those fields (all required, no others). */
function object(v: unknown, path: string, fields?: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${path}: expected an object`);
  if (!fields) return v as Obj;
  for (const k of Object.keys(v)) if (!fields.includes(k)) throw new Invalid(`${path}: unexpected field "${k}"`);
  for (const k of fields) if (!Object.hasOwn(v, k)) throw new Invalid(`${path}: missing field "${k}"`);
  return v as Obj;
}

function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Invalid(`${path}: expected an integer ${min}..${max}`);
  return v;
}

function string(v: unknown, path: string, maxLength: number): string {
  if (typeof v !== 'string' || v.length > maxLength) throw new Invalid(`${path}: expected a string of at most ${maxLength} characters`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(`${path}: expected one of ${allowed.join(', ')}`);
  return v as T;
}

function family(v: unknown, path: string): Family {
  if (v !== 4 && v !== 6) throw new Invalid(`${path}: expected 4 or 6`);
  return v;
}

/** An address literal of the given family, in canonical text. */
function address(v: unknown, path: string, fam: Family): string {
  const p = typeof v === 'string' ? parseIp(v) : null;
  if (!p) throw new Invalid(`${path}: expected an IP address`);
  if (p.family !== fam) throw new Invalid(`${path}: not an IPv${fam} address`);
  return p.text;
}

function port(v: unknown, path: string): number {
  return integer(v, path, 0, 65535);
}

function serviceKey(v: unknown, path: string): ServiceKey {
  const kind = object(v, path)['kind'];
  if (kind === 'fwmark') {
    const o = object(v, path, ['kind', 'family', 'fwmark']);
    return { kind: 'fwmark', family: family(o['family'], `${path}.family`), fwmark: integer(o['fwmark'], `${path}.fwmark`, 1, U32) };
  }
  if (kind !== 'addr') throw new Invalid(`${path}.kind: expected one of addr, fwmark`);
  const o = object(v, path, ['kind', 'family', 'protocol', 'addr', 'port']);
  const fam = family(o['family'], `${path}.family`);
  return {
    kind: 'addr',
    family: fam,
    protocol: oneOf<Protocol>(o['protocol'], `${path}.protocol`, ['tcp', 'udp', 'sctp']),
    addr: address(o['addr'], `${path}.addr`, fam),
    port: port(o['port'], `${path}.port`),
  };
}

function serviceSpec(v: unknown, path: string): ServiceSpec {
  const o = object(v, path, ['key', 'scheduler', 'flags', 'timeout', 'netmask', 'pe']);
  const flags = integer(o['flags'], `${path}.flags`, 0, U32);
  if ((flags & ~SERVICE_FLAGS) !== 0) throw new Invalid(`${path}.flags: unknown bits 0x${(flags & ~SERVICE_FLAGS).toString(16)}`);
  const scheduler = string(o['scheduler'], `${path}.scheduler`, 64);
  if (scheduler === '') throw new Invalid(`${path}.scheduler: expected a scheduler name`);
  return {
    key: serviceKey(o['key'], `${path}.key`),
    scheduler,
    flags,
    timeout: integer(o['timeout'], `${path}.timeout`, 0, U32),
    netmask: integer(o['netmask'], `${path}.netmask`, 0, U32),
    pe: string(o['pe'], `${path}.pe`, 16),
  };
}

function destId(v: unknown, path: string): DestId {
  const o = object(v, path, ['family', 'addr', 'port']);
  const fam = family(o['family'], `${path}.family`);
  return { family: fam, addr: address(o['addr'], `${path}.addr`, fam), port: port(o['port'], `${path}.port`) };
}

function destSpec(v: unknown, path: string): DestSpec {
  const o = object(v, path, ['family', 'addr', 'port', 'fwd', 'weight', 'uThreshold', 'lThreshold', 'tunType', 'tunPort', 'tunFlags']);
  const fam = family(o['family'], `${path}.family`);
  return {
    family: fam,
    addr: address(o['addr'], `${path}.addr`, fam),
    port: port(o['port'], `${path}.port`),
    // 'bypass' is the kernel's internal method for cache bypass; no control interface sets it.
    fwd: oneOf<FwdMethod>(o['fwd'], `${path}.fwd`, ['nat', 'local', 'tun', 'dr']),
    // Signed, as the kernel's field: a negative weight is refused by the IPVS rules (ERANGE).
    weight: integer(o['weight'], `${path}.weight`, I32_MIN, I32_MAX),
    uThreshold: integer(o['uThreshold'], `${path}.uThreshold`, 0, U32),
    lThreshold: integer(o['lThreshold'], `${path}.lThreshold`, 0, U32),
    tunType: oneOf<TunnelType>(o['tunType'], `${path}.tunType`, ['ipip', 'gue', 'gre']),
    tunPort: port(o['tunPort'], `${path}.tunPort`),
    tunFlags: oneOf<TunnelCsum>(o['tunFlags'], `${path}.tunFlags`, ['nocsum', 'csum', 'remcsum']),
  };
}

function syncDaemon(v: unknown, path: string): SyncDaemon {
  const o = object(v, path, ['state', 'mcastIfn', 'syncid', 'maxlen', 'mcastGroup', 'mcastPort', 'mcastTtl']);
  const group = string(o['mcastGroup'], `${path}.mcastGroup`, 45);
  return {
    state: oneOf(o['state'], `${path}.state`, ['master', 'backup'] as const),
    mcastIfn: string(o['mcastIfn'], `${path}.mcastIfn`, 15),
    syncid: integer(o['syncid'], `${path}.syncid`, 0, 255),
    maxlen: integer(o['maxlen'], `${path}.maxlen`, 0, 65507),
    mcastGroup: group === '' ? '' : address(group, `${path}.mcastGroup`, group.includes(':') ? 6 : 4),
    mcastPort: port(o['mcastPort'], `${path}.mcastPort`),
    mcastTtl: integer(o['mcastTtl'], `${path}.mcastTtl`, 0, 255),
  };
}

const OP_TYPES = ['add-service', 'edit-service', 'delete-service', 'flush', 'add-dest', 'edit-dest', 'delete-dest', 'zero', 'set-timeouts', 'start-daemon', 'stop-daemon'] as const;

function op(v: unknown, path: string): Op {
  const type = oneOf(object(v, path)['type'], `${path}.type`, OP_TYPES);
  switch (type) {
    case 'add-service':
    case 'edit-service':
      return { type, service: serviceSpec(object(v, path, ['type', 'service'])['service'], `${path}.service`) };
    case 'delete-service':
      return { type, service: serviceKey(object(v, path, ['type', 'service'])['service'], `${path}.service`) };
    case 'flush':
      object(v, path, ['type']);
      return { type };
    case 'add-dest':
    case 'edit-dest': {
      const o = object(v, path, ['type', 'service', 'dest']);
      return { type, service: serviceKey(o['service'], `${path}.service`), dest: destSpec(o['dest'], `${path}.dest`) };
    }
    case 'delete-dest': {
      const o = object(v, path, ['type', 'service', 'dest']);
      return { type, service: serviceKey(o['service'], `${path}.service`), dest: destId(o['dest'], `${path}.dest`) };
    }
    case 'zero': {
      if (!Object.hasOwn(object(v, path), 'service')) {
        object(v, path, ['type']);
        return { type };
      }
      return { type, service: serviceKey(object(v, path, ['type', 'service'])['service'], `${path}.service`) };
    }
    case 'set-timeouts': {
      const o = object(v, path, ['type', 'tcp', 'tcpfin', 'udp']);
      return { type, tcp: integer(o['tcp'], `${path}.tcp`, 0, I32_MAX), tcpfin: integer(o['tcpfin'], `${path}.tcpfin`, 0, I32_MAX), udp: integer(o['udp'], `${path}.udp`, 0, I32_MAX) };
    }
    case 'start-daemon':
      return { type, daemon: syncDaemon(object(v, path, ['type', 'daemon'])['daemon'], `${path}.daemon`) };
    case 'stop-daemon':
      return { type, state: oneOf(object(v, path, ['type', 'state'])['state'], `${path}.state`, ['master', 'backup'] as const) };
  }
}

/** Validate one operation. */
export function validateOp(v: unknown, path = 'op'): Validated<Op> {
  try {
    return { ok: true, value: op(v, path) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, message: e.message };
    throw e;
  }
}

/** Validate a POST /v1/ops body: `{ "ops": [...], "mode"?: "atomic" | "continue" }`. */
export function validateOpsRequest(body: unknown): Validated<{ ops: Op[]; mode: ApplyMode }> {
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Invalid('body: expected an object');
    const hasMode = Object.hasOwn(body, 'mode');
    const o = object(body, 'body', hasMode ? ['ops', 'mode'] : ['ops']);
    const mode = hasMode ? oneOf<ApplyMode>(o['mode'], 'mode', ['atomic', 'continue']) : 'atomic';
    const list = o['ops'];
    if (!Array.isArray(list)) throw new Invalid('ops: expected an array');
    return { ok: true, value: { ops: list.map((x, i) => op(x, `ops[${i}]`)), mode } };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, message: e.message };
    throw e;
  }
}
