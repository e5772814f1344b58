// Cross-node checks on the seeds' two-node clusters (002: lvs01/lvs02, 004: master/backup), as
// written and with one mistake put into the backup at a time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { crossCheck } from './cross-check.js';
import { lintNode } from './lint-files.js';
import type { LintDiagnostic } from './types.js';

const SEEDS = new URL('../../../test/corpus/keepalived/seeds/', import.meta.url);
const seed = (name: string) => readFileSync(new URL(name, SEEDS), 'utf8');
const MASTER_004 = seed('seed-004-master.conf');
const BACKUP_004 = seed('seed-004-backup.conf');

/** Cross-check in-memory files given as [name, text] pairs, in order. */
function check(...nodes: Array<[string, string]>): LintDiagnostic[] {
  const files = new Map(nodes);
  const io = { readFile: (p: string) => files.get(p) ?? null, glob: () => [] };
  return crossCheck(nodes.map(([name]) => lintNode(name, { configId: 'lvs1', io }).node));
}

/** The parts of a diagnostic a reader sees, without the hint. */
const brief = (list: readonly LintDiagnostic[]) => list.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`);

function swap(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture lacks '${from}'`);
  return text.replace(from, to);
}

describe('seed pairs as written', () => {
  test('seed 002 lvs01/lvs02 agree (priorities 150/100, same VRID, VIP, auth, services)', () => {
    assert.deepEqual(check(['lvs01.conf', seed('seed-002-lvs01.conf')], ['lvs02.conf', seed('seed-002-lvs02.conf')]), []);
  });
  test('seed 004 master/backup agree', () => {
    assert.deepEqual(check(['master.conf', MASTER_004], ['backup.conf', BACKUP_004]), []);
  });
  test('one file alone has nothing to cross-check', () => {
    assert.deepEqual(check(['master.conf', MASTER_004]), []);
  });
});

