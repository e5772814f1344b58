// Several links: each frame leaves by the link of the route to its next hop, with that link's
// MAC, MTU, address and neighbours (NAT with outside/inside interfaces as in seed 003, TUN across
// a router), ICMP errors go back by the link the frame came in on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab, type DestOpts } from '../../src/core/conn/testkit.js';
import { Forwarder } from '../../src/core/forward/forwarder.js';
import { Neighbours } from '../../src/core/forward/neighbours.js';
import { Hop, RouteTable } from '../../src/core/forward/routes.js';
import { wordsToText } from '../../src/core/conn/addr-words.js';
import { macBytes } from '../../src/wire/bytes.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { ipOf, toHex } from './kit.js';

const MAC = { gw: '02:00:00:00:0e:01', out: '02:00:00:00:0d:00', in: '02:00:00:00:0d:01', client: '02:00:00:00:0c:05', router: '02:00:00:00:0e:fe', rs1: '02:00:00:00:00:11' };

/** Director with link 0 outside (192.168.1.2/24, client side) and link 1 inside (10.0.0.2/24). */
function twoLinks(svc: string, dests: Record<string, DestOpts>, routes: Array<[string, number, string | null]>, mtu1 = 1500) {
  const lab = new Lab();
  const key = lab.service(svc);
  for (const [ep, o] of Object.entries(dests)) lab.dest(key, ep, o);
  const outside = new Neighbours();
  outside.set('192.168.1.5', macBytes(MAC.client));
  outside.set('192.168.1.1', macBytes(MAC.gw));
  const inside = new Neighbours();
  inside.set('10.0.0.11', macBytes(MAC.rs1));
  inside.set('10.0.0.254', macBytes(MAC.router));
  const table = new RouteTable();
  for (const [p, l, g] of routes) assert.equal(table.add(p, l, g), true, p);
  const fw = new Forwarder(lab.engine, {
    mac: macBytes(MAC.out),
    links: [
      { name: 'eth0', mac: macBytes(MAC.out), address: '192.168.1.2', neighbours: outside },
      { name: 'eth1', mac: macBytes(MAC.in), address: '10.0.0.2', neighbours: inside, mtu: mtu1 },
    ],
    routes: table,
  });
  return { lab, fw };
}

const SEED_003: Array<[string, number, string | null]> = [
  ['192.168.1.0/24', 0, null],
  ['10.0.0.0/24', 1, null],
];

function sent(fw: Forwarder, frame: Uint8Array, inLink: number): { action: string; how: string; reason: string | null; link: number; hex: string } {
  const v = fw.process(frame, frame.length, 0, false, inLink);
  return { action: v.action, how: v.how, reason: v.reason, link: v.link, hex: v.action === 'transmit' ? toHex(v.frame.subarray(0, v.length)) : '' };
}

test('routes: the longest prefix wins, on-link gives the address itself, a gateway route gives the gateway', () => {
  const t = new RouteTable();
  t.add('default', 0, '192.168.1.1');
  t.add('10.0.0.0/8', 1, '10.0.0.254');
  t.add('10.0.0.0/24', 1, null);
  t.add('2001:db8::/64', 2, null);
  t.add('default6', 0, 'fe80::1');
  assert.equal(t.add('10.0.0.0/33', 0, null), false);
  assert.equal(t.add('not-an-address', 0, null), false);
  assert.equal(t.add('10.0.0.0/8', 0, 'fe80::1'), false);
  const h = new Hop();
  const at = (family: 4 | 6, words: number[]) => (t.lookup(family, Uint32Array.from([...words, 0, 0, 0, 0].slice(0, 4)), h) ? `${h.link} ${wordsToText(family, h.nextHop)}` : 'none');
  assert.equal(at(4, [0x0a00000b]), '1 10.0.0.11');
  assert.equal(at(4, [0x0a01020b]), '1 10.0.0.254');
  assert.equal(at(4, [0x08080808]), '0 192.168.1.1');
  assert.equal(at(6, [0x20010db8, 0, 0, 5]), '2 2001:db8::5');
  assert.equal(at(6, [0x20010db9, 0, 0, 5]), '0 fe80::1');
  const empty = new RouteTable();
  assert.equal(empty.lookup(4, Uint32Array.of(1, 0, 0, 0), h), false);
});

