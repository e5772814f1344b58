import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, IP, MAC, oneHopLess, runRows } from './kit.js';

/** A 1508-byte UDP datagram (8 + 1500) in two fragments: 1480 bytes at 0 (MF), 28 at 1480. */
function fragments(dst: string): { first: Uint8Array; second: Uint8Array; datagram: Uint8Array } {
  const data = new Uint8Array(1500).map((_, i) => i & 0xff);
  const datagram = new PacketBuilder().ipv4({ src: IP.client, dst, id: 0x4242 }).udp({ sport: 3000, dport: 53 }).payload(data).build().subarray(20);
  const first = fromClient().ipv4({ src: IP.client, dst, id: 0x4242, mf: true, protocol: 17 }).payload(datagram.subarray(0, 1480)).build();
  const second = fromClient().ipv4({ src: IP.client, dst, id: 0x4242, fragmentOffset: 1480, protocol: 17 }).payload(datagram.subarray(1480)).build();
  return { first, second, datagram };
}

test('DR: later fragments follow the first one to its real server; byte counters include them', () => {
  const d = director(`udp ${IP.vip}:53`, { [`${IP.rs1}:53`]: { fwd: 'dr' } });
  const { first, second } = fragments(IP.vip);
  const mac = (f: Uint8Array): Uint8Array => {
    const o = f.slice();
    o.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xd1], 0);
    return oneHopLess(o);
  };
  const orphan = fromClient().ipv4({ src: IP.client, dst: IP.vip, id: 0x9999, fragmentOffset: 1480, protocol: 17 }).payload('tail').build();
  runRows(d, [
    { name: 'first fragment (has the UDP header)', frame: first, action: 'transmit', how: 'dr', out: mac(first) },
    { name: 'second fragment', frame: second, action: 'transmit', how: 'dr', out: mac(second) },
    { name: 'a later fragment whose first was never seen passes', frame: orphan, action: 'pass' },
  ]);
  const svc = d.lab.ipvs.getService({ kind: 'addr', family: 4, protocol: 'udp', addr: IP.vip, port: 53 })!;
  assert.deepEqual(svc.stats.snapshot(), { conns: 1, inpkts: 1, outpkts: 0, inbytes: 1500 + 48, outbytes: 0 });
  assert.deepEqual([d.fw.counters.fragmentsFollowed, d.fw.counters.fragmentsUnmatched], [1, 1]);
});

test('NAT: the first fragment gets address and port (UDP checksum of the whole datagram updated), later ones the address', () => {
  const d = director(`udp ${IP.vip}:53`, { [`${IP.rs1}:5353`]: { fwd: 'nat' } });
  const { first, second } = fragments(IP.vip);
  const rewritten = new PacketBuilder().ipv4({ src: IP.client, dst: IP.rs1, id: 0x4242 }).udp({ sport: 3000, dport: 5353 }).payload(new Uint8Array(1500).map((_, i) => i & 0xff)).build().subarray(20);
  const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });
  runRows(d, [
    { name: 'first', frame: first, action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, id: 0x4242, mf: true, protocol: 17, ttl: 63 }).payload(rewritten.subarray(0, 1480)).build() },
    { name: 'second', frame: second, action: 'transmit', how: 'nat', out: toRs1().ipv4({ src: IP.client, dst: IP.rs1, id: 0x4242, fragmentOffset: 1480, protocol: 17, ttl: 63 }).payload(rewritten.subarray(1480)).build() },
    { name: 'after ipfrag_time the memory is gone', frame: second, action: 'pass', at: 30_000 },
  ]);
});
