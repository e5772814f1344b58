// The MTU of the link a packet leaves by (ipvs.md §5 "MTU check"): DR, NAT and NAT replies too big
// for it get fragmentation needed / packet too big (or a counted drop without DF); aggregates are
// exempt; TUN refuses a tunnel MTU below what the outer family allows; TUN aggregates are routed
// before their hop limit is looked at.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from '../../src/core/conn/testkit.js';
import { Forwarder } from '../../src/core/forward/forwarder.js';
import { Neighbours } from '../../src/core/forward/neighbours.js';
import { RouteTable } from '../../src/core/forward/routes.js';
import { macBytes } from '../../src/wire/bytes.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, fromRs1, ipOf, IP, MAC, oneHopLess, runRows, toHex } from './kit.js';

const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });
/** `frame` as DR sends it to rs1: one hop less, the MACs rewritten. */
const drToRs1 = (frame: Uint8Array) => {
  const o = oneHopLess(frame);
  o.set(macBytes(MAC.rs1), 0);
  o.set(macBytes(MAC.director), 6);
  return o;
};
const toGateway = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway });
/** A TCP packet from the client to the VIP of `bytes` bytes of IP packet. */
const sized4 = (bytes: number, df: boolean, ttl = 64) => fromClient().ipv4({ src: IP.client, dst: IP.vip, df, ttl }).tcp({ sport: 40000, dport: 80, flags: 'S' }).payload(new Uint8Array(bytes - 40)).build();
const sized6 = (bytes: number) => fromClient().ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).payload(new Uint8Array(bytes - 60)).build();

test('DR on a 1496-byte link (a VLAN): 1497 bytes with DF → fragmentation needed (MTU 1496) from the VIP quoting the decremented packet; without DF dropped; 1496 bytes go', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } }, { mtu: 1496 });
  runRows(d, [
    { name: '1496 fit', frame: sized4(1496, true), action: 'transmit', how: 'dr', out: drToRs1(sized4(1496, true)) },
    {
      name: '1497 with DF',
      frame: sized4(1497, true),
      action: 'transmit',
      how: 'icmp-error',
      out: toGateway().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1496 }).payload(ipOf(oneHopLess(sized4(1497, true))).subarray(0, 548)).build(),
    },
    // COMPAT(ipvsadm): IPVS would fragment it.
    { name: '1497 without DF', frame: sized4(1497, false), action: 'drop', reason: 'needs-fragmentation' },
  ]);
  assert.deepEqual([d.fw.counters.dr, d.fw.counters.icmpSent, d.fw.counters.drops['needs-fragmentation']], [1, 1, 1]);
});

