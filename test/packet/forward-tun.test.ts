import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, ipOf, IP, MAC, runRows } from './kit.js';

const toRs1 = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.rs1 });

test('TUN: the IP packet unchanged inside an outer IPv4 header (protocol 4, TOS and DF copied, TTL 64, fresh ID)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } });
  const syn = fromClient().ipv4({ src: IP.client, dst: IP.vip, tos: 0x10, df: true, ttl: 50 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const data = fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl: 50 }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload('x').build();
  const big = fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload(new Uint8Array(1450)).build();
  const bigNoDf = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload(new Uint8Array(1450)).build();
  const fits = fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true }).tcp({ sport: 40000, dport: 80, flags: 'A' }).payload(new Uint8Array(1440)).build();
  runRows(d, [
    { name: 'SYN', frame: syn, action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, tos: 0x10, df: true, ttl: 64, id: 1, protocol: 4 }).payload(ipOf(syn)).build() },
    { name: 'data, no DF', frame: data, action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 64, id: 2, protocol: 4 }).payload(ipOf(data)).build() },
    {
      name: '1490-byte packet with DF: fragmentation needed, next-hop MTU 1480, from the VIP, quoting 548 bytes',
      frame: big,
      action: 'transmit',
      how: 'icmp-error',
      out: new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway }).ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 }).icmp({ type: 3, code: 4, rest: 1480 }).payload(ipOf(big).subarray(0, 548)).build(),
    },
    { name: '1490 bytes without DF: dropped (no outer fragmentation)', frame: bigNoDf, action: 'drop', reason: 'tun-needs-fragmentation' },
    { name: '1480 bytes fit exactly', frame: fits, action: 'transmit', how: 'tun', out: toRs1().ipv4({ src: IP.director, dst: IP.rs1, ttl: 64, id: 3, df: true, protocol: 4 }).payload(ipOf(fits)).build() },
  ]);
  assert.deepEqual([d.fw.counters.tun, d.fw.counters.icmpSent, d.fw.counters.drops['tun-needs-fragmentation']], [3, 1, 1]);
});

test('TUN without a director address is refused with a reason', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'tun' } }, { address: undefined });
  const f = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 1, dport: 80, flags: 'S' }).build();
  runRows(d, [{ name: 'SYN', frame: f, action: 'drop', reason: 'tun-unsupported' }]);
});
