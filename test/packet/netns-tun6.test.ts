// LVS-TUN over IPv6 on one segment: an IPv6 virtual service whose real servers are tunnelled to
// in IPv6 (next header 41, as IPVS does for an IPv6 service with -i). The real servers run
// `tsvs realserver start --vip VIP6 --mode tun` (VIP /128 on lo, the user-space decapsulator
// taking IPv6 outer headers to their global address) and answer the client directly. Captured on
// the real servers: outer IPv6 from the director's global address, flow label 0, hop limit the
// inner one after the director's decrement, the inner packet the one the director received with
// its hop limit one lower. The second real server has no `nft` on its PATH: its decapsulator's
// rule (the host must not answer the outer packets) goes into an ip6tables chain instead.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { capture, requestsAtDirector } from './captured.js';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';
import { iptablesMissing, pathWithout } from './path-without.js';

const skip = privilegedSkipReason() ?? iptablesMissing();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('./ns-realserver.ts', import.meta.url));
const VIP = '2001:db8::100';
const RS = { r1: '2001:db8::11', r2: '2001:db8::12' } as const;

test('TUN over IPv6: IPv6-in-IPv6 to real servers that decapsulate in user space and answer the client directly', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const t = new Topology('pi6-tun');
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pi6-tun-'));
  const log: string[] = [];
  const rsLog = { r1: [] as string[], r2: [] as string[] };
  try {
    const ns = t.segment({ c: ['2001:db8::5/64 nodad'], d: ['2001:db8::2/64 nodad', `${VIP}/128 nodad`], r1: [`${RS.r1}/64 nodad`], r2: [`${RS.r2}/64 nodad`] });
    const procs: Record<string, ChildProcess> = {};
    for (const r of ['r1', 'r2'] as const) {
      const env = r === 'r2' ? ['env', `PATH=${pathWithout(dir, ['nft'])}`] : [];
      procs[r] = await t.start(ns[r]!, [...env, process.execPath, '--import', 'tsx', REALSERVER, 'start', '--vip', VIP, '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop', rsLog[r]);
      const rule = r === 'r2' ? 'iptables' : 'nft';
      assert.match(rsLog[r].join(''), new RegExp(`decapsulating IP-in-IP to ${RS[r]} on eth0 in user space \\(no ipip module; outer packets kept from the host by ${rule}\\)`));
      assert.equal(t.exec(ns[r]!, `node --import tsx ${REALSERVER} status --vip ${VIP} --mode tun`), `real server for ${VIP} (tun): ok\n`);
      await t.start(ns[r]!, HTTP_SERVER(r === 'r1' ? 'rs1' : 'rs2', 80, '::'), 'listening', log);
    }
    assert.match(t.exec(ns['r1']!, 'nft list table inet tsvs_realserver'), /ip6 daddr 2001:db8::11 ip6 nexthdr \{ ipencap, ipv6 \} drop/);
    const decapChain = 'ip6tables -t raw -S PREROUTING; ip6tables -t raw -S TSVS_DECAP';
    assert.equal(t.exec(ns['r2']!, decapChain), ['-P PREROUTING ACCEPT', '-A PREROUTING -j TSVS_DECAP', '-N TSVS_DECAP', `-A TSVS_DECAP -d ${RS.r2}/128 -p ipencap -j DROP`, `-A TSVS_DECAP -d ${RS.r2}/128 -p ipv6 -j DROP`, ''].join('\n'));
    const mac = { d: t.mac(ns['d']!), r1: t.mac(ns['r1']!), r2: t.mac(ns['r2']!) };
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', `[${VIP}]:80`, 'tun', `[${RS.r1}]:80`, `[${RS.r2}]:80`], 'ready', log);
    const caps = { d: await capture(t, ns['d']!, 'eth0', log), r1: await capture(t, ns['r1']!, 'eth0', log), r2: await capture(t, ns['r2']!, 'eth0', log) };

    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(t.exec(ns['c']!, `curl -s -g --max-time 5 http://[${VIP}]/`).trim());
    assert.deepEqual(seen, ['rs2', 'rs1', 'rs2', 'rs1']);

    const toVip = requestsAtDirector(await caps.d.finish(), VIP, 4 * 5);
    const received = new Set(toVip);
    for (const name of ['r1', 'r2'] as const) {
      const got = (await caps[name].finish()).filter((f) => f.pkttype === 0 && f.protocol === 41);
      assert.ok(got.length >= 2 * 5, `${name}: ${got.length} IPv6-in-IPv6 frames`);
      for (const f of got) {
        // Version 6, traffic class 0, flow label 0 (the first 4 bytes), from the director's address.
        assert.deepEqual({ head: f.ip.slice(0, 8), src: f.src, dst: f.dst, hopLimit: f.ttl, macs: `${f.srcMac} > ${f.dstMac}` }, { head: '60000000', src: '2001:db8::2', dst: RS[name], hopLimit: 63, macs: `${mac.d} > ${mac[name]}` }, `${name}: outer header`);
        assert.ok(received.has(f.ip.slice(80)), `${name}: inner packet is not one the director received (hop limit decremented)`);
      }
    }
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    assert.equal(out.counters['tun'], toVip.length);
    assert.equal(out.counters['natOut'], 0);
    assert.equal(out.counters['drop:tun-unsupported'] ?? 0, 0);
    for (const r of ['r1', 'r2'] as const) {
      const stopped = await t.stop(procs[r]!);
      const n = Number(/decapsulated (\d+) packets/.exec(stopped)?.[1] ?? -1);
      assert.ok(n >= 2 * 5, `${r}: decapsulated ${n}`);
    }
    assert.equal(t.exec(ns['r1']!, 'nft list tables').includes('tsvs_realserver'), false);
    assert.equal(t.exec(ns['r2']!, 'ip6tables-save -t raw').includes('TSVS_DECAP'), false);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- r1 ---\n${rsLog.r1.join('')}\n--- r2 ---\n${rsLog.r2.join('')}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});
