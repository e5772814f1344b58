// The packet data plane over an in-memory ring addon and a scripted `ip`/`nft`: which interfaces
// get a ring, which ring each frame leaves by, ARP for next hops the kernel table lacks, and the
// 802.1Q tag put back on a frame whose tag the kernel moved into the ring's metadata.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from '../../core/conn/testkit.js';
import { FakeClock } from '../../core/fake-clock.js';
import { silentLogger } from '../../core/ports.js';
import { macBytes } from '../../wire/bytes.js';
import { writeNeighbourSolicit } from '../../core/forward/ndp.js';
import { PacketBuilder } from '../../wire/packet-builder.js';
import { fanoutGroupOf, PacketDataplane } from './dataplane.js';
import { DESC_FLAG, DESC_WORDS, type RingAddon, type RingHandle, type RingOpenOptions } from './native-ring.js';
import type { RunCommand } from './system.js';

const MAC = { eth0: '02:00:00:00:0d:00', eth1: '02:00:00:00:0d:01', client: '02:00:00:00:0c:05', rs1: '02:00:00:00:00:11' };

/** Rings in memory: frames are delivered by the test, sends are recorded per interface. */
class MemoryRings implements RingAddon {
  readonly opened: string[] = [];
  readonly sent: Array<[string, string]> = [];
  private readonly batches = new Map<string, (block: Buffer, desc: Uint32Array, count: number) => void>();

  ringOpen(opts: RingOpenOptions, onBatch: (block: Buffer, desc: Uint32Array, count: number) => void): RingHandle {
    this.opened.push(opts.ifname);
    this.batches.set(opts.ifname, onBatch);
    return { ifindex: this.opened.length, ifname: opts.ifname } as RingHandle;
  }
  ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number): number {
    const name = (h as RingHandle & { ifname: string }).ifname;
    for (let i = 0; i < count; i++) this.sent.push([name, Buffer.from(buf.subarray(pairs[2 * i]!, pairs[2 * i]! + pairs[2 * i + 1]!)).toString('hex')]);
    return count;
  }
  ringStats(): { packets: number; drops: number; freezes: number } {
    return { packets: 0, drops: 0, freezes: 0 };
  }
  ringClose(): void {}
  /** Hand frames (received for this host, flags as given) to the ring on `ifname`. */
  deliver(ifname: string, frames: ReadonlyArray<{ frame: Uint8Array; flags?: number }>): void {
    const block = Buffer.concat(frames.map((f) => Buffer.from(f.frame)));
    const desc = new Uint32Array(frames.length * DESC_WORDS);
    let off = 0;
    frames.forEach((f, i) => {
      desc.set([off, f.frame.length, f.frame.length, f.flags ?? 0], i * DESC_WORDS);
      off += f.frame.length;
    });
    this.batches.get(ifname)!(block, desc, frames.length);
  }
}

/** Seed 003's director: eth0 outside (192.168.1.2/24), eth1 inside (10.0.0.2/24); nothing in the neighbour tables. */
function seed003Host(calls: string[]): RunCommand {
  return async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push(line);
    if (line.startsWith('ip -j route get 10.0.0.')) return '[{"dst":"10.0.0.11","dev":"eth1","prefsrc":"10.0.0.2"}]';
    if (line.startsWith('ip -j route get 192.168.1.100')) return '[{"type":"local","dst":"192.168.1.100","dev":"lo","prefsrc":"192.168.1.100"}]';
    if (line === 'ip -j addr show to 192.168.1.100') return '[{"ifname":"eth0"}]';
    if (line === 'ip -j -4 route show table main') return '[{"dst":"default","gateway":"192.168.1.1","dev":"eth0"},{"dst":"192.168.1.0/24","dev":"eth0","prefsrc":"192.168.1.2"},{"dst":"10.0.0.0/24","dev":"eth1","prefsrc":"10.0.0.2"},{"type":"blackhole","dst":"172.16.0.0/12"}]';
    if (line === 'ip -j -6 route show table main') return '[]';
    if (line.startsWith('ip -j -d link show dev ')) return JSON.stringify([{ address: MAC[args.at(-1) as 'eth0' | 'eth1'], mtu: 1500 }]);
    if (line === 'ip -j -4 addr show dev eth0') return '[{"addr_info":[{"local":"192.168.1.100","scope":"global"},{"local":"192.168.1.2","scope":"global"}]}]';
    if (line === 'ip -j -4 addr show dev eth1') return '[{"addr_info":[{"local":"10.0.0.2","scope":"global"}]}]';
    if (line.startsWith('ip -j -6 addr show dev ')) return '[]';
    if (line.startsWith('ip -j neigh show dev ')) return args.at(-1) === 'eth0' ? '[{"dst":"192.168.1.5","lladdr":"02:00:00:00:0c:05","state":["REACHABLE"]}]' : '[]';
    if (cmd === 'nft') return '';
    throw new Error(`unexpected command: ${line}`);
  };
}