test('DR IPv6 on a 1496-byte link: packet too big (MTU 1496) from the VIP quoting 1232 bytes of the decremented packet', () => {
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:80`]: { fwd: 'dr' } }, { mtu: 1496 });
  runRows(d, [
    { name: '1496 fit', frame: sized6(1496), action: 'transmit', how: 'dr', out: drToRs1(sized6(1496)) },
    {
      name: '1497',
      frame: sized6(1497),
      action: 'transmit',
      how: 'icmp-error',
      out: toGateway().ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 64 }).icmp6({ type: 2, code: 0, rest: 1496 }).payload(ipOf(oneHopLess(sized6(1497))).subarray(0, 1232)).build(),
    },
  ]);
});

test('DR: a GSO aggregate larger than the MTU goes whole (its segments are sized by gso_size)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } });
  const frame = sized4(5000, true);
  d.fw.aggregate = true;
  const v = d.fw.process(frame, frame.length, 0);
  d.fw.aggregate = false;
  assert.deepEqual([v.action, v.how, toHex(v.frame.subarray(0, v.length))], ['transmit', 'dr', toHex(drToRs1(sized4(5000, true)))]);
});

/** Director with link 0 towards the client (MTU 9000) and link 1 to the real servers (MTU 1500). */
function jumboIn() {
  const lab = new Lab();
  lab.dest(lab.service(`tcp ${IP.vip}:80`), `${IP.rs1}:8080`, { fwd: 'nat' });
  const outside = new Neighbours();
  outside.set('192.168.1.1', macBytes(MAC.gateway));
  const inside = new Neighbours();
  inside.set(IP.rs1, macBytes(MAC.rs1));
  const routes = new RouteTable();
  routes.add('10.0.0.0/24', 1, null);
  routes.add('default', 0, '192.168.1.1');
  const fw = new Forwarder(lab.engine, {
    mac: macBytes(MAC.director),
    links: [
      { name: 'eth0', mac: macBytes(MAC.director), address: '192.168.1.2', mtu: 9000, neighbours: outside },
      { name: 'eth1', mac: macBytes('02:00:00:00:00:d2'), address: IP.director, mtu: 1500, neighbours: inside },
    ],
    routes,
  });
  return { lab, fw };
}

test('NAT, 9000 in and 1500 out: the request gets fragmentation needed (MTU 1500) back on link 0 quoting it before the rewrite; a reply too big for link 0 gets one from the director\'s address quoting it as the real server sent it', () => {
  const d = jumboIn();
  const syn = fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const big = sized4(1501, true);
  const reply = (bytes: number) => fromRs1().ipv4({ src: IP.rs1, dst: IP.client, df: true }).tcp({ sport: 8080, dport: 40000, flags: 'A' }).payload(new Uint8Array(bytes - 40)).build();
  const first = d.fw.process(syn.slice(), syn.length, 0, false, 0);
  assert.deepEqual([first.action, first.how, first.link], ['transmit', 'nat', 1]);
  const v = d.fw.process(big.slice(), big.length, 0, false, 0);
  const err = toGateway().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1500 }).payload(ipOf(oneHopLess(big)).subarray(0, 548)).build();
  assert.deepEqual([v.action, v.how, v.link, toHex(v.frame.subarray(0, v.length))], ['transmit', 'icmp-error', 0, toHex(err)]);
  // Replies leave by link 0 (MTU 9000): 9000 bytes go, 9001 with DF are answered from 10.0.0.2 on link 1.
  const fits = d.fw.process(reply(9000), 9014, 0, false, 1);
  assert.deepEqual([fits.action, fits.how, fits.link], ['transmit', 'nat-reply', 0]);
  const over = reply(9001);
  const r = d.fw.process(over.slice(), over.length, 0, false, 1);
  const rerr = new PacketBuilder().eth({ src: '02:00:00:00:00:d2', dst: MAC.rs1 }).ipv4({ src: IP.director, dst: IP.rs1, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 9000 }).payload(ipOf(over).subarray(0, 548)).build();
  assert.deepEqual([r.action, r.how, r.link, toHex(r.frame.subarray(0, r.length))], ['transmit', 'icmp-error', 1, toHex(rerr)]);
  assert.deepEqual([d.fw.counters.natIn, d.fw.counters.natOut, d.fw.counters.icmpSent], [1, 1, 2]);
});

test('NAT reply too big without DF, or with no director address of its family on the link it came in on: dropped, counted', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } }, { address: undefined });
  const syn = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const reply = (df: boolean) => fromRs1().ipv4({ src: IP.rs1, dst: IP.client, df }).tcp({ sport: 8080, dport: 40000, flags: 'A' }).payload(new Uint8Array(1461)).build();
  runRows(d, [
    { name: 'SYN', frame: syn, action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build() },
    { name: 'reply, no DF', frame: reply(false), action: 'drop', reason: 'needs-fragmentation' },
    { name: 'reply, DF, no own address', frame: reply(true), action: 'drop', reason: 'needs-fragmentation' },
  ]);
  assert.deepEqual([d.fw.counters.natOut, d.fw.counters.icmpSent], [0, 0]);
});

test('TUN: a tunnel MTU under 68 (IPv4 outer) or 1280 (IPv6 outer) drops the packet instead of sending a too-small MTU', () => {
  const syn = fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const d4 = (mtu: number) => director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { mtu });
  runRows(d4(87), [{ name: 'room 67', frame: syn, action: 'drop', reason: 'tun-mtu-too-small' }]);
  runRows(d4(88), [{ name: 'room 68', frame: syn, action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, df: true, ttl: 63, id: 1, protocol: 4 }).payload(ipOf(oneHopLess(syn))).build() }]);
  const d6 = (mtu: number) => director(`tcp ${IP.vip}:80`, { [`[${IP.rs16}]:80`]: { fwd: 'tun' } }, { mtu, address6: '2001:db8::2' });
  runRows(d6(1319), [{ name: 'room 1279', frame: syn, action: 'drop', reason: 'tun-mtu-too-small' }]);
  runRows(d6(1320), [{ name: 'room 1280', frame: syn, action: 'transmit', how: 'tun', out: toRs1().ipv6({ src: '2001:db8::2', dst: IP.rs16, hopLimit: 63, nextHeader: 4 }).payload(ipOf(oneHopLess(syn))).build() }]);
});

test('TUN aggregate: the route first (no route: dropped, even with TTL 1), then the hop limit (TTL 1: one Time Exceeded), then the tunnel MTU', () => {
  const agg = (ttl: number) => sized4(5000, true, ttl);
  const run = (d: ReturnType<typeof director>, frame: Uint8Array) => {
    d.fw.aggregate = true;
    const v = d.fw.process(frame.slice(), frame.length, 0);
    d.fw.aggregate = false;
    return [v.action, v.how, v.reason, v.action === 'transmit' ? toHex(v.frame.subarray(0, v.length)) : ''];
  };
  const onlyClients = new RouteTable();
  onlyClients.add('192.168.1.0/24', 0, null);
  const noRoute = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { routes: onlyClients });
  assert.deepEqual(run(noRoute, agg(1)), ['drop', '', 'no-route', '']);
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } });
  const te = toGateway().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 11, code: 0 }).payload(ipOf(agg(1)).subarray(0, 548)).build();
  assert.deepEqual(run(d, agg(1)), ['transmit', 'icmp-error', null, toHex(te)]);
  assert.deepEqual(run(d, agg(64)).slice(0, 3), ['segment', 'tun', null]);
  const small = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { mtu: 87 });
  assert.deepEqual(run(small, agg(64)), ['drop', '', 'tun-mtu-too-small', '']);
});
