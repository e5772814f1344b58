// The VRRP engine's transition hook: every state change with its reason, as it happens (no
// polling, so a transition that lasts a few milliseconds is reported too), and the peers heard in
// adverts. Two directors on in-memory ports and one FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../core/fake-clock.js';
import type { InterfaceInfo } from '../../core/vrrp/ports.js';
import type { ReceivedPacket } from '../../core/vrrp/types.js';
import { silentLogger } from '../../core/ports.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { internetChecksum } from '../../wire/checksum.js';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { vrrpSetup } from './config.js';
import { VrrpEngine } from './engine.js';
import { MemoryNetControl, MemoryScriptRunner, MemoryVrrpIo, MemoryWire } from './memory-ports.js';
import { AdvertMemory, advertPriority, MAX_SOURCES, type VrrpTransition } from './transitions.js';

const conf = (priority: number, extra = ''): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        10.0.0.100/32
    }
${extra}}
`;

function iface(address: string, up = true): InterfaceInfo {
  return { up, primary4: address, linkLocal6: null, addresses: [address], mac: Uint8Array.from([2, 0, 0, 0, 0, 1]), ipv6Forwarding: false };
}

function director(clock: FakeClock, wire: MemoryWire, name: string, text: string, address: string, scriptExit: () => number = () => 0) {
  const parsed = parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': text }), configId: name });
  const net = new MemoryNetControl(new Map([['eth0', iface(address)]]));
  const seen: string[] = [];
  const engine = new VrrpEngine({
    setup: vrrpSetup(parsed.model), clock, timers: clock, io: new MemoryVrrpIo(wire, name, () => [address]), net,
    scripts: new MemoryScriptRunner(clock, () => ({ kind: 'exit', status: scriptExit() })), logger: silentLogger,
    onTransition: (t: VrrpTransition) => seen.push(`${t.at} ${name} ${t.instance} ${t.from}->${t.to} prio ${t.priority} master ${t.masterAddress}: ${t.reason}`),
  });
  return { engine, net, seen };
}

async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    clock.advance(Math.min(5, ms - t));
    await new Promise((r) => setImmediate(r));
  }
}

test('every transition reaches the hook with its reason: election, silence, return of the master, resignation', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const a = director(clock, wire, 'a', conf(100), '10.0.0.1');
  const b = director(clock, wire, 'b', conf(90), '10.0.0.2');
  await a.engine.start();
  await b.engine.start();
  await run(clock, 5_000);
  assert.deepEqual([...a.seen, ...b.seen], [
    '0 a VI_1 INIT->BACKUP prio 100 master null: startup',
    '3609.375 a VI_1 BACKUP->MASTER prio 100 master 10.0.0.1: no advert heard within the master-down interval',
    '0 b VI_1 INIT->BACKUP prio 90 master null: startup',
  ]);
  assert.deepEqual(b.engine.status().instances[0]!.peers, [{ address: '10.0.0.1', priority: 100, heardMsAgo: 391 }]);
  assert.deepEqual(a.engine.status().instances[0]!.peers, []);

  // The master falls silent: the backup takes over after its master-down interval.
  wire.cut.add('a');
  await run(clock, 4_000);
  assert.deepEqual(b.seen.slice(1), ['8257.812 b VI_1 BACKUP->MASTER prio 90 master 10.0.0.2: no advert from master 10.0.0.1 within the master-down interval']);
  // The picture still knows the old master (last heard 4.4 s ago).
  assert.deepEqual(b.engine.status().instances[0]!.peers, [{ address: '10.0.0.1', priority: 100, heardMsAgo: 4_391 }]);

  // It comes back (it never stopped advertising): it hears b's first advert, answers at once (lower priority forces a new election) and b steps down.
  wire.cut.delete('a');
  await run(clock, 1_100);
  assert.deepEqual(b.seen.slice(2), ['9257.812 b VI_1 MASTER->BACKUP prio 90 master 10.0.0.1: advert from 10.0.0.1 with priority 100']);
  assert.deepEqual(a.seen.length, 2);

  // A clean stop: priority 0, and b takes over after its skew time ((256 - 90) / 256 s = 648.4375 ms).
  const stopping = a.engine.stop();
  await run(clock, 1_000);
  await stopping;
  assert.deepEqual(a.seen.slice(2), ['10100 a VI_1 MASTER->STOP prio 100 master null: shutdown']);
  assert.deepEqual(b.seen.slice(3), ['10748.437 b VI_1 BACKUP->MASTER prio 90 master 10.0.0.2: master 10.0.0.1 resigned (priority 0)']);
  const s = b.engine.stop();
  await run(clock, 10);
  await s;
});

test('a link going down and up: FAULT and back, each with the interface as the reason', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const a = director(clock, wire, 'a', conf(100), '10.0.0.1');
  await a.engine.start();
  await run(clock, 4_000);
  a.net.set('eth0', iface('10.0.0.1', false));
  await run(clock, 10);
  a.net.set('eth0', iface('10.0.0.1', true));
  await run(clock, 10);
  assert.deepEqual(a.seen.slice(2), [
    '4000 a VI_1 MASTER->FAULT prio 100 master null: interface eth0 down',
    '4010 a VI_1 FAULT->BACKUP prio 100 master null: interface eth0 up',
  ]);
  const s = a.engine.stop();
  await run(clock, 10);
  await s;
});

test('advertPriority reads the VRID and priority after the IPv4 header (any IHL) or from the IPv6 VRRP message', () => {
  const v4 = (ihl: number): ReceivedPacket => {
    const bytes = new Uint8Array(ihl * 4 + 8);
    bytes[0] = 0x40 | ihl;
    bytes.set([0x21, 51, 0], ihl * 4);
    return { ifname: 'eth0', family: 4, bytes, src: '10.0.0.1', dst: null, ttl: 255 };
  };
  assert.deepEqual(advertPriority(v4(5)), { vrid: 51, priority: 0 });
  assert.deepEqual(advertPriority(v4(6)), { vrid: 51, priority: 0 });
  assert.deepEqual(advertPriority({ ifname: 'eth0', family: 6, bytes: Uint8Array.from([0x31, 7, 200, 1]), src: 'fe80::1', dst: null, ttl: 255 }), { vrid: 7, priority: 200 });
  assert.equal(advertPriority({ ifname: 'eth0', family: 4, bytes: Uint8Array.from([0x45, 0]), src: '10.0.0.1', dst: null, ttl: 255 }), null);
});

test('AdvertMemory: peers heard most recently first, configured unicast peers not yet heard last, own addresses left out', () => {
  const m = new AdvertMemory();
  m.note('eth0', 6, 9, 'fe80::2', 150, 1_000);
  m.note('eth0', 6, 9, 'fe80::3', 120, 2_000);
  m.note('eth0', 6, 9, 'fe80::9', 120, 2_500);
  m.note('eth1', 6, 9, 'fe80::5', 120, 2_500);
  m.note('eth0', 4, 9, '10.0.0.5', 120, 2_500);
  const s = { ifname: 'eth0', family: 6 as const, vrid: 9 };
  assert.deepEqual(m.peers(s, 3_000, ['fe80::2', 'fe80::4'], new Set(['fe80::9'])), [
    { address: 'fe80::3', priority: 120, heardMsAgo: 1_000 },
    { address: 'fe80::2', priority: 150, heardMsAgo: 2_000 },
    { address: 'fe80::4', priority: null, heardMsAgo: null },
  ]);
  assert.deepEqual(m.peers({ ...s, vrid: 10 }, 3_000, [], new Set()), []);
});

test('AdvertMemory keeps at most MAX_SOURCES sources per VRID, dropping the one heard longest ago', () => {
  const m = new AdvertMemory();
  const adv = (src: string, at: number): void => m.note('eth0', 6, 9, src, 100, at);
  for (let i = 0; i < MAX_SOURCES; i++) adv(`fe80::${i + 1}`, i);
  adv('fe80::1', 100); // heard again: now the most recent
  adv('fe80::99', 101);
  const peers = m.peers({ ifname: 'eth0', family: 6, vrid: 9 }, 200, [], new Set()).map((p) => p.address);
  assert.equal(peers.length, MAX_SOURCES);
  assert.deepEqual(peers.slice(0, 2), ['fe80::99', 'fe80::1']);
  assert.equal(peers.includes('fe80::2'), false);
});


test('a sync group member moved along says whom it follows; an instance a reload adds or removes says so', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const vi2 = conf(100).replace('VI_1', 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52').replace('10.0.0.100', '10.0.0.101');
  const group = `vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n`;
  const a = director(clock, wire, 'a', `${group}${conf(100)}${vi2}`, '10.0.0.1');
  await a.engine.start();
  await run(clock, 4_000);
  const vi3 = conf(100).replace('VI_1', 'VI_3').replace('virtual_router_id 51', 'virtual_router_id 53').replace('10.0.0.100', '10.0.0.102');
  await a.engine.reload(vrrpSetup(parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': `${group}${conf(100)}${vi2}${vi3}` }), configId: 'a' }).model));
  await run(clock, 10);
  // Both timers fall due at the same moment; VI_2's fires first and the group takes VI_1 along.
  assert.deepEqual(a.seen, [
    '0 a VI_1 INIT->BACKUP prio 100 master null: startup',
    '0 a VI_2 INIT->BACKUP prio 100 master null: startup',
    '3609.375 a VI_2 BACKUP->MASTER prio 100 master 10.0.0.1: no advert heard within the master-down interval',
    '3609.375 a VI_1 BACKUP->MASTER prio 100 master 10.0.0.1: sync group G1 following VI_2',
    '4000 a VI_3 INIT->BACKUP prio 100 master null: configuration reload',
  ]);
  // A reload that drops VI_3 (and the group with VI_2): VI_3's last word is its removal.
  await a.engine.reload(vrrpSetup(parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': `${group}${conf(100)}${vi2}` }), configId: 'a' }).model));
  await run(clock, 10);
  assert.deepEqual(a.seen.slice(5), ['4010 a VI_3 BACKUP->STOP prio 100 master null: removed from the configuration by reload']);
  const s = a.engine.stop();
  await run(clock, 10);
  await s;
});

test('a failing track script: FAULT, with the script and its exit status as the reason', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const text = `vrrp_script chk {\n    script "/usr/local/bin/check"\n    interval 1\n}\n${conf(100, '    track_script {\n        chk\n    }\n')}`;
  // The check passes twice, then fails.
  let runs = 0;
  const a = director(clock, wire, 'a', text, '10.0.0.1', () => (++runs <= 2 ? 0 : 1));
  await a.engine.start();
  await run(clock, 3_000);
  // A script starts out failed (keepalived: INIT_FAILED), so the instance starts in FAULT.
  assert.deepEqual(a.seen, [
    '0 a VI_1 INIT->FAULT prio 100 master null: startup',
    '5 a VI_1 FAULT->BACKUP prio 100 master null: track script chk: exit status 0',
    '2000 a VI_1 BACKUP->FAULT prio 100 master null: track script chk: exit status 1',
  ]);
  const s = a.engine.stop();
  await run(clock, 10);
  await s;
});

test('only adverts the machine accepts name a peer or a reason: bad checksum, TTL, auth type or length from a spoofed source are not peers', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const a = director(clock, wire, 'a', conf(100), '10.0.0.1');
  const b = director(clock, wire, 'b', conf(90), '10.0.0.2');
  await a.engine.start();
  await b.engine.start();
  await run(clock, 5_000);
  // A's last advert, forged as a resignation (priority 0) from 10.0.0.66, then broken one way each.
  const real = wire.datagrams.filter((d) => d.host === 'a').at(-1)!.bytes;
  const forged = (edit: (x: Uint8Array) => void, fixChecksum = true): Uint8Array => {
    const x = real.slice();
    x.set([10, 0, 0, 66], 12);
    x[22] = 0;
    edit(x);
    if (fixChecksum) {
      x[26] = 0;
      x[27] = 0;
      const sum = internetChecksum(x, 20, x.length - 20);
      x[26] = sum >>> 8;
      x[27] = sum & 0xff;
    }
    return x;
  };
  const bad = [
    forged(() => {}, false), // VRRP checksum
    forged((x) => (x[8] = 64)), // TTL not 255
    forged((x) => (x[24] = 1)), // PASS authentication where none is configured
    forged((x) => x.fill(0, 28)), // VIP list wrong (0.0.0.0 instead of 10.0.0.100)
    forged(() => {}).subarray(0, 27), // cut short
  ];
  wire.cut.add('a');
  for (const x of bad) wire.send('x', 'eth0', 4, x, '224.0.0.18', null);
  await run(clock, 10);
  assert.deepEqual(b.engine.status().instances[0]!.peers, [{ address: '10.0.0.1', priority: 100, heardMsAgo: 401 }]);
  // None of them was taken as a resignation: b waits its whole master-down interval, and the reason names the real master.
  await run(clock, 4_000);
  assert.deepEqual(b.seen.slice(1), ['8257.812 b VI_1 BACKUP->MASTER prio 90 master 10.0.0.2: no advert from master 10.0.0.1 within the master-down interval']);
  // The same forgery with a good checksum is accepted (no authentication configured): it is a peer and its resignation is the reason.
  wire.cut.delete('a');
  await run(clock, 1_100);
  assert.equal(b.engine.status().instances[0]!.state, 'BACKUP');
  wire.cut.add('a');
  wire.send('x', 'eth0', 4, forged(() => {}), '224.0.0.18', null);
  await run(clock, 1_000);
  assert.deepEqual(b.engine.status().instances[0]!.peers!.map((p) => `${p.address} ${p.priority}`), ['10.0.0.66 0', '10.0.0.1 100']);
  assert.match(b.seen.at(-1)!, /BACKUP->MASTER prio 90 master 10\.0\.0\.2: master 10\.0\.0\.66 resigned \(priority 0\)$/);
  await Promise.all([a.engine.stop(), b.engine.stop(), run(clock, 1_100)]);
});
