// Every ipvsadm command line in the seed documents (shared/seeds/*.txt), with the shell variables
// of their scripts filled in, parses to exactly the intended command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DestSpec, ServiceKey } from '../../core/model.js';
import { DEFAULT_LIST_OPTIONS, type IpvsadmCommand } from './command.js';
import { parseIpvsadmArgs } from './parse.js';

/** The scripts' variables (001's director script; 002's run `start 172.17.252.38 39.106.40.172 39.107.137.111`). */
const VARS: Record<string, string> = {
  VIP: '192.168.30.254',
  RIP1: '192.168.30.111',
  RIP2: '192.168.30.112',
  RIP3: '192.168.30.113',
  RIP4: '192.168.30.114',
  SNS_VIP: '172.17.252.38',
  SNS_RIP1: '39.106.40.172',
  SNS_RIP2: '39.107.137.111',
};

/** A shell line as the seeds write it → ipvsadm's argv (program name dropped, variables expanded). */
function argvOf(line: string): string[] {
  const words = line.replace(/\$(\w+)/g, (_, v: string) => VARS[v] ?? assert.fail(`unknown variable ${v}`)).trim().split(/\s+/);
  assert.match(words[0]!, /(^|\/)ipvsadm$/);
  return words.slice(1);
}

function parsed(line: string): IpvsadmCommand {
  const r = parseIpvsadmArgs(argvOf(line));
  if (!r.ok) assert.fail(`${line} → ${r.error.message}`);
  return r.command;
}