function setUp() {
  const lab = new Lab();
  const svc = lab.service('tcp 192.168.1.100:80');
  lab.dest(svc, '10.0.0.11:8080', { fwd: 'nat' });
  const rings = new MemoryRings();
  const calls: string[] = [];
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: rings, run: seed003Host(calls) });
  return { lab, rings, calls, dp };
}

const arp = (op: 1 | 2, from: [string, string], to: [string, string]) =>
  new PacketBuilder().eth({ src: from[0], dst: op === 1 ? 'ff:ff:ff:ff:ff:ff' : to[0] }).arp({ op, senderMac: from[0], senderIp: from[1], targetMac: op === 1 ? '00:00:00:00:00:00' : to[0], targetIp: to[1] }).build();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('sync opens a ring on the interface of each real server route, of a local VIP and of the default route; ARP asks for the real server from eth1\'s address', async () => {
  const { rings, dp } = setUp();
  assert.deepEqual(await dp.sync(), []);
  assert.deepEqual(rings.opened, ['eth1', 'eth0']);
  assert.deepEqual(dp.interfaces(), ['eth1', 'eth0']);
  assert.deepEqual(rings.sent, [['eth1', hex(arp(1, [MAC.eth1, '10.0.0.2'], ['00:00:00:00:00:00', '10.0.0.11']))]]);
  // A second sync opens nothing new and does not ask again within a second.
  await dp.sync();
  assert.deepEqual(rings.opened, ['eth1', 'eth0']);
  assert.equal(rings.sent.length, 1);
  await dp.close(0);
});

test('a request in by eth0 leaves by eth1 once the ARP reply is learnt; the reply leaves by eth0; a tagged frame leaves another link untagged', async () => {
  const { rings, dp } = setUp();
  await dp.sync();
  rings.sent.length = 0;
  const req = { src: '192.168.1.5', dst: '192.168.1.100', id: 1 };
  const syn = (sport: number, vlanTci?: number) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0, ...(vlanTci === undefined ? {} : { vlanTci }) }).ipv4(req).tcp({ sport, dport: 80, flags: 'S' });
  // Before the real server's MAC is known: dropped (no-neighbour); the ARP request was sent at sync within the last second.
  rings.deliver('eth0', [{ frame: syn(40000).build() }]);
  assert.deepEqual(rings.sent, []);
  rings.deliver('eth1', [{ frame: arp(2, [MAC.rs1, '10.0.0.11'], [MAC.eth1, '10.0.0.2']) }]);
  rings.deliver('eth0', [{ frame: syn(40001).build() }]);
  const toRs = (sport: number, vlanTci?: number) => new PacketBuilder().eth({ src: MAC.eth1, dst: MAC.rs1, ...(vlanTci === undefined ? {} : { vlanTci }) }).ipv4({ ...req, dst: '10.0.0.11', ttl: 63 }).tcp({ sport, dport: 8080, flags: 'S' }).build();
  assert.deepEqual(rings.sent, [['eth1', hex(toRs(40001))]]);
  rings.sent.length = 0;
  const synAck = new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.eth1 }).ipv4({ src: '10.0.0.11', dst: '192.168.1.5', id: 2 }).tcp({ sport: 8080, dport: 40001, flags: 'SA' }).build();
  rings.deliver('eth1', [{ frame: synAck }]);
  const back = new PacketBuilder().eth({ src: MAC.eth0, dst: MAC.client }).ipv4({ src: '192.168.1.100', dst: '192.168.1.5', id: 2, ttl: 63 }).tcp({ sport: 80, dport: 40001, flags: 'SA' }).build();
  assert.deepEqual(rings.sent, [['eth0', hex(back)]]);
  rings.sent.length = 0;
  // VLAN 7 on eth0 (the ring reports the tag in the descriptor): the tag means nothing on eth1, so the frame leaves eth1 untagged.
  rings.deliver('eth0', [{ frame: syn(40002).build(), flags: DESC_FLAG.VLAN_VALID | (0x2007 << 16) }]);
  assert.deepEqual(rings.sent, [['eth1', hex(toRs(40002))]]);
  const c = dp.counters();
  // natIn counts rewrites: the first SYN was rewritten, then dropped for want of a MAC.
  assert.deepEqual([c['natIn'], c['natOut'], c['drop:no-neighbour'], c['arpLearnt'], c['vlanRetagged'], c['txFailed']], [3, 1, 1, 1, 1, 0]);
  await dp.close(0);
});

