import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HTTP_SERVER, privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));

/** curl through the VIP until it answers (the link and the bridge port settle after an up), at most `tries` times. */
function fetchVip(t: Topology, ns: string, tries: number): string {
  let last = '';
  for (let i = 0; i < tries; i++) {
    last = t.exec(ns, 'curl -s --max-time 2 http://10.0.0.100/ || true').trim();
    if (last !== '') return last;
  }
  return last;
}

test('DR keeps working after the director\'s interface goes down and up: the ring clears the socket error and polls again', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const t = new Topology('pf');
  const log: string[] = [];
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'] });
    t.exec(ns['r1']!, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2');
    await t.start(ns['r1']!, HTTP_SERVER('rs1'), 'listening', log);
    const director = await t.start(ns['d']!, ['node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'dr', '10.0.0.11:80'], 'ready', log);
    assert.equal(t.exec(ns['c']!, 'curl -s --max-time 5 http://10.0.0.100/').trim(), 'rs1');
    // Down: the kernel unhooks the ring's socket and sets ENETDOWN on it (poll: POLLERR).
    t.exec(ns['d']!, 'ip link set eth0 down');
    await new Promise((r) => setTimeout(r, 200));
    t.exec(ns['d']!, 'ip link set eth0 up');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fetchVip(t, ns['c']!, 5), 'rs1');
    assert.equal(t.exec(ns['c']!, 'curl -s --max-time 5 http://10.0.0.100/').trim(), 'rs1');
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as { counters: Record<string, number> };
    // One socket error (the ENETDOWN of the down), cleared; frames forwarded after the up.
    assert.equal(out.counters['ringErrors'], 1);
    assert.ok(out.counters['dr']! >= 2 * 5, `dr frames: ${out.counters['dr']}`);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('')}`);
  } finally {
    t.teardown();
  }
});

const NATIVE_RING = fileURLToPath(new URL('../../src/adapters/packet/native-ring.ts', import.meta.url));

test('a send on an interface that is down takes nothing and throws nothing; after the up the ring sends again', { skip: skip ?? false, timeout: 30_000 }, () => {
  const t = new Topology('pf');
  try {
    const n = t.ns('tx');
    t.exec(n, 'ip link add a0 type veth peer name a1; ip link set a0 up; ip link set a1 up');
    const script = [
      `const { loadRingAddon } = await import(${JSON.stringify(NATIVE_RING)});`,
      'const a = loadRingAddon().addon;',
      'const h = a.ringOpen({ ifname: "a0" }, () => undefined);',
      'const frame = new Uint8Array(60).fill(0xff); const pairs = Uint32Array.of(0, 60, 0, 60);',
      'const { execFileSync } = await import("node:child_process");',
      'const r = [a.ringSend(h, frame, pairs, 2)];',
      'execFileSync("ip", ["link", "set", "a0", "down"]);',
      'r.push(a.ringSend(h, frame, pairs, 2));',
      'execFileSync("ip", ["link", "set", "a0", "up"]);',
      // The socket error the down left (ENETDOWN, reported by the next send) does not cost a frame.
      'r.push(a.ringSend(h, frame, pairs, 2), a.ringSend(h, frame, pairs, 2));',
      'a.ringClose(h); console.log(JSON.stringify(r));',
    ].join(' ');
    const out = t.exec(n, `node --import tsx --input-type=module -e '${script}'`).trim();
    assert.deepEqual(JSON.parse(out), [2, 0, 2, 2]);
  } finally {
    t.teardown();
  }
});
