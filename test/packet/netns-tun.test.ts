import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('./ns-realserver.ts', import.meta.url));

test('TUN: IP-in-IP to real servers that decapsulate (tsvs realserver --mode tun) and answer the client directly', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const t = new Topology('pt-tun');
  const log: string[] = [];
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'], r2: ['10.0.0.12/24'] });
    const rs: Record<string, import('node:child_process').ChildProcess> = {};
    for (const r of ['r1', 'r2']) {
      rs[r] = await t.start(ns[r]!, ['node', '--import', 'tsx', REALSERVER, 'start', '--vip', '10.0.0.100', '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop', log);
      assert.match(t.exec(ns[r]!, 'node --import tsx ' + REALSERVER + ' status --vip 10.0.0.100 --mode tun'), /ok/);
      await t.start(ns[r]!, HTTP_SERVER(r === 'r1' ? 'rs1' : 'rs2'), 'listening', log);
    }
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'tun', '10.0.0.11:80', '10.0.0.12:80'], 'ready', log);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(ns['c']!, 'curl -s --max-time 5 http://10.0.0.100/').trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    assert.ok(out.counters['tun']! >= 4 * 5, `tun ${out.counters['tun']}`);
    assert.equal(out.counters['natOut'], 0);
    const stopped = await t.stop(rs['r1']!);
    assert.match(stopped, /decapsulated (\d+) packets/);
    assert.ok(Number(/decapsulated (\d+)/.exec(stopped)![1]) >= 2 * 5);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
  }
});
