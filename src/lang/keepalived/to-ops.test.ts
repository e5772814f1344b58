import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SVC_F } from '../../core/model.js';
import { memoryFiles } from './memory-files.js';
import { parseKeepalivedConfig } from './parse.js';
import { toIpvsOps } from './to-ops.js';

const SEEDS = new URL('../../../test/golden/keepalived/seeds/', import.meta.url).pathname;

function opsOf(text: string) {
  const r = parseKeepalivedConfig('/k.conf', memoryFiles({ '/k.conf': text }));
  return { ops: toIpvsOps(r.model), model: r.model };
}

const dest = (addr: string, port: number, fwd: 'dr' | 'nat' | 'tun', weight: number) => ({
  family: 4,
  addr,
  port,
  fwd,
  weight,
  uThreshold: 0,
  lThreshold: 0,
  tunType: 'ipip',
  tunPort: 0,
  tunFlags: 'nocsum',
});

test('seed 002 (lvs01): wrr, persistence 50 s, port 8080, DR, two real servers; TCP_CHECK on port 80', () => {
  const { ops, model } = opsOf(readFileSync(`${SEEDS}002-lvs01.conf`, 'utf8'));
  const key = { kind: 'addr', family: 4, protocol: 'tcp', addr: '172.17.252.38', port: 8080 };
  assert.deepEqual(ops, [
    { type: 'add-service', service: { key, scheduler: 'wrr', flags: SVC_F.PERSISTENT, timeout: 50, netmask: 0xffffffff, pe: '' } },
    { type: 'add-dest', service: key, dest: dest('39.106.40.172', 8080, 'dr', 1) },
    { type: 'add-dest', service: key, dest: dest('39.107.137.111', 8080, 'dr', 1) },
  ]);
  const checks = model.virtualServers[0]!.realServers.map((r) => r.checkers[0]!);
  assert.deepEqual(
    checks.map((c) => (c.type === 'TCP_CHECK' ? [c.connection.connectIp, c.connection.connectPort, c.connection.connectTimeout, c.retry, c.delayBeforeRetry, c.delayLoop] : [])),
    [
      ['39.106.40.172', 80, 8, 1, 3, 6],
      ['39.107.137.111', 80, 8, 1, 3, 6],
    ],
  );
});

test('seed 004 (master and backup): rr, DR, two real servers on port 80, same services on both directors', () => {
  const key = { kind: 'addr', family: 4, protocol: 'tcp', addr: '192.168.64.100', port: 80 };
  const expected = [
    { type: 'add-service', service: { key, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } },
    { type: 'add-dest', service: key, dest: dest('192.168.64.143', 80, 'dr', 1) },
    { type: 'add-dest', service: key, dest: dest('192.168.64.138', 80, 'dr', 1) },
  ];
  const master = opsOf(readFileSync(`${SEEDS}004-master.conf`, 'utf8'));
  assert.deepEqual(master.ops, expected);
  assert.deepEqual(opsOf(readFileSync(`${SEEDS}004-backup.conf`, 'utf8')).ops, expected);
  const vips = master.model.vrrpInstances[0]!.virtualIpAddresses;
  assert.deepEqual(vips.map((v) => [v.address, v.prefix, v.dev, v.label]), [['192.168.64.100', 32, 'ens160', 'ens160:vip']]);
});

test('seed 000: the virtual server with an invalid address programs nothing', () => {
  assert.deepEqual(opsOf(readFileSync(`${SEEDS}000-lvs-dr-keepalived.conf`, 'utf8')).ops, []);
});

test('alpha real servers start out of the pool (or at weight 0 with inhibit_on_failure)', () => {
  const { ops } = opsOf(`virtual_server 10.0.0.1 80 {
 protocol TCP
 lb_algo rr
 lb_kind NAT
 real_server 10.0.1.1 80 {
  TCP_CHECK {
   alpha
  }
 }
 real_server 10.0.1.2 80 {
  inhibit_on_failure
  TCP_CHECK {
   alpha
  }
 }
 real_server 10.0.1.3 80 {
  weight 5
 }
}
`);
  assert.deepEqual(
    ops.map((o) => (o.type === 'add-dest' ? `${o.dest.addr}:${o.dest.weight}` : o.type)),
    ['add-service', '10.0.1.2:0', '10.0.1.3:5'],
  );
});

test('below quorum at start-up with a sorry server: only the sorry server is added', () => {
  const { ops } = opsOf(`virtual_server 10.0.0.1 80 {
 protocol TCP
 lb_algo rr
 lb_kind DR
 quorum 2
 sorry_server 10.0.9.9 80
 real_server 10.0.1.1 80 {
  TCP_CHECK {
   alpha
  }
 }
 real_server 10.0.1.2 80 {
 }
}
`);
  assert.deepEqual(ops.slice(1), [
    { type: 'add-dest', service: { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80 }, dest: dest('10.0.9.9', 80, 'dr', 1) },
  ]);
});

test('lvs_flush, lvs_timeouts, fwmark services and group expansion', () => {
  const { ops } = opsOf(`global_defs {
 lvs_flush
 lvs_timeouts tcp 7200 udp 60
}
virtual_server_group G {
 10.0.0.1-2 80
 fwmark 3
}
virtual_server group G {
 protocol TCP
 lb_algo wlc
 lb_kind DR
 real_server 10.0.1.1 80 {
 }
}
`);
  assert.deepEqual(
    ops.map((o) => (o.type === 'add-service' ? `svc ${o.service.key.kind === 'addr' ? `${o.service.key.addr}:${o.service.key.port}` : `fwm ${o.service.key.fwmark}`}` : o.type === 'add-dest' ? `dest ${o.dest.addr}:${o.dest.port}` : o.type === 'set-timeouts' ? `timeouts ${o.tcp}/${o.tcpfin}/${o.udp}` : o.type)),
    ['flush', 'timeouts 7200/0/60', 'svc 10.0.0.1:80', 'dest 10.0.1.1:80', 'svc 10.0.0.2:80', 'dest 10.0.1.1:80', 'svc fwm 3', 'dest 10.0.1.1:0'],
  );
});