/** A director with eth0 (10.0.0.0/24, default route) and the VLAN device eth0.10 (10.0.10.0/24). */
function vlanHost(): RunCommand {
  const mac = '02:00:00:00:0d:00';
  return async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    if (line === 'ip -j route get 10.0.0.11') return '[{"dst":"10.0.0.11","dev":"eth0"}]';
    if (line === 'ip -j route get 10.0.10.11') return '[{"dst":"10.0.10.11","dev":"eth0.10"}]';
    if (line.startsWith('ip -j route get ')) return '[{"type":"local","dev":"lo"}]';
    if (line === 'ip -j addr show to 10.0.0.100') return '[{"ifname":"eth0"}]';
    if (line === 'ip -j addr show to 10.0.10.100') return '[{"ifname":"eth0.10"}]';
    if (line === 'ip -j -4 route show table main') return '[{"dst":"default","gateway":"10.0.0.254","dev":"eth0"},{"dst":"10.0.0.0/24","dev":"eth0"},{"dst":"10.0.10.0/24","dev":"eth0.10"}]';
    if (line === 'ip -j -6 route show table main') return '[]';
    if (line === 'ip -j -d link show dev eth0') return `[{"address":"${mac}","mtu":1500}]`;
    if (line === 'ip -j -d link show dev eth0.10') return `[{"address":"${mac}","mtu":1500,"link":"eth0","linkinfo":{"info_kind":"vlan","info_data":{"id":10}}}]`;
    if (line === 'ip -j -4 addr show dev eth0') return '[{"addr_info":[{"local":"10.0.0.2","scope":"global"}]}]';
    if (line === 'ip -j -4 addr show dev eth0.10') return '[{"addr_info":[{"local":"10.0.10.2","scope":"global"}]}]';
    if (line.startsWith('ip -j -6 addr show dev ')) return '[]';
    if (line === 'ip -j neigh show dev eth0') return `[{"dst":"10.0.0.11","lladdr":"${MAC.rs1}","state":["REACHABLE"]}]`;
    if (line === 'ip -j neigh show dev eth0.10') return `[{"dst":"10.0.10.11","lladdr":"${MAC.rs1}","state":["REACHABLE"]}]`;
    if (cmd === 'nft') return '';
    throw new Error(`unexpected command: ${line}`);
  };
}

