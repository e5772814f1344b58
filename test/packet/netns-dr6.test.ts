// LVS-DR over IPv6 on one segment: the engine learns the real servers' MACs by neighbour
// discovery (its own solicitations, their advertisements), rewrites only the MACs and the hop
// limit (one lower: the packet is forwarded, ipvs.md §5), and the real servers (VIP /128 on lo, which Linux does not advertise on eth0) answer the client directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capture, requestsAtDirector } from './captured.js';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const VIP = '2001:db8::100';

test('DR over IPv6: neighbours by ND, both real servers in turn, no reply through the director', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pt-dr6');
  const log: string[] = [];
  try {
    const ns = t.segment({ c: ['2001:db8::5/64 nodad'], d: ['2001:db8::2/64 nodad', `${VIP}/128 nodad`], r1: ['2001:db8::11/64 nodad'], r2: ['2001:db8::12/64 nodad'] });
    for (const r of ['r1', 'r2']) {
      t.exec(ns[r]!, `ip addr add ${VIP}/128 dev lo nodad`);
      await t.start(ns[r]!, HTTP_SERVER(r === 'r1' ? 'rs1' : 'rs2', 80, '::'), 'listening', log);
    }
    // No neighbour entries on the director: the engine must find the real servers itself.
    assert.equal(t.exec(ns['d']!, 'ip -6 neigh show dev eth0 | grep -c lladdr || true').trim(), '0');
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', `[${VIP}]:80`, 'dr', '[2001:db8::11]:80', '[2001:db8::12]:80'], 'ready', log);
    const cap = await capture(t, ns['d']!, 'eth0', log);
    const caps = { r1: await capture(t, ns['r1']!, 'eth0', log), r2: await capture(t, ns['r2']!, 'eth0', log) };
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(ns['c']!, `curl -s -g --max-time 5 http://[${VIP}]/`).trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);
    // On the real servers: each packet the director received, from the director's MAC, hop limit − 1, nothing else changed.
    const toVip = requestsAtDirector(await cap.finish(), VIP, 0);
    const fromDirector = new Set(toVip);
    const macD = t.mac(ns['d']!);
    for (const name of ['r1', 'r2'] as const) {
      const got = (await caps[name].finish()).filter((f) => f.pkttype === 0 && f.dst === VIP && f.dport === 80);
      assert.ok(got.length >= 2 * 5, `${name}: ${got.length} frames`);
      for (const f of got) {
        assert.equal(`${f.srcMac} > ${f.dstMac}`, `${macD} > ${t.mac(ns[name]!)}`, `${name}: MACs`);
        assert.ok(fromDirector.has(f.ip), `${name}: IP packet not one the director received with hop limit − 1: ${f.ip}`);
      }
    }
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    assert.equal(out.counters['dr'], toVip.length);
    assert.ok(out.counters['ndSent']! >= 2, `ndSent ${out.counters['ndSent']}`);
    assert.ok(out.counters['ndLearnt']! >= 2, `ndLearnt ${out.counters['ndLearnt']}`);
    assert.ok(out.counters['dr']! >= 4 * 5, `dr ${out.counters['dr']}`);
    assert.equal(out.counters['txFrames'], out.counters['dr']);
    assert.equal(out.counters['drop:no-neighbour'] ?? 0, 0);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
  }
});
