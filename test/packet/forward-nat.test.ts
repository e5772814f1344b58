import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, fromRs1, IP, MAC, runRows } from './kit.js';

const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });
const toGateway = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway });

test('NAT: destination rewritten on the way in, source on the way back; checksums equal full recomputation', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  const req = { src: IP.client, dst: IP.vip, id: 5, df: true };
  const rep = { src: IP.rs1, dst: IP.client, id: 77, df: true };
  runRows(d, [
    {
      name: 'SYN client → VIP:80 becomes client → rs1:8080',
      frame: fromClient().ipv4(req).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 7 }).build(),
      action: 'transmit',
      how: 'nat',
      out: toRs1().ipv4({ ...req, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S', seq: 7 }).build(),
    },
    {
      name: 'SYN-ACK rs1:8080 → client becomes VIP:80 → client, to the gateway',
      frame: fromRs1().ipv4(rep).tcp({ sport: 8080, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build(),
      action: 'transmit',
      how: 'nat-reply',
      out: toGateway().ipv4({ ...rep, src: IP.vip, ttl: 63 }).tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 99, ack: 8 }).build(),
    },
    {
      name: 'data with payload',
      frame: fromClient().ipv4(req).tcp({ sport: 40000, dport: 80, flags: 'PA', seq: 8, ack: 100 }).payload('GET / HTTP/1.1\r\nHost: x\r\n\r\n').build(),
      action: 'transmit',
      how: 'nat',
      out: toRs1().ipv4({ ...req, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'PA', seq: 8, ack: 100 }).payload('GET / HTTP/1.1\r\nHost: x\r\n\r\n').build(),
    },
    {
      name: 'a real server packet of no connection passes (nat_icmp_send=0)',
      frame: fromRs1().ipv4(rep).tcp({ sport: 8080, dport: 40999, flags: 'A' }).build(),
      action: 'pass',
    },
  ]);
  const svc = d.lab.ipvs.getService({ kind: 'addr', family: 4, protocol: 'tcp', addr: IP.vip, port: 80 })!;
  assert.deepEqual(svc.stats.snapshot(), { conns: 1, inpkts: 2, outpkts: 1, inbytes: 40 + 67, outbytes: 40 });
  assert.deepEqual([d.fw.counters.natIn, d.fw.counters.natOut], [2, 1]);
  assert.deepEqual(d.lab.list(), [`TCP ESTABLISHED ${IP.client}:40000 -> ${IP.vip}:80 -> ${IP.rs1}:8080 900000`]);
});

test('NAT UDP: a zero (absent) checksum stays zero; a present one is updated', () => {
  const d = director(`udp ${IP.vip}:53`, { [`${IP.rs1}:5353`]: { fwd: 'nat' } });
  const plain = fromClient().ipv4({ src: IP.client, dst: IP.vip }).udp({ sport: 3000, dport: 53 }).payload('query').build();
  const noSum = plain.slice();
  noSum[14 + 20 + 6] = 0;
  noSum[14 + 20 + 7] = 0;
  const expectedNoSum = toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).udp({ sport: 3000, dport: 5353 }).payload('query').build();
  expectedNoSum[14 + 20 + 6] = 0;
  expectedNoSum[14 + 20 + 7] = 0;
  runRows(d, [
    { name: 'checksum 0', frame: noSum, action: 'transmit', how: 'nat', out: expectedNoSum },
    { name: 'checksum set', frame: plain, action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).udp({ sport: 3000, dport: 5353 }).payload('query').build() },
    {
      name: 'reply',
      frame: fromRs1().ipv4({ src: IP.rs1, dst: IP.client }).udp({ sport: 5353, dport: 3000 }).payload('answer!').build(),
      action: 'transmit',
      how: 'nat-reply',
      out: toGateway().ipv4({ src: IP.vip, dst: IP.client, ttl: 63 }).udp({ sport: 53, dport: 3000 }).payload('answer!').build(),
    },
  ]);
});

test('NAT over IPv6: four address words in the pseudo-header, no IP header checksum', () => {
  const d = director(`tcp [${IP.vip6}]:80`, { [`[${IP.rs16}]:8080`]: { fwd: 'nat' } });
  const e6 = (src: string, dst: string) => new PacketBuilder().eth({ src, dst });
  runRows(d, [
    {
      name: 'SYN',
      frame: e6(MAC.gateway, MAC.director).ipv6({ src: IP.client6, dst: IP.vip6 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build(),
      action: 'transmit',
      how: 'nat',
      out: e6(MAC.director, MAC.rs1).ipv6({ src: IP.client6, dst: IP.rs16, hopLimit: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).build(),
    },
    {
      name: 'SYN-ACK',
      frame: e6(MAC.rs1, MAC.director).ipv6({ src: IP.rs16, dst: IP.client6 }).tcp({ sport: 8080, dport: 40000, flags: 'SA' }).build(),
      action: 'transmit',
      how: 'nat-reply',
      out: e6(MAC.director, MAC.gateway).ipv6({ src: IP.vip6, dst: IP.client6, hopLimit: 63 }).tcp({ sport: 80, dport: 40000, flags: 'SA' }).build(),
    },
  ]);
});

test('a frame whose checksum offload is pending (pseudo-header sum only) is completed, then rewritten', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
  const f = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'S' }).payload('hi').build();
  // Partial: the field holds the folded pseudo-header sum (not complemented), as the stack leaves it.
  let s = 0;
  for (let i = 26; i < 34; i += 2) s += (f[i]! << 8) | f[i + 1]!;
  s += 6 + 22;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  f[50] = s >>> 8;
  f[51] = s & 0xff;
  const v = d.fw.process(f, f.length, 0, true);
  assert.equal(v.how, 'nat');
  const expected = toRs1().ipv4({ src: IP.client, dst: IP.rs1, ttl: 63 }).tcp({ sport: 40000, dport: 8080, flags: 'S' }).payload('hi').build();
  assert.equal(Buffer.from(v.frame.subarray(0, v.length)).toString('hex'), Buffer.from(expected).toString('hex'));
});