test('VLANs: tagged frames a ring on the VLAN device carries are left to it; another VLAN keeps its tag on the same link and loses it on another', async () => {
  const lab = new Lab();
  lab.dest(lab.service('tcp 10.0.0.100:80'), '10.0.0.11:80', { fwd: 'dr' });
  lab.dest(lab.service('tcp 10.0.10.100:80'), '10.0.10.11:80', { fwd: 'dr' });
  const rings = new MemoryRings();
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: rings, run: vlanHost() });
  await dp.sync();
  assert.deepEqual(rings.opened, ['eth0', 'eth0.10']);
  const syn = (vip: string, sport: number, vlanTci?: number, ttl = 64) => new PacketBuilder().eth({ src: MAC.client, dst: '02:00:00:00:0d:00', ...(vlanTci === undefined ? {} : { vlanTci }) }).ipv4({ src: '192.168.1.5', dst: vip, ttl }).tcp({ sport, dport: 80, flags: 'S' }).build();
  const dr = (vip: string, sport: number, vlanTci?: number) => {
    // Forwarded: one hop less (ipvs.md §5).
    const f = syn(vip, sport, vlanTci, 63);
    f.set(Buffer.from(MAC.rs1.replace(/:/g, ''), 'hex'), 0);
    f.set(Buffer.from('02000000' + '0d00', 'hex'), 6);
    return hex(f);
  };
  const tagged = (vid: number) => DESC_FLAG.VLAN_VALID | (vid << 16);
  rings.deliver('eth0', [
    { frame: syn('10.0.10.100', 1), flags: tagged(10) },
    { frame: syn('10.0.0.100', 2), flags: tagged(20) },
    { frame: syn('10.0.10.100', 3), flags: tagged(20) },
  ]);
  rings.deliver('eth0.10', [{ frame: syn('10.0.10.100', 1) }]);
  assert.deepEqual(rings.sent, [
    ['eth0', dr('10.0.0.100', 2, 20)],
    ['eth0.10', dr('10.0.10.100', 3)],
    ['eth0.10', dr('10.0.10.100', 1)],
  ]);
  const c = dp.counters();
  assert.deepEqual([c['vlanOnDevice'], c['vlanRetagged'], c['dr']], [1, 2, 3]);
  await dp.close(0);
});

test('fanout groups: one id per interface, from the base and the interface index, never 0', () => {
  assert.deepEqual([fanoutGroupOf(100, 1), fanoutGroupOf(100, 2), fanoutGroupOf(0xffff, 2), fanoutGroupOf(0xffff, 1)], [100, 101, 1, 0xffff]);
});

test('IPv6 real servers: a neighbour solicitation from the link-local address at sync, the advertisement learnt, then DR to the learnt MAC', async () => {
  const lab = new Lab();
  lab.dest(lab.service('tcp [2001:db8::100]:80'), '[2001:db8::11]:80', { fwd: 'dr' });
  const rings = new MemoryRings();
  const run: RunCommand = async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    if (line.startsWith('ip -j route get ')) return '[{"dev":"eth0"}]';
    if (line === 'ip -j -4 route show table main') return '[]';
    if (line === 'ip -j -6 route show table main') return '[{"dst":"2001:db8::/64","dev":"eth0"},{"dst":"fe80::/64","dev":"eth0"}]';
    if (line === 'ip -j -d link show dev eth0') return `[{"ifindex":2,"address":"${MAC.eth0}","mtu":1500}]`;
    if (line === 'ip -j -4 addr show dev eth0') return '[]';
    if (line === 'ip -j -6 addr show dev eth0') return '[{"addr_info":[{"local":"2001:db8::2","scope":"global"},{"local":"fe80::d00","scope":"link"}]}]';
    if (line === 'ip -j neigh show dev eth0') return '[]';
    if (cmd === 'nft') return '';
    throw new Error(`unexpected command: ${line}`);
  };
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: rings, run });
  await dp.sync();
  // The solicitation's bytes are checked against PacketBuilder in test/packet/ndp.test.ts.
  const solicit = new Uint8Array(86);
  assert.equal(writeNeighbourSolicit(solicit, macBytes(MAC.eth0), 'fe80::d00', '2001:db8::11'), 86);
  assert.deepEqual(rings.sent, [['eth0', hex(solicit)]]);
  rings.sent.length = 0;
  const target = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11];
  const na = new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.eth0 }).ipv6({ src: '2001:db8::11', dst: 'fe80::d00', hopLimit: 255 }).icmp6({ type: 136, code: 0, rest: 0x60000000 }).payload(Uint8Array.from([...target, 2, 1, ...macBytes(MAC.rs1)])).build();
  const syn = (hopLimit = 64) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv6({ src: '2001:db8::5', dst: '2001:db8::100', hopLimit }).tcp({ sport: 4000, dport: 80, flags: 'S' }).build();
  rings.deliver('eth0', [{ frame: na }, { frame: syn() }]);
  const out = syn(63);
  out.set(macBytes(MAC.rs1), 0);
  out.set(macBytes(MAC.eth0), 6);
  assert.deepEqual(rings.sent, [['eth0', hex(out)]]);
  const c = dp.counters();
  assert.deepEqual([c['ndSent'], c['ndLearnt'], c['dr']], [1, 1, 1]);
  await dp.close(0);
});

