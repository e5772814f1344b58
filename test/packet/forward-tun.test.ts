import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, ipOf, IP, MAC, runRows } from './kit.js';

const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });
const toClient = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway });
/** The director's global IPv6 address: the source of IPv6 tunnel packets. */
const DIRECTOR6 = '2001:db8::2';

test('TUN: the IP packet inside an outer IPv4 header (protocol 4, DSCP copied with ECN encapsulated, DF copied, TTL = inner TTL after its decrement, fresh ID)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } });
  const syn = (ttl: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, tos: 0x10, df: true, ttl }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const data = (ttl: number, tos = 0) => fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl, tos }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload('x').build();
  const sized = (ttl: number, bytes: number, df: boolean) => fromClient().ipv4({ src: IP.client, dst: IP.vip, df, ttl }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload(new Uint8Array(bytes)).build();
  runRows(d, [
    { name: 'SYN', frame: syn(50), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, tos: 0x10, df: true, ttl: 49, id: 1, protocol: 4 }).payload(ipOf(syn(49))).build() },
    { name: 'data, no DF', frame: data(50), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 49, id: 2, protocol: 4 }).payload(ipOf(data(49))).build() },
    { name: 'inner ECN CE: the outer header says ECT(0), the inner keeps CE', frame: data(64, 0x2b), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, tos: 0x2a, ttl: 63, id: 3, protocol: 4 }).payload(ipOf(data(63, 0x2b))).build() },
    {
      name: '1490-byte packet with DF: fragmentation needed, next-hop MTU 1480, from the VIP, quoting 548 bytes of the packet with its TTL already decremented',
      frame: sized(64, 1450, true),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1480 }).payload(ipOf(sized(63, 1450, true)).subarray(0, 548)).build(),
    },
    { name: '1490 bytes without DF: dropped (no outer fragmentation)', frame: sized(64, 1450, false), action: 'drop', reason: 'tun-needs-fragmentation' },
    { name: '1480 bytes fit exactly', frame: sized(64, 1440, true), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 63, id: 4, df: true, protocol: 4 }).payload(ipOf(sized(63, 1440, true))).build() },
    {
      name: 'TTL 1: time exceeded from the VIP, the packet quoted as it came',
      frame: data(1),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 11, code: 0 }).payload(ipOf(data(1))).build(),
    },
  ]);
  assert.deepEqual([d.fw.counters.tun, d.fw.counters.icmpSent, d.fw.counters.drops['tun-needs-fragmentation']], [4, 2, 1]);
});

test('TUN without a director address is refused with a reason', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { address: undefined });
  const f = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 1, dport: 80, flags: 'S' }).build();
  runRows(d, [{ name: 'SYN', frame: f, action: 'drop', reason: 'tun-unsupported' }]);
});

