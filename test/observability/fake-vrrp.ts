/**
 * VRRP status reports for tests that cannot run VRRP (raw sockets need root and the native
 * addon): the shape GET /v1/vrrp answers with, with the fields a test chooses.
 */
import { zeroCounters, type VrrpState } from '../../src/core/vrrp/types.js';
import type { VrrpStatusReport } from '../../src/engine/vrrp/engine.js';
import type { VrrpPeer } from '../../src/engine/vrrp/transitions.js';

export interface FakeInstance {
  readonly name: string;
  readonly state: VrrpState;
  readonly priority?: number;
  readonly advertsSent?: number;
  readonly peers?: readonly VrrpPeer[];
}

export function fakeVrrp(instances: readonly FakeInstance[]): VrrpStatusReport {
  return {
    running: true,
    reason: null,
    instances: instances.map((i) => ({
      name: i.name, ifname: 'eth0', family: 4 as const, vrid: 51, version: 2, state: i.state, wantState: 'BACKUP',
      basePriority: 100, effectivePriority: i.priority ?? 100, masterAddress: '192.168.0.1', masterPriority: 100,
      lastTransition: 0, vipsSet: i.state === 'MASTER', syncGroup: null,
      counters: { ...zeroCounters(), advert_sent: i.advertsSent ?? 0 }, sinceTransitionMs: 1500, peers: i.peers ?? [],
    })),
    syncGroups: [],
    sockets: {},
  };
}