test('a fwmark service on a host whose nft cannot list the ruleset is a problem of that service, not a failed sync', async () => {
  const lab = new Lab();
  lab.dest(lab.service('fwm 1'), '10.0.0.11:80', { fwd: 'dr' });
  const calls: string[] = [];
  const host = seed003Host(calls);
  const run: RunCommand = async (cmd, args, input) => {
    if (cmd === 'nft' && args.join(' ') === '-j list ruleset') throw new Error('nft -j list ruleset: Operation not supported');
    return host(cmd, args, input);
  };
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: new MemoryRings(), run });
  assert.deepEqual(await dp.sync(), [
    { service: 'fwm|4|1', code: 'fwmark-rules-unreadable', message: "cannot read the host's marking rules (nft -j list ruleset: Operation not supported); packets marked for this service are not carried" },
  ]);
  await dp.close(0);
});

/** Rings whose sends on eth1 fail as for an interface that is down, and whose sockets report errors. */
class DownRings extends MemoryRings {
  down = false;
  override ringSend(h: RingHandle, buf: Uint8Array, pairs: Uint32Array, count: number): number {
    if (this.down && (h as RingHandle & { ifname: string }).ifname === 'eth1') throw new Error('sendmmsg: Network is down');
    return super.ringSend(h, buf, pairs, count);
  }
  override ringStats(): { packets: number; drops: number; freezes: number; errors: number } {
    return { packets: 0, drops: 1, freezes: 0, errors: 2 };
  }
}

test('an interface that is down: a send that throws is counted in txFailed, not thrown out of the ring callback; ring errors and failed re-tags are counted', async () => {
  const lab = new Lab();
  const svc = lab.service('tcp 192.168.1.100:80');
  lab.dest(svc, '10.0.0.11:8080', { fwd: 'nat' });
  const rings = new DownRings();
  const dp = new PacketDataplane(lab.ipvs, lab.engine, new FakeClock(), silentLogger, { addon: rings, run: seed003Host([]) });
  await dp.sync();
  rings.deliver('eth1', [{ frame: arp(2, [MAC.rs1, '10.0.0.11'], [MAC.eth1, '10.0.0.2']) }]);
  rings.down = true;
  const syn = (sport: number) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.eth0 }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', id: 1 }).tcp({ sport, dport: 80, flags: 'S' }).build();
  rings.deliver('eth0', [{ frame: syn(40001) }, { frame: syn(40002) }]);
  // A tagged frame too short for an Ethernet header cannot be rebuilt with its tag.
  rings.deliver('eth0', [{ frame: new Uint8Array(10), flags: DESC_FLAG.VLAN_VALID | (7 << 16) }]);
  const c = dp.counters();
  assert.deepEqual([c['natIn'], c['txFailed'], c['drop:vlan-retag'], c['vlanRetagged'], c['ringErrors'], c['ringDrops']], [2, 2, 1, 0, 4, 2]);
  // Errors are the rings' totals since they opened (read again, not added up); drops are since the last read.
  const again = dp.counters();
  assert.deepEqual([again['ringErrors'], again['ringDrops']], [4, 4]);
  await dp.close(0);
});
