// TTL / hop limit on the DR and NAT paths (ipvs.md §5 "Common to all methods"): one hop less on
// every forwarded packet; at ≤ 1 the packet dies and the sender gets Time Exceeded quoting it as
// it arrived — from the VIP for a request (icmp_send's local destination), from the director's own
// address for a NAT reply (forwarded by the host, ip_forward).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, fromRs1, IP, ipOf, MAC, oneHopLess, runRows } from './kit.js';

const toClient = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway });
const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });
const e6 = (src: string, dst: string) => new PacketBuilder().eth({ src, dst });

test('DR IPv4: TTL 2 leaves with 1; TTL 1 and 0 die with Time Exceeded from the VIP, quoting the packet as sent', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } });
  const syn = (ttl: number, sport: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl, id: 7 }).tcp({ sport, dport: 80, flags: 'S', seq: 1 }).build();
  const exceeded = (ttl: number, sport: number) => toClient().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0, ttl: 64 }).icmp({ type: 11, code: 0 }).payload(ipOf(syn(ttl, sport))).build();
  runRows(d, [
    { name: 'TTL 2', frame: syn(2, 40000), action: 'transmit', how: 'dr', out: toRs1().ipv4({ src: IP.client, dst: IP.vip, ttl: 1, id: 7 }).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 1 }).build() },
    { name: 'TTL 1', frame: syn(1, 40001), action: 'transmit', how: 'icmp-error', out: exceeded(1, 40001) },
    { name: 'TTL 0', frame: syn(0, 40002), action: 'transmit', how: 'icmp-error', out: exceeded(0, 40002) },
  ]);
  const c = d.fw.counters;
  assert.deepEqual([c.dr, c.icmpSent, c.drops['ttl-exceeded'], c.dropped, c.txFrames], [1, 2, 2, 0, 3]);
  // As IPVS, the connection was scheduled and counted before the transmitter refused the packet.
  assert.deepEqual(d.lab.ipvs.totals.snapshot(), { conns: 3, inpkts: 3, outpkts: 0, inbytes: 120, outbytes: 0 });
});