describe('a backup that differs from the master', () => {
  test('VRID, auth, advert_int and VIPs that differ are errors on the backup, at the keyword that differs', () => {
    let backup = swap(BACKUP_004, 'virtual_router_id 51', 'virtual_router_id 52');
    backup = swap(backup, 'auth_pass 1111', 'auth_pass 2222');
    backup = swap(backup, 'advert_int 1', 'advert_int 2');
    backup = swap(backup, '192.168.64.100/32 dev', '192.168.64.101/32 dev');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', backup])), [
      'backup.conf:8:5: error: (VI_1) virtual_router_id 52 differs from 51 on master.conf:8 [cluster-vrid-mismatch]',
      'backup.conf:16:9: error: (VI_1) virtual_ipaddress 192.168.64.101 differs from 192.168.64.100 on master.conf:16 [cluster-vip-mismatch]',
      "backup.conf:13:9: error: (VI_1) authentication PASS '2222' differs from PASS '1111' on master.conf:13 [cluster-auth-mismatch]",
      'backup.conf:10:5: error: (VI_1) advert_int 2 differs from 1 on master.conf:10 [cluster-advert-mismatch]',
    ]);
  });

  test('auth on one node only, and auth_pass compared on its first 8 characters', () => {
    const noAuth = swap(BACKUP_004, '    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n', '');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', noAuth])), [
      "backup.conf:5:1: error: (VI_1) authentication no authentication differs from PASS '1111' on master.conf:12 [cluster-auth-mismatch]",
    ]);
    const long = (t: string, pass: string) => swap(t, 'auth_pass 1111', `auth_pass ${pass}`);
    assert.deepEqual(check(['master.conf', long(MASTER_004, '12345678abc')], ['backup.conf', long(BACKUP_004, '12345678xyz')]), []);
  });

  test('with VRRPv3 on both nodes an advert_int difference is only a warning', () => {
    const v3 = (t: string) => swap(swap(t, 'global_defs {\n', 'global_defs {\n   vrrp_version 3\n'), '    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n', '');
    const slow = swap(v3(BACKUP_004), 'advert_int 1', 'advert_int 2');
    assert.deepEqual(brief(check(['master.conf', v3(MASTER_004)], ['backup.conf', slow])), [
      'backup.conf:11:5: warning: (VI_1) advert_int 2 differs from 1 on master.conf:11 [cluster-advert-mismatch]',
    ]);
  });

  test('VRRP version differs', () => {
    const v3 = swap(BACKUP_004, 'global_defs {\n', 'global_defs {\n   vrrp_version 3\n');
    assert.deepEqual(
      brief(check(['master.conf', MASTER_004], ['backup.conf', v3])).filter((l) => l.includes('version')),
      // At global_defs' vrrp_version on the backup; the master has none, so its instance is named.
      ['backup.conf:2:4: error: (VI_1) VRRP version 3 differs from 2 on master.conf:5 [cluster-version-mismatch]'],
    );
  });

  test('equal priorities warn, unless nopreempt is intended', () => {
    const equal = swap(BACKUP_004, 'priority 90', 'priority 100');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', equal])), [
      'backup.conf:9:5: warning: (VI_1) priority 100 is the same as on master.conf:9 [cluster-priority-equal]',
    ]);
    const nopreempt = (t: string) => swap(swap(t, 'state MASTER', 'state BACKUP'), '    advert_int 1\n', '    advert_int 1\n    nopreempt\n');
    assert.deepEqual(check(['master.conf', nopreempt(MASTER_004)], ['backup.conf', swap(equal, '    advert_int 1\n', '    advert_int 1\n    nopreempt\n')]), []);
  });

  test('two nodes with state MASTER warn', () => {
    const both = swap(BACKUP_004, 'state BACKUP', 'state MASTER');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', both])), [
      'backup.conf:6:5: warning: (VI_1) state MASTER on more than one node (also master.conf:6) [cluster-master-state]',
    ]);
  });

  test('a backup without the virtual_server blocks (seed 004 warns about exactly this) is an error', () => {
    const bare = BACKUP_004.slice(0, BACKUP_004.indexOf('virtual_server'));
    const out = check(['master.conf', MASTER_004], ['backup.conf', bare]);
    assert.deepEqual(brief(out), [
      'backup.conf:16:9: error: (VI_1) takes over VIP 192.168.64.100 but this node has no virtual_server TCP 192.168.64.100:80 (configured on master.conf:20) [cluster-service-missing]',
    ]);
    assert.equal(out[0]?.hint, 'copy the virtual_server block to every node that can become MASTER, or after a failover the VIP answers with no forwarding table');
  });

  test('a virtual_server for an address no VRRP instance carries is only a warning when missing', () => {
    const extra = `${MASTER_004}virtual_server 10.1.1.1 443 {\n    protocol TCP\n    real_server 10.1.1.2 443 {\n    }\n}\n`;
    assert.deepEqual(brief(check(['master.conf', extra], ['backup.conf', BACKUP_004])), [
      'master.conf:43:1: warning: virtual_server TCP 10.1.1.1:443 is not configured on backup.conf [cluster-service-missing]',
    ]);
  });

  test('virtual_server blocks that differ in scheduler, method or real servers warn', () => {
    let backup = swap(BACKUP_004, 'lb_algo rr', 'lb_algo wrr');
    backup = swap(backup, 'lb_kind DR', 'lb_kind NAT');
    backup = swap(backup, 'real_server 192.168.64.138 80', 'real_server 192.168.64.139 80');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', backup])), [
      'backup.conf:20:1: warning: virtual_server TCP 192.168.64.100:80 differs from master.conf:20: scheduler wrr (not rr); forwarding method NAT (not DR); real servers 192.168.64.139:80 weight 1 192.168.64.143:80 weight 1 (not 192.168.64.138:80 weight 1 192.168.64.143:80 weight 1) [cluster-service-differs]',
    ]);
  });

  test('a VRID reused by another instance for other VIPs is an error', () => {
    const other = swap(swap(BACKUP_004, 'VI_1', 'VI_2'), '192.168.64.100/32 dev', '192.168.64.200/32 dev');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', other])), [
      'master.conf:5:1: warning: (VI_1) vrrp_instance is not configured on backup.conf [cluster-instance-missing]',
      'backup.conf:5:1: warning: (VI_2) vrrp_instance is not configured on master.conf [cluster-instance-missing]',
      'backup.conf:8:5: error: (VI_2) virtual_router_id 51 is also used by VI_1 on master.conf:8 for other VIPs (192.168.64.100) [cluster-vrid-reused]',
    ]);
  });

  test('three nodes: each is compared with the first that has the instance', () => {
    const third = swap(BACKUP_004, 'priority 90', 'priority 80');
    const bad = swap(third, 'advert_int 1', 'advert_int 3');
    assert.deepEqual(brief(check(['a.conf', MASTER_004], ['b.conf', BACKUP_004], ['c.conf', bad])), [
      'c.conf:10:5: error: (VI_1) advert_int 3 differs from 1 on a.conf:10 [cluster-advert-mismatch]',
    ]);
    assert.deepEqual(brief(check(['a.conf', MASTER_004], ['b.conf', BACKUP_004], ['c.conf', swap(BACKUP_004, 'priority 90', 'priority 90')])), [
      'c.conf:9:5: warning: (VI_1) priority 90 is the same as on b.conf:9 [cluster-priority-equal]',
    ]);
  });

  test('a VIP only one node has: at that VIP, or at virtual_ipaddress on the node that lacks it', () => {
    const addVip = (t: string) => swap(t, '        192.168.64.100/32 dev ens160 label ens160:vip\n', '        192.168.64.100/32 dev ens160 label ens160:vip\n        192.168.64.101/32 dev ens160\n');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', addVip(BACKUP_004)])), [
      'backup.conf:17:9: error: (VI_1) virtual_ipaddress 192.168.64.100 192.168.64.101 differs from 192.168.64.100 on master.conf:15 [cluster-vip-mismatch]',
    ]);
    assert.deepEqual(brief(check(['master.conf', addVip(MASTER_004)], ['backup.conf', BACKUP_004])), [
      'backup.conf:15:5: error: (VI_1) virtual_ipaddress 192.168.64.100 differs from 192.168.64.100 192.168.64.101 on master.conf:17 [cluster-vip-mismatch]',
    ]);
  });
  test('auth_type that differs is reported at auth_type, a password at auth_pass', () => {
    const ah = swap(BACKUP_004, 'auth_type PASS', 'auth_type AH');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', ah])), [
      "backup.conf:12:9: error: (VI_1) authentication AH '1111' differs from PASS '1111' on master.conf:12 [cluster-auth-mismatch]",
    ]);
  });
  test('nopreempt on one node only warns, at its nopreempt line or at the instance without it', () => {
    const backup = swap(BACKUP_004, '    advert_int 1\n', '    advert_int 1\n    nopreempt\n');
    assert.deepEqual(brief(check(['master.conf', MASTER_004], ['backup.conf', backup])), [
      'backup.conf:11:5: warning: (VI_1) nopreempt is set here but not on master.conf:5 [cluster-nopreempt-differs]',
    ]);
    const master = swap(swap(MASTER_004, 'state MASTER', 'state BACKUP'), '    advert_int 1\n', '    advert_int 1\n    nopreempt\n');
    assert.deepEqual(brief(check(['master.conf', master], ['backup.conf', BACKUP_004])), [
      'backup.conf:5:1: warning: (VI_1) nopreempt is not set here but is on master.conf:11 [cluster-nopreempt-differs]',
    ]);
  });
});
