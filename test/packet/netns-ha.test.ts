// Seed 004 as a product: two directors each running `tsvs run --engine packet -f keepalived.conf`
// with one vrrp_instance (VIP /32 with a label) and one virtual_server DR rr with two real servers
// and TCP_CHECK. The backup starts without the VIP and its packet engine starts anyway; kill -9 of
// the master's daemon moves the VIP (GARP updates the client's neighbour entry) and the backup
// forwards; a stopped httpd is taken out by TCP_CHECK and the client then sees only the other.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const TSVS = new URL('../../bin/tsvs.js', import.meta.url).pathname;
const VIP = '10.0.0.100';

function conf(state: 'MASTER' | 'BACKUP', priority: number): string {
  const rs = (addr: string): string[] => [
    `    real_server ${addr} 80 {`,
    '        weight 1',
    '        TCP_CHECK {',
    '            connect_port 80',
    '            connect_timeout 1',
    '            retry 1',
    '            delay_before_retry 1',
    '        }',
    '    }',
  ];
  return [
    'global_defs {',
    `    router_id lvs-${state.toLowerCase()}`,
    '}',
    'vrrp_instance VI_1 {',
    `    state ${state}`,
    '    interface eth0',
    '    virtual_router_id 51',
    `    priority ${priority}`,
    '    advert_int 1',
    '    authentication {',
    '        auth_type PASS',
    '        auth_pass 1111',
    '    }',
    '    virtual_ipaddress {',
    `        ${VIP}/32 dev eth0 label eth0:vip`,
    '    }',
    '}',
    `virtual_server ${VIP} 80 {`,
    '    delay_loop 1',
    '    lb_algo rr',
    '    lb_kind DR',
    '    protocol TCP',
    ...rs('10.0.0.11'),
    ...rs('10.0.0.12'),
    '}',
    '',
  ].join('\n');
}

async function until(check: () => boolean, timeoutMs: number, what: string, log: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('HA DR with tsvs run --engine packet (seed 004): backup starts without the VIP, takes over after kill -9 of the master, TCP_CHECK removes a stopped httpd', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const t = new Topology('pt-ha');
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pt-ha-'));
  const log: string[] = [];
  const out = { d1: [] as string[], d2: [] as string[] };
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d1: ['10.0.0.2/24'], d2: ['10.0.0.3/24'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    const httpd: Record<string, ChildProcess> = {};
    for (const r of ['r1', 'r2']) {
      t.exec(ns[r]!, `ip addr add ${VIP}/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2`);
      httpd[r] = await t.start(ns[r]!, HTTP_SERVER(r === 'r1' ? 'rs1' : 'rs2'), 'listening', log);
    }
    const run = (node: 'd1' | 'd2', state: 'MASTER' | 'BACKUP', prio: number): Promise<ChildProcess> => {
      const file = join(dir, `${node}.conf`);
      writeFileSync(file, conf(state, prio));
      const argv = ['env', 'TSVS_FROM_SOURCE=1', process.execPath, TSVS, 'run', '--engine', 'packet', '-f', file, '-n', '-l', '-D', '--api', join(dir, `${node}.sock`)];
      return t.start(ns[node]!, argv, null, out[node]);
    };
    const d1 = await run('d1', 'MASTER', 150);
    await until(() => out.d1.join('').includes('(VI_1) Entering MASTER STATE'), 20_000, 'd1 MASTER', out.d1);
    await run('d2', 'BACKUP', 100);
    await until(() => out.d2.join('').includes('(VI_1) Entering BACKUP STATE'), 20_000, 'd2 BACKUP', out.d2);
    await until(() => out.d2.join('').includes("engine 'packet': AF_PACKET ring on eth0"), 20_000, 'd2 packet engine', out.d2);
    // The backup's packet engine runs without the VIP being local.
    assert.equal(t.exec(ns['d2']!, 'ip -4 -o addr show dev eth0').includes(VIP), false);
    assert.match(t.exec(ns['d1']!, 'ip -4 -o addr show dev eth0'), new RegExp(`${VIP.replace(/\./g, '\\.')}/32 .*eth0:vip`));

    const curl = (): string => t.exec(ns['c']!, `curl -s --max-time 3 http://${VIP}/ || echo failed`).trim();
    const four = (): string[] => [curl(), curl(), curl(), curl()];
    assert.deepEqual(new Set(four()), new Set(['rs1', 'rs2']), 'through the master');
    const neigh = (): string => t.exec(ns['c']!, `ip neigh show ${VIP}`);
    assert.ok(neigh().includes(t.mac(ns['d1']!)), `client's entry for the VIP: ${neigh()}`);

    // kill -9 of the master's daemon: the backup takes over and its GARP moves the client.
    const mark = out.d2.join('').length;
    d1.kill('SIGKILL');
    await until(() => out.d2.join('').slice(mark).includes('(VI_1) Entering MASTER STATE'), 15_000, 'd2 MASTER', out.d2);
    await until(() => neigh().includes(t.mac(ns['d2']!)), 5_000, "client's neighbour entry → d2", [neigh()]);
    const after = four();
    assert.deepEqual(new Set(after), new Set(['rs1', 'rs2']), `through the backup: ${after.join(',')}`);
    assert.equal(after[0] === after[1] || after[1] === after[2] || after[2] === after[3], false, `rr alternates: ${after.join(',')}`);

    // httpd on r1 stops: TCP_CHECK on d2 removes it; the client sees only rs2.
    httpd['r1']!.kill('SIGKILL');
    await until(() => /Removing service \[10\.0\.0\.11\]:tcp:80 from VS/.test(out.d2.join('')), 20_000, 'TCP_CHECK removing r1', out.d2);
    assert.deepEqual(four(), ['rs2', 'rs2', 'rs2', 'rs2']);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- d1 ---\n${out.d1.join('').slice(-8000)}\n--- d2 ---\n${out.d2.join('').slice(-8000)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});
