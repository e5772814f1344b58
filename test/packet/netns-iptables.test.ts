// The host rule's iptables fallback, end to end: `tsvs run --engine packet` with a DR virtual
// service on a director whose PATH has no `nft` (the other tools of /usr/sbin are there; in the
// second case not the host's default iptables either, so iptables-legacy is used). The engine
// says in its log which one it uses, the TSVS_PACKET chain (raw PREROUTING) holds the
// VIP's drop while it runs (the kernel would otherwise answer the client's SYNs with resets),
// the client reaches both real servers, and stopping the daemon removes chains and jumps.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';
import { iptablesMissing, pathWithout } from './path-without.js';

const skip = privilegedSkipReason() ?? iptablesMissing();
const TSVS = new URL('../../bin/tsvs.js', import.meta.url).pathname;
const VIP = '10.0.0.100';

const CONF = [
  `virtual_server ${VIP} 80 {`,
  '    lb_algo rr',
  '    lb_kind DR',
  '    protocol TCP',
  '    real_server 10.0.0.11 80 {',
  '        weight 1',
  '    }',
  '    real_server 10.0.0.12 80 {',
  '        weight 1',
  '    }',
  '}',
  '',
].join('\n');

const CASES = [
  { name: 'nft missing: the host\'s default iptables', tag: 'pi-dr', hidden: ['nft'], cmd: 'iptables', why: 'nft -f -: spawn nft ENOENT' },
  {
    name: 'nft and the default iptables missing: iptables-legacy',
    tag: 'pi-lg',
    hidden: ['nft', 'iptables', 'iptables-restore', 'ip6tables', 'ip6tables-restore'],
    cmd: 'iptables-legacy',
    why: 'nft -f -: spawn nft ENOENT',
  },
] as const;

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const k of CASES) test(`DR with ${k.name}: the host rule in iptables chains, present while running and removed on stop`, { skip: skip ?? false, timeout: 60_000 }, async () => {
  const t = new Topology(k.tag);
  const dir = mkdtempSync(join(tmpdir(), `tsvs-${k.tag}-`));
  const ipt = k.cmd;
  const ip6t = k.cmd.replace('iptables', 'ip6tables');
  const log: string[] = [];
  const out: string[] = [];
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', `${VIP}/32`], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    for (const r of ['r1', 'r2']) {
      t.exec(ns[r]!, `ip addr add ${VIP}/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2`);
      await t.start(ns[r]!, HTTP_SERVER(r === 'r1' ? 'rs1' : 'rs2'), 'listening', log);
    }
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, CONF);
    const path = pathWithout(dir, k.hidden);
    const argv = ['env', `PATH=${path}`, 'TSVS_FROM_SOURCE=1', process.execPath, TSVS, 'run', '--engine', 'packet', '-f', file, '-n', '-l', '-D', '--api', join(dir, 'd.sock')];
    const director: ChildProcess = await t.start(ns['d']!, argv, null, out);
    await until(() => out.join('').includes("engine 'packet': host rule in"), 20_000, 'the host rule');
    const said = /engine 'packet': host rule in [^\n]*/.exec(out.join(''))![0];
    assert.equal(said, `engine 'packet': host rule in ${k.cmd} chains TSVS_PACKET (raw PREROUTING) and TSVS_PACKET_MARK (mangle PREROUTING); nft not usable: ${k.why}`);

    // While running: the jumps and the VIP's drop in iptables, nothing in nft's own table.
    assert.equal(t.exec(ns['d']!, `${ipt} -t raw -S PREROUTING; ${ipt} -t raw -S TSVS_PACKET`), ['-P PREROUTING ACCEPT', '-A PREROUTING -j TSVS_PACKET', '-N TSVS_PACKET', `-A TSVS_PACKET -d ${VIP}/32 -p tcp -m tcp --dport 80 -j DROP`, ''].join('\n'));
    assert.equal(t.exec(ns['d']!, `${ipt} -t mangle -S PREROUTING; ${ip6t} -t raw -S TSVS_PACKET`), ['-P PREROUTING ACCEPT', '-A PREROUTING -j TSVS_PACKET_MARK', '-N TSVS_PACKET', ''].join('\n'));
    assert.equal(t.exec(ns['d']!, 'nft list tables').includes('tsvs_packet'), false);

    const curl = (): string => t.exec(ns['c']!, `curl -s --max-time 5 http://${VIP}/ || echo failed`).trim();
    const seen = [curl(), curl(), curl(), curl()];
    assert.deepEqual(new Set(seen), new Set(['rs1', 'rs2']), seen.join(','));
    assert.equal(seen[0] === seen[1] || seen[1] === seen[2] || seen[2] === seen[3], false, `rr alternates: ${seen.join(',')}`);
    // The drop did its work: the director's own stack saw the VIP's packets and left them alone.
    const drops = /^\s*(\d+)\s+\d+\s+DROP/m.exec(t.exec(ns['d']!, `${ipt} -t raw -v -x -n -L TSVS_PACKET`));
    assert.ok(drops && Number(drops[1]) >= 4 * 3, `packets dropped for the host: ${drops?.[1]}`);

    await t.stop(director);
    assert.equal(t.exec(ns['d']!, `${ipt}-save -t raw; ${ipt}-save -t mangle; ${ip6t}-save -t raw; ${ip6t}-save -t mangle`).includes('TSVS_PACKET'), false);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- director ---\n${out.join('').slice(-8000)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});
