/**
 * Builders for engine tests (used only by *.test.ts): service and destination specs with
 * ipvsadm's defaults, and the operations that add them.
 */
import type { DestSpec, FwdMethod, Protocol, ServiceKey, ServiceSpec } from '../core/model.js';
import type { Op } from '../core/ops.js';

export function tcpKey(addr: string, port: number, protocol: Protocol = 'tcp'): ServiceKey {
  return { kind: 'addr', family: addr.includes(':') ? 6 : 4, protocol, addr, port };
}

export function svcSpec(key: ServiceKey, scheduler = 'rr', over: Partial<Omit<ServiceSpec, 'key'>> = {}): ServiceSpec {
  return { key, scheduler, flags: 0, timeout: 0, netmask: key.family === 4 ? 0xffffffff : 128, pe: '', ...over };
}

export function destSpec(addr: string, port: number, fwd: FwdMethod = 'nat', over: Partial<DestSpec> = {}): DestSpec {
  return { family: addr.includes(':') ? 6 : 4, addr, port, fwd, weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum', ...over };
}

export const addService = (service: ServiceSpec): Op => ({ type: 'add-service', service });
export const addDest = (service: ServiceKey, dest: DestSpec): Op => ({ type: 'add-dest', service, dest });