test('TUN IPv6-in-IPv6: outer IPv6 header (next header 41, flow label 0, traffic class with ECN encapsulated, hop limit = inner hop limit after its decrement) from the director\'s IPv6 address', () => {
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:80`]: { fwd: 'tun' } }, { address6: DIRECTOR6 });
  const pkt = (hopLimit: number, bytes = 1, trafficClass = 0x10) =>
    fromClient().ipv6({ src: IP.client6, dst: IP.vip6, hopLimit, trafficClass, flowLabel: 0x12345 }).tcp({ sport: 40000, dport: 80, flags: bytes === 1 ? 'S' : 'A' }).payload(new Uint8Array(bytes)).build();
  const outer = (hopLimit: number, trafficClass = 0x10) => toRs1().ipv6({ src: DIRECTOR6, dst: IP.rs16, hopLimit, trafficClass, nextHeader: 41 });
  runRows(d, [
    { name: 'SYN, hop limit 50', frame: pkt(50), action: 'transmit', how: 'tun', out: outer(49).payload(ipOf(pkt(49))).build() },
    { name: 'CE inside → ECT(0) outside', frame: pkt(64, 1, 0x13), action: 'transmit', how: 'tun', out: outer(63, 0x12).payload(ipOf(pkt(63, 1, 0x13))).build() },
    { name: '1460 bytes fit a 1500 MTU with the 40-byte outer header', frame: pkt(64, 1400), action: 'transmit', how: 'tun', out: outer(63).payload(ipOf(pkt(63, 1400))).build() },
    {
      name: '1461 bytes: packet too big, MTU 1460, from the VIP, quoting 1232 bytes of the decremented packet',
      frame: pkt(64, 1401),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 64 }).icmp6({ type: 2, code: 0, rest: 1460 }).payload(ipOf(pkt(63, 1401)).subarray(0, 1232)).build(),
    },
    {
      name: 'hop limit 1: time exceeded from the VIP',
      frame: pkt(1),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 64 }).icmp6({ type: 3, code: 0 }).payload(ipOf(pkt(1))).build(),
    },
  ]);
  assert.deepEqual([d.fw.counters.tun, d.fw.counters.icmpSent], [3, 2]);
});

test('TUN across families: IPv4 in IPv6 (next header 4) and IPv6 in IPv4 (protocol 41, DF 0), each sized by its outer header', () => {
  const d4in6 = director(`tcp ${IP.vip}:80`, { [`[${IP.rs16}]:80`]: { fwd: 'tun' } }, { address6: DIRECTOR6 });
  const v4 = (ttl: number, bytes: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true, ttl }).tcp({ sport: 40000, dport: 80, flags: bytes === 1 ? 'S' : 'A' }).payload(new Uint8Array(bytes)).build();
  runRows(d4in6, [
    { name: '4-in-6', frame: v4(64, 1), action: 'transmit', how: 'tun', out: toRs1().ipv6({ src: DIRECTOR6, dst: IP.rs16, hopLimit: 63, nextHeader: 4 }).payload(ipOf(v4(63, 1))).build() },
    {
      name: '4-in-6, 1461 bytes with DF: fragmentation needed, MTU 1460',
      frame: v4(64, 1421),
      action: 'transmit',
      how: 'icmp-error',
      out: toClient().ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1460 }).payload(ipOf(v4(63, 1421)).subarray(0, 548)).build(),
    },
  ]);
  const d6in4 = director(`tcp [${IP.vip6}]:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } });
  const v6 = (hopLimit: number) => fromClient().ipv6({ src: IP.client6, dst: IP.vip6, hopLimit }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  runRows(d6in4, [{ name: '6-in-4', frame: v6(64), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 63, id: 1, protocol: 41 }).payload(ipOf(v6(63))).build() }]);
});

test('TUN to an IPv6 real server without a director IPv6 address on the link is refused with a reason', () => {
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:80`]: { fwd: 'tun' } });
  const f = fromClient().ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 1, dport: 80, flags: 'S' }).build();
  runRows(d, [{ name: 'SYN', frame: f, action: 'drop', reason: 'tun-unsupported' }]);
});

test('TUN: an ICMP error about a reply goes to the real server through the tunnel (TTL decremented); one too big for the tunnel is dropped, never answered with an error', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { mtu: 600 });
  const syn = (ttl: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  // The client's error about the real server's reply VIP:80 → client:40000, quoting `extra` more bytes.
  const quoted = (extra: number) => new PacketBuilder().ipv4({ src: IP.vip, dst: IP.client, id: 3 }).tcp({ sport: 80, dport: 40000, flags: 'SA' }).payload(new Uint8Array(extra)).build();
  const err = (ttl: number, extra: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl, df: true }).icmp({ type: 3, code: 3 }).payload(quoted(extra)).build();
  runRows(d, [
    { name: 'SYN', frame: syn(64), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 63, id: 1, protocol: 4 }).payload(ipOf(syn(63))).build() },
    { name: 'error', frame: err(64, 0), action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 63, id: 2, df: true, protocol: 4 }).payload(ipOf(err(63, 0))).build() },
    // 20 + 8 + 40 + 513 = 581 bytes: one more than the 580 the tunnel leaves of a 600-byte MTU;
    // DF is set, but an ICMP error is not answered with one.
    { name: 'error too big for the tunnel', frame: err(64, 513), action: 'drop', reason: 'tun-needs-fragmentation' },
    { name: 'error with TTL 1: dropped, no time exceeded about it', frame: err(1, 0), action: 'drop', reason: 'ttl-exceeded' },
  ]);
  assert.deepEqual([d.fw.counters.tun, d.fw.counters.icmpFollowed, d.fw.counters.icmpSent], [2, 3, 0]);
});