test('DR IPv6: hop limit 2 leaves with 1; hop limit 1 dies with ICMPv6 Time Exceeded (code 0) from the VIP', () => {
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:80`]: { fwd: 'dr' } });
  const syn = (hopLimit: number, sport: number) => e6(MAC.gateway, MAC.director).ipv6({ src: IP.client6, dst: IP.vip6, hopLimit }).tcp({ sport, dport: 80, flags: 'S' }).build();
  runRows(d, [
    { name: 'hop limit 2', frame: syn(2, 40000), action: 'transmit', how: 'dr', out: e6(MAC.director, MAC.rs1).ipv6({ src: IP.client6, dst: IP.vip6, hopLimit: 1 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build() },
    {
      name: 'hop limit 1',
      frame: syn(1, 40001),
      action: 'transmit',
      how: 'icmp-error',
      out: e6(MAC.director, MAC.gateway).ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 64 }).icmp6({ type: 3, code: 0 }).payload(ipOf(syn(1, 40001))).build(),
    },
  ]);
  assert.equal(d.fw.counters.drops['ttl-exceeded'], 1);
});

test('NAT IPv4 request: TTL 1 dies before the rewrite — Time Exceeded from the VIP quotes VIP:80, not the real server', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  const syn = (ttl: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl, id: 9, df: true }).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 5 }).build();
  runRows(d, [
    {
      name: 'TTL 1',
      frame: syn(1),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0, ttl: 64 }).icmp({ type: 11, code: 0 }).payload(ipOf(syn(1))).build(),
    },
    { name: 'TTL 2 (retransmitted SYN, same entry)', frame: syn(2), action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 1, id: 9, df: true }).tcp({ sport: 40000, dport: 8080, flags: 'S', seq: 5 }).build() },
  ]);
  assert.deepEqual([d.fw.counters.natIn, d.fw.counters.drops['ttl-exceeded']], [1, 1]);
});

test('NAT IPv6 request: hop limit 1 dies with ICMPv6 Time Exceeded from the VIP, quoting the packet unrewritten', () => {
  const d = director(`udp [${IP.vip6}]:53`, { [`[${IP.rs16}]:5353`]: { fwd: 'nat' } });
  const q = e6(MAC.gateway, MAC.director).ipv6({ src: IP.client6, dst: IP.vip6, hopLimit: 1 }).udp({ sport: 3000, dport: 53 }).payload('query').build();
  runRows(d, [
    {
      name: 'hop limit 1',
      frame: q,
      action: 'transmit',
      how: 'icmp-error',
      out: e6(MAC.director, MAC.gateway).ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 64 }).icmp6({ type: 3, code: 0 }).payload(ipOf(q)).build(),
    },
  ]);
});

test('NAT IPv4 reply: TTL 1 dies in forwarding — Time Exceeded to the real server from the director, the connection untouched', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  const rep = (ttl: number) => fromRs1().ipv4({ src: IP.rs1, dst: IP.client, ttl, id: 77 }).tcp({ sport: 8080, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build();
  runRows(d, [
    { name: 'SYN', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 7 }).build(), action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S', seq: 7 }).build() },
    {
      name: 'SYN-ACK with TTL 1',
      frame: rep(1),
      action: 'transmit',
      how: 'icmp-error',
      out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, tos: 0xc0, ttl: 64 }).icmp({ type: 11, code: 0 }).payload(ipOf(rep(1))).build(),
    },
  ]);
  // ip_forward dropped it before IPVS: no OUTPUT transition, no out counters.
  assert.deepEqual(d.lab.list(), [`TCP SYN_RECV ${IP.client}:40000 -> ${IP.vip}:80 -> ${IP.rs1}:8080 60000`]);
  const svc = d.lab.ipvs.getService({ kind: 'addr', family: 4, protocol: 'tcp', addr: IP.vip, port: 80 })!;
  assert.deepEqual(svc.stats.snapshot(), { conns: 1, inpkts: 1, outpkts: 0, inbytes: 40, outbytes: 0 });
  runRows(d, [
    { name: 'SYN-ACK with TTL 2', frame: rep(2), action: 'transmit', how: 'nat-reply', out: toClient().ipv4({ src: IP.vip, dst: IP.client, ttl: 1, id: 77 }).tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build() },
  ]);
  assert.deepEqual([d.fw.counters.natOut, d.fw.counters.drops['ttl-exceeded']], [1, 1]);
});

test('NAT IPv6 reply: hop limit 1 gets ICMPv6 Time Exceeded from the director\'s own IPv6 address', () => {
  const own6 = '2001:db8::2';
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:8080`]: { fwd: 'nat' } }, { address6: own6 });
  const rep = e6(MAC.rs1, MAC.director).ipv6({ src: IP.rs16, dst: IP.client6, hopLimit: 1 }).tcp({ sport: 8080, dport: 40000, flags: 'SA' }).build();
  runRows(d, [
    { name: 'SYN', frame: e6(MAC.gateway, MAC.director).ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build(), action: 'transmit', how: 'nat', out: e6(MAC.director, MAC.rs1).ipv6({ src: IP.client6, dst: IP.rs16, hopLimit: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build() },
    { name: 'SYN-ACK with hop limit 1', frame: rep, action: 'transmit', how: 'icmp-error', out: e6(MAC.director, MAC.rs1).ipv6({ src: own6, dst: IP.rs16, hopLimit: 64 }).icmp6({ type: 3, code: 0 }).payload(ipOf(rep)).build() },
  ]);
  // Without an IPv6 address of its own on the link there is no source for the error: a silent drop.
  const bare = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:8080`]: { fwd: 'nat' } });
  runRows(bare, [
    { name: 'SYN', frame: e6(MAC.gateway, MAC.director).ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build(), action: 'transmit', how: 'nat', out: e6(MAC.director, MAC.rs1).ipv6({ src: IP.client6, dst: IP.rs16, hopLimit: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build() },
    { name: 'SYN-ACK with hop limit 1, no own address', frame: rep, action: 'drop', reason: 'ttl-exceeded' },
  ]);
  assert.deepEqual([bare.fw.counters.icmpSent, bare.fw.counters.drops['ttl-exceeded']], [0, 1]);
});

test('no Time Exceeded about an ICMP error or a later IPv4 fragment: they die silently', () => {
  const d = director(`udp ${IP.vip}:53`, { [`${IP.rs1}:53`]: { fwd: 'dr' } });
  const data = new Uint8Array(1500).map((_, i) => i & 0xff);
  const datagram = new PacketBuilder().ipv4({ src: IP.client, dst: IP.vip, id: 0x4242 }).udp({ sport: 3000, dport: 53 }).payload(data).build().subarray(20);
  const first = fromClient().ipv4({ src: IP.client, dst: IP.vip, id: 0x4242, mf: true, protocol: 17 }).payload(datagram.subarray(0, 1480)).build();
  const second = fromClient().ipv4({ src: IP.client, dst: IP.vip, id: 0x4242, fragmentOffset: 1480, protocol: 17, ttl: 1 }).payload(datagram.subarray(1480)).build();
  const quotedReply = new PacketBuilder().ipv4({ src: IP.vip, dst: IP.client, protocol: 17 }).payload(Uint8Array.of(0, 53, 0x0b, 0xb8, 0, 8, 0, 0)).build();
  const err = fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl: 1 }).icmp({ type: 3, code: 3 }).payload(quotedReply).build();
  const firstOut = first.slice();
  firstOut.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xd1], 0);
  runRows(d, [
    { name: 'first fragment', frame: first, action: 'transmit', how: 'dr', out: oneHopLess(firstOut) },
    { name: 'later fragment, TTL 1', frame: second, action: 'drop', reason: 'ttl-exceeded' },
    { name: 'client ICMP error about the connection, TTL 1', frame: err, action: 'drop', reason: 'ttl-exceeded' },
  ]);
  const c = d.fw.counters;
  assert.deepEqual([c.icmpSent, c.drops['ttl-exceeded'], c.dropped, c.fragmentsFollowed, c.icmpFollowed], [0, 2, 2, 1, 1]);
});