const tcp = (addr: string, port: number): ServiceKey => ({ kind: 'addr', family: 4, protocol: 'tcp', addr, port });
const addService = (key: ServiceKey, scheduler: string, persistence = 0): IpvsadmCommand => ({
  kind: 'op',
  name: 'add-service',
  op: { type: 'add-service', service: { key, scheduler, flags: persistence ? 1 : 0, timeout: persistence, netmask: 0xffffffff, pe: '' } },
});
const destSpec = (addr: string, port: number, fwd: 'dr' | 'nat', weight = 1): DestSpec => ({
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
const addDest = (service: ServiceKey, dest: DestSpec): IpvsadmCommand => ({ kind: 'op', name: 'add-server', op: { type: 'add-dest', service, dest } });
const LIST_N: IpvsadmCommand = { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, numeric: true } };
const FLUSH: IpvsadmCommand = { kind: 'op', name: 'flush', op: { type: 'flush' } };
const ZERO: IpvsadmCommand = { kind: 'op', name: 'zero', op: { type: 'zero' } };
const SET_30_5_60: IpvsadmCommand = { kind: 'op', name: 'set', op: { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 } };

test('000: LVS-DR with one real server', () => {
  const vip = tcp('192.168.16.200', 80);
  assert.deepEqual(parsed('ipvsadm -A -t 192.168.16.200:80 -s rr'), addService(vip, 'rr'));
  assert.deepEqual(parsed('ipvsadm -a -t 192.168.16.200:80 -r 192.168.16.103:80 -w 1 -g'), addDest(vip, destSpec('192.168.16.103', 80, 'dr')));
});

test('001: DR by hand (port taken from the service) and the director script', () => {
  const vip = tcp('192.168.30.254', 80);
  assert.deepEqual(parsed('ipvsadm -A -t 192.168.30.254:80 -s rr'), addService(vip, 'rr'));
  assert.deepEqual(parsed('ipvsadm -a -t 192.168.30.254:80 -r 192.168.30.113 -g'), addDest(vip, destSpec('192.168.30.113', 80, 'dr')));
  assert.deepEqual(parsed('ipvsadm -a -t 192.168.30.254:80 -r 192.168.30.114 -g'), addDest(vip, destSpec('192.168.30.114', 80, 'dr')));
  assert.deepEqual(parsed('ipvsadm -L -n'), LIST_N);
  assert.deepEqual(parsed('/sbin/ipvsadm --set 30 5 60'), SET_30_5_60);
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $VIP:80 -r $RIP1:80 -g -w 1'), addDest(vip, destSpec('192.168.30.111', 80, 'dr', 1)));
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $VIP:80 -r $RIP2:80 -g -w 1'), addDest(vip, destSpec('192.168.30.112', 80, 'dr', 1)));
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $VIP:80 -r $RIP3:80 -g -w 2'), addDest(vip, destSpec('192.168.30.113', 80, 'dr', 2)));
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $VIP:80 -r $RIP4:80 -g -w 2'), addDest(vip, destSpec('192.168.30.114', 80, 'dr', 2)));
  assert.deepEqual(parsed('/sbin/ipvsadm -C'), FLUSH);
  assert.deepEqual(parsed('/sbin/ipvsadm -Z'), ZERO);
  // The script's `-S wrr` (for -s wrr) is refused by ipvsadm: -S is the save command.
  assert.deepEqual(parseIpvsadmArgs(argvOf('/sbin/ipvsadm -A -t $VIP:80 -S wrr')), { ok: false, error: { message: "invalid option `-S'", exitCode: 2, exits: true } });
  // What the author meant:
  assert.deepEqual(parsed('/sbin/ipvsadm -A -t $VIP:80 -s wrr'), addService(vip, 'wrr'));
});

test('002: bare ipvsadm, persistent wlc on 8080, -Ln / -ln', () => {
  assert.deepEqual(parsed('ipvsadm'), { kind: 'list', options: DEFAULT_LIST_OPTIONS });
  const vip = tcp('172.17.252.38', 8080);
  assert.deepEqual(parsed('/sbin/ipvsadm --set 30 5 60'), SET_30_5_60);
  assert.deepEqual(parsed('/sbin/ipvsadm -A -t $SNS_VIP:8080 -s wlc -p 120'), addService(vip, 'wlc', 120));
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $SNS_VIP:8080 -r $SNS_RIP1:8080 -g -w 1'), addDest(vip, destSpec('39.106.40.172', 8080, 'dr')));
  assert.deepEqual(parsed('/sbin/ipvsadm -a -t $SNS_VIP:8080 -r $SNS_RIP2:8080 -g -w 1'), addDest(vip, destSpec('39.107.137.111', 8080, 'dr')));
  assert.deepEqual(parsed('/sbin/ipvsadm -Ln'), LIST_N);
  assert.deepEqual(parsed('ipvsadm -ln'), LIST_N);
  assert.deepEqual(parsed('/sbin/ipvsadm -C'), FLUSH);
  assert.deepEqual(parsed('/sbin/ipvsadm -Z'), ZERO);
});

test('003: NAT with a weight edit, save, DR on one and several segments', () => {
  const nat = tcp('172.18.0.100', 80);
  assert.deepEqual(parsed('ipvsadm -A -t 172.18.0.100:80 -s wrr'), addService(nat, 'wrr'));
  assert.deepEqual(parsed('ipvsadm -a -t 172.18.0.100:80 -r 192.168.59.131:80 -m'), addDest(nat, destSpec('192.168.59.131', 80, 'nat')));
  assert.deepEqual(parsed('ipvsadm -a -t 172.18.0.100:80 -r 192.168.59.132:80 -m'), addDest(nat, destSpec('192.168.59.132', 80, 'nat')));
  assert.deepEqual(parsed('ipvsadm -Ln'), LIST_N);
  // ipvsadm-save -n runs `ipvsadm -S -n`.
  assert.deepEqual(parsed('ipvsadm -S -n'), { kind: 'save', numeric: true });
  assert.deepEqual(parsed('ipvsadm -e -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 3'), {
    kind: 'op',
    name: 'edit-server',
    op: { type: 'edit-dest', service: nat, dest: destSpec('192.168.59.131', 80, 'nat', 3) },
  });
  const dr = tcp('192.168.59.100', 80);
  assert.deepEqual(parsed('ipvsadm -A -t 192.168.59.100:80 -s rr'), addService(dr, 'rr'));
  assert.deepEqual(parsed('ipvsadm -a -t 192.168.59.100:80 -r 192.168.59.131:80 -g'), addDest(dr, destSpec('192.168.59.131', 80, 'dr')));
  assert.deepEqual(parsed('ipvsadm -a -t 192.168.59.100:80 -r 192.168.59.132:80 -g'), addDest(dr, destSpec('192.168.59.132', 80, 'dr')));
  const multi = tcp('10.0.0.100', 80);
  assert.deepEqual(parsed('ipvsadm  -A -t 10.0.0.100:80 -s wrr'), addService(multi, 'wrr'));
  assert.deepEqual(parsed('ipvsadm  -a -t 10.0.0.100:80 -r 192.168.59.131:80 -g -w 1'), addDest(multi, destSpec('192.168.59.131', 80, 'dr')));
  assert.deepEqual(parsed('ipvsadm  -a -t 10.0.0.100:80 -r 192.168.59.132:80 -g -w 1'), addDest(multi, destSpec('192.168.59.132', 80, 'dr')));
});

test('004 and the listing forms named in the brief', () => {
  assert.deepEqual(parsed('ipvsadm -Ln'), LIST_N);
  assert.deepEqual(parsed('ipvsadm -Ln --stats'), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, numeric: true, stats: true } });
  assert.deepEqual(parsed('ipvsadm -S'), { kind: 'save', numeric: false });
  assert.deepEqual(parsed('ipvsadm -R'), { kind: 'restore' });
});
