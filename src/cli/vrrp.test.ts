import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiServer } from '../api/server.js';
import type { VrrpStatusReport } from '../api/vrrp-routes.js';
import { silentLogger } from '../core/ports.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { zeroCounters } from '../core/vrrp/types.js';
import { formatVrrpStatus, parseWatchArgs, runVrrp, type VrrpCliIo } from './vrrp.js';

const report: VrrpStatusReport = {
  running: true,
  reason: null,
  instances: [
    {
      name: 'VI_1', ifname: 'ens160', family: 4, vrid: 51, version: 2, state: 'MASTER', wantState: 'MASTER', basePriority: 100, effectivePriority: 100,
      masterAddress: '192.168.64.130', masterPriority: 100, lastTransition: 1000, vipsSet: true, syncGroup: null, counters: zeroCounters(), sinceTransitionMs: 75_500,
    },
    {
      name: 'VI_2', ifname: 'ens192', family: 4, vrid: 52, version: 3, state: 'BACKUP', wantState: 'BACKUP', basePriority: 100, effectivePriority: 70,
      masterAddress: '10.0.0.1', masterPriority: 150, lastTransition: 2000, vipsSet: false, syncGroup: 'G', counters: zeroCounters(), sinceTransitionMs: 4_200,
      peers: [{ address: '10.0.0.1', priority: 150, heardMsAgo: 600 }, { address: '10.0.0.3', priority: null, heardMsAgo: null }],
    },
  ],
  syncGroups: [{ name: 'G', state: 'BACKUP', members: ['VI_2'] }],
  sockets: {},
};

test('status table: state, priority (effective and configured), master, time since the transition, peers heard', () => {
  assert.equal(
    formatVrrpStatus(report),
    [
      'INSTANCE  IFACE   VRID  VER  STATE   PRIO      MASTER          SINCE  PEERS',
      'VI_1      ens160  51    v2   MASTER  100       192.168.64.130  1m15s  -',
      'VI_2      ens192  52    v3   BACKUP  70 (100)  10.0.0.1        4.2s   10.0.0.1 prio 150 0.6s ago, 10.0.0.3 (not heard)',
      'sync group G: BACKUP (VI_2)',
      '',
    ].join('\n'),
  );
  assert.equal(formatVrrpStatus({ ...report, running: false, instances: [], reason: 'VRRP not started: native addon not built' }), 'VRRP: not running (VRRP not started: native addon not built)\n');
});

test('watch arguments', () => {
  assert.deepEqual(parseWatchArgs(['eth0']), { ifname: 'eth0', family: 4, count: 0 });
  assert.deepEqual(parseWatchArgs(['-6', 'eth1', '-c', '3']), { ifname: 'eth1', family: 6, count: 3 });
  assert.equal(parseWatchArgs([]), 'watch needs exactly one interface');
  assert.equal(parseWatchArgs(['eth0', '-c', '0']), '-c needs a positive count');
  assert.equal(parseWatchArgs(['--x', 'eth0']), "unknown option '--x'");
});

test('tsvs vrrp status against a daemon API (GET /v1/vrrp)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-vrrp-cli-'));
  const socketPath = join(dir, 'api.sock');
  const control = { vrrpStatus: () => report } as unknown as ControlPlane;
  const server = await ApiServer.start({ control, socketPath, logger: silentLogger });
  const out: string[] = [];
  const io: VrrpCliIo = { out: (t) => out.push(t), err: (t) => out.push(`err: ${t}`), env: {}, uid: 0, now: () => new Date(0) };
  try {
    assert.equal(await runVrrp(['status', '--api', socketPath], io), 0);
    assert.equal(out.join(''), formatVrrpStatus(report));
    out.length = 0;
    assert.equal(await runVrrp(['status', '--json', '--api', socketPath], io), 0);
    assert.deepEqual(JSON.parse(out.join('')), report);
    out.length = 0;
    assert.equal(await runVrrp(['status', '--api', join(dir, 'none.sock')], io), 1);
    assert.match(out.join(''), /^err: tsvs vrrp: cannot reach the tsvs daemon at .*none\.sock \(ENOENT\)\n$/);
    assert.equal(await runVrrp(['frob'], io), 2);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