test('NAT with outside and inside links (seed 003): in on eth0 → out on eth1 from its MAC; the reply back on eth0', () => {
  const { fw } = twoLinks('tcp 192.168.1.100:80', { '10.0.0.11:8080': { fwd: 'nat' } }, SEED_003);
  const req = { src: '192.168.1.5', dst: '192.168.1.100', id: 5, df: true };
  const rep = { src: '10.0.0.11', dst: '192.168.1.5', id: 77, df: true };
  const syn = new PacketBuilder().eth({ src: MAC.client, dst: MAC.out }).ipv4(req).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 7 }).build();
  assert.deepEqual(sent(fw, syn, 0), {
    action: 'transmit', how: 'nat', reason: null, link: 1,
    hex: toHex(new PacketBuilder().eth({ src: MAC.in, dst: MAC.rs1 }).ipv4({ ...req, dst: '10.0.0.11', ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S', seq: 7 }).build()),
  });
  const synAck = new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.in }).ipv4(rep).tcp({ sport: 8080, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build();
  assert.deepEqual(sent(fw, synAck, 1), {
    action: 'transmit', how: 'nat-reply', reason: null, link: 0,
    hex: toHex(new PacketBuilder().eth({ src: MAC.out, dst: MAC.client }).ipv4({ ...rep, src: '192.168.1.100', ttl: 63 }).tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build()),
  });
  assert.deepEqual([fw.counters.natIn, fw.counters.natOut], [1, 1]);
});

test('TUN across a router: the outer header from the address of the link the route leaves by, to the router\'s MAC, sized by that link\'s MTU', () => {
  const routes: Array<[string, number, string | null]> = [...SEED_003, ['10.0.1.0/24', 1, '10.0.0.254']];
  const { fw } = twoLinks('tcp 192.168.1.100:80', { '10.0.1.11:80': { fwd: 'tun' } }, routes, 1400);
  const syn = (ttl: number) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.out }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', df: true, ttl }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  // The inner TTL goes down by one (the packet is forwarded) and the outer header carries it.
  assert.deepEqual(sent(fw, syn(64), 0), {
    action: 'transmit', how: 'tun', reason: null, link: 1,
    hex: toHex(new PacketBuilder().eth({ src: MAC.in, dst: MAC.router }).ipv4({ src: '10.0.0.2', dst: '10.0.1.11', df: true, ttl: 63, id: 1, protocol: 4 }).payload(ipOf(syn(63))).build()),
  });
  // 1381 bytes + 20 > 1400 (eth1's MTU): fragmentation needed, back out of eth0 from eth0's MAC.
  const big = (ttl: number) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.out }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100', df: true, ttl }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload(new Uint8Array(1341)).build();
  assert.deepEqual(sent(fw, big(64), 0), {
    action: 'transmit', how: 'icmp-error', reason: null, link: 0,
    hex: toHex(new PacketBuilder().eth({ src: MAC.out, dst: MAC.client }).ipv4({ src: '192.168.1.100', dst: '192.168.1.5', tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1380 }).payload(ipOf(big(63)).subarray(0, 548)).build()),
  });
});

test('an ICMP error from the director goes back by the link the frame came in on, from that link\'s MAC', () => {
  const { fw } = twoLinks('tcp 10.0.0.100:80', {}, SEED_003);
  const syn = new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.in }).ipv4({ src: '10.0.0.11', dst: '10.0.0.100' }).tcp({ sport: 5, dport: 80, flags: 'S' }).build();
  assert.deepEqual(sent(fw, syn, 1), {
    action: 'transmit', how: 'icmp-error', reason: null, link: 1,
    hex: toHex(new PacketBuilder().eth({ src: MAC.in, dst: MAC.rs1 }).ipv4({ src: '10.0.0.100', dst: '10.0.0.11', tos: 0xc0 }).icmp({ type: 3, code: 3 }).payload(ipOf(syn)).build()),
  });
});

test('no route is a drop; a next hop with no MAC is a drop reported once to the adapter for resolution', () => {
  const { fw } = twoLinks('tcp 192.168.1.100:80', { '172.16.0.9:80': { fwd: 'dr' }, '10.0.0.12:80': { fwd: 'dr' } }, SEED_003);
  const syn = (sport: number) => new PacketBuilder().eth({ src: MAC.client, dst: MAC.out }).ipv4({ src: '192.168.1.5', dst: '192.168.1.100' }).tcp({ sport, dport: 80, flags: 'S' }).build();
  // rr: 10.0.0.12 (added last) first, then 172.16.0.9 (no route), then 10.0.0.12 again.
  assert.deepEqual(sent(fw, syn(1), 0), { action: 'drop', how: '', reason: 'no-neighbour', link: 0, hex: '' });
  assert.deepEqual(sent(fw, syn(2), 0), { action: 'drop', how: '', reason: 'no-route', link: 0, hex: '' });
  assert.deepEqual(sent(fw, syn(3), 0), { action: 'drop', how: '', reason: 'no-neighbour', link: 0, hex: '' });
  assert.deepEqual(fw.drainUnresolved(), [{ link: 1, family: 4, addr: '10.0.0.12' }]);
  assert.deepEqual(fw.drainUnresolved(), []);
  assert.deepEqual([fw.counters.drops['no-route'], fw.counters.drops['no-neighbour']], [1, 2]);
});

test('routed NAT: a reply to a client beyond the outside gateway leaves eth0 to the gateway\'s MAC', () => {
  const { fw } = twoLinks('tcp 192.168.1.100:80', { '10.0.0.11:8080': { fwd: 'nat' } }, [...SEED_003, ['default', 0, '192.168.1.1']]);
  const req = { src: '203.0.113.9', dst: '192.168.1.100', id: 5 };
  const rep = { src: '10.0.0.11', dst: '203.0.113.9', id: 6 };
  const syn = new PacketBuilder().eth({ src: MAC.gw, dst: MAC.out }).ipv4(req).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  assert.deepEqual(sent(fw, syn, 0), {
    action: 'transmit', how: 'nat', reason: null, link: 1,
    hex: toHex(new PacketBuilder().eth({ src: MAC.in, dst: MAC.rs1 }).ipv4({ ...req, dst: '10.0.0.11', ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build()),
  });
  const synAck = new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.in }).ipv4(rep).tcp({ sport: 8080, dport: 40000, flags: 'SA' }).build();
  assert.deepEqual(sent(fw, synAck, 1), {
    action: 'transmit', how: 'nat-reply', reason: null, link: 0,
    hex: toHex(new PacketBuilder().eth({ src: MAC.out, dst: MAC.gw }).ipv4({ ...rep, src: '192.168.1.100', ttl: 63 }).tcp({ sport: 80, dport: 40000, flags: 'SA' }).build()),
  });
});
