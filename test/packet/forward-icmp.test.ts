import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, fromRs1, IP, MAC, oneHopLess, runRows } from './kit.js';

/** The first 28 bytes of a TCP packet as ICMP errors quote it: IP header + ports + sequence number. */
function quoted(src: string, dst: string, sport: number, dport: number): Uint8Array {
  const q = new Uint8Array(8);
  q[0] = sport >>> 8;
  q[1] = sport & 0xff;
  q[2] = dport >>> 8;
  q[3] = dport & 0xff;
  q[7] = 1;
  return new PacketBuilder().ipv4({ src, dst, protocol: 6, id: 3 }).payload(q).build();
}

const synFrom = (sport: number) => fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport, dport: 80, flags: 'S' }).build();

test('NAT: ICMP errors follow the connection both ways, quoted addresses and ports rewritten', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  const fromClientAboutReply = fromClient().ipv4({ src: IP.client, dst: IP.vip }).icmp({ type: 3, code: 4, rest: 1400 }).payload(quoted(IP.vip, IP.client, 80, 40000)).build();
  const routerAboutRequest = new PacketBuilder()
    .eth({ src: MAC.gateway, dst: MAC.director })
    .ipv4({ src: IP.router, dst: IP.client })
    .icmp({ type: 11, code: 0 })
    .payload(quoted(IP.client, IP.rs1, 40000, 8080))
    .build();
  runRows(d, [
    { name: 'SYN', frame: synFrom(40000), action: 'transmit', how: 'nat', out: new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 }).ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build() },
    {
      name: "client's frag-needed about a reply goes to rs1, quoting rs1:8080",
      frame: fromClientAboutReply,
      action: 'transmit',
      how: 'icmp-follow',
      out: new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 }).ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).icmp({ type: 3, code: 4, rest: 1400 }).payload(quoted(IP.rs1, IP.client, 8080, 40000)).build(),
    },
    {
      name: "a router's time-exceeded about a request reaches the client from the VIP, quoting VIP:80",
      frame: routerAboutRequest,
      action: 'transmit',
      how: 'icmp-follow',
      out: new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway }).ipv4({ src: IP.vip, dst: IP.client, ttl: 63 }).icmp({ type: 11, code: 0 }).payload(quoted(IP.client, IP.vip, 40000, 80)).build(),
    },
    { name: 'an error about another connection passes', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).icmp({ type: 3, code: 4 }).payload(quoted(IP.vip, IP.client, 80, 40001)).build(), action: 'pass' },
    { name: 'echo request to the VIP passes', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).icmp({ type: 8, code: 0, rest: 0x10001 }).payload('ping').build(), action: 'pass' },
    { name: 'an error quoting only 4 bytes of transport header passes', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).icmp({ type: 3, code: 4 }).payload(quoted(IP.vip, IP.client, 80, 40000).subarray(0, 23)).build(), action: 'pass' },
  ]);
  const svc = d.lab.ipvs.getService({ kind: 'addr', family: 4, protocol: 'tcp', addr: IP.vip, port: 80 })!;
  // The SYN and the client's error count in; the router's error counts out (ip_vs_in/out_icmp count them).
  assert.deepEqual(svc.stats.snapshot(), { conns: 1, inpkts: 2, outpkts: 1, inbytes: 40 + 56, outbytes: 56 });
  assert.equal(d.fw.counters.icmpFollowed, 2);
});

test('DR: a client error about a reply goes to the real server, MACs and TTL only', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } });
  const err = fromClient().ipv4({ src: IP.client, dst: IP.vip }).icmp({ type: 3, code: 4, rest: 1400 }).payload(quoted(IP.vip, IP.client, 80, 40000)).build();
  const out = err.slice();
  out.set(Uint8Array.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xd1]), 0);
  const errOut = oneHopLess(out);
  runRows(d, [
    { name: 'SYN', frame: synFrom(40000), action: 'transmit', how: 'dr', out: (() => { const s = synFrom(40000); s.set(out.subarray(0, 12)); return oneHopLess(s); })() },
    { name: 'error', frame: err, action: 'transmit', how: 'icmp-follow', out: errOut },
  ]);
});

test('NAT reply path: a real server packet without a connection gets ICMP port unreachable from the director when nat_icmp_send=1', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  d.lab.ipvs.sysctls.nat_icmp_send = 1;
  const stray = fromRs1().ipv4({ src: IP.rs1, dst: IP.client }).tcp({ sport: 8080, dport: 40999, flags: 'A' }).build();
  runRows(d, [
    {
      name: 'stray reply',
      frame: stray,
      action: 'transmit',
      how: 'icmp-error',
      out: new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 }).ipv4({ src: IP.director, dst: IP.rs1, tos: 0xc0 }).icmp({ type: 3, code: 3 }).payload(stray.subarray(14)).build(),
    },
  ]);
});
