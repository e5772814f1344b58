// Firewall-mark services: the host's marking rules are evaluated on the frame (last match wins,
// as netfilter's non-terminal mark set), and a marked packet is scheduled by its fwmark service
// whatever its address and port (ipvs.md §4.4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lab } from '../../src/core/conn/testkit.js';
import { PacketMeta } from '../../src/core/conn/packet.js';
import { Forwarder } from '../../src/core/forward/forwarder.js';
import { MarkTable } from '../../src/core/forward/marks.js';
import { Neighbours } from '../../src/core/forward/neighbours.js';
import { macBytes } from '../../src/wire/bytes.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { IP, MAC, oneHopLess, runRows, type Director } from './kit.js';

test('mark rules: family, protocol, prefixes and port ranges all must match; the last matching rule sets the mark', () => {
  const t = new MarkTable();
  assert.equal(t.add({ family: 4, protocol: 6, daddr: ['10.0.0.100'], saddr: null, dport: [[80, 80], [443, 443]], mark: 1 }), null);
  assert.equal(t.add({ family: 4, protocol: null, daddr: ['10.0.0.0/24'], saddr: ['192.168.1.0/24'], dport: null, mark: 2 }), null);
  assert.equal(t.add({ family: 6, protocol: 17, daddr: ['2001:db8::/64'], saddr: null, dport: [[5000, 5100]], mark: 3 }), null);
  assert.equal(t.add({ family: 4, protocol: null, daddr: null, saddr: null, dport: [[1, 2]], mark: 4 }), 'a port match needs protocol tcp, udp or sctp');
  assert.equal(t.add({ family: 4, protocol: 6, daddr: ['2001:db8::1'], saddr: null, dport: null, mark: 4 }), 'not an IPv4 prefix: 2001:db8::1');
  assert.equal(t.add({ family: 4, protocol: 6, daddr: null, saddr: null, dport: null, mark: 0 }), 'mark 0 is not 1..4294967295');
  assert.equal(t.size, 3);
  const m = new PacketMeta();
  const mark = (proto: number, s: string, d: string, dport: number): number => t.classify(m.set(proto, s, 1234, d, dport));
  assert.equal(mark(6, '172.16.0.1', '10.0.0.100', 443), 1);
  assert.equal(mark(6, '172.16.0.1', '10.0.0.100', 22), 0);
  assert.equal(mark(17, '172.16.0.1', '10.0.0.100', 80), 0);
  assert.equal(mark(6, '192.168.1.9', '10.0.0.100', 80), 2);
  assert.equal(mark(17, '192.168.1.9', '10.0.0.7', 53), 2);
  assert.equal(mark(17, '2001:db8:1::1', '2001:db8::5', 5050), 3);
  assert.equal(mark(17, '2001:db8:1::1', '2001:db8:1::5', 5050), 0);
});

function fwmarkDirector(): Director {
  const lab = new Lab();
  const svc = lab.service('fwm 1');
  lab.dest(svc, `${IP.rs1}:0`, { fwd: 'dr' });
  lab.dest(svc, `${IP.rs2}:0`, { fwd: 'dr' });
  const marks = new MarkTable();
  marks.add({ family: 4, protocol: 6, daddr: [IP.vip, '10.0.0.101'], saddr: null, dport: [[80, 80], [443, 443]], mark: 1 });
  const nb = new Neighbours();
  nb.set(IP.rs1, macBytes(MAC.rs1));
  nb.set(IP.rs2, macBytes(MAC.rs2));
  nb.gateway = macBytes(MAC.gateway);
  return { lab, fw: new Forwarder(lab.engine, { mac: macBytes(MAC.director), address: IP.director, neighbours: nb, marks }) };
}

test('a fwmark DR service carries every marked VIP and port; unmarked traffic passes to the host', () => {
  const d = fwmarkDirector();
  const syn = (dst: string, sport: number, dport: number) => new PacketBuilder().eth({ src: MAC.gateway, dst: MAC.director }).ipv4({ src: IP.client, dst }).tcp({ sport, dport, flags: 'S' });
  const to = (b: PacketBuilder, mac: string): Uint8Array => {
    const f = b.build();
    f.set(macBytes(mac), 0);
    f.set(macBytes(MAC.director), 6);
    return oneHopLess(f);
  };
  runRows(d, [
    { name: ':80 → rs2', frame: syn(IP.vip, 40000, 80).build(), action: 'transmit', how: 'dr', out: to(syn(IP.vip, 40000, 80), MAC.rs2) },
    { name: ':443 → rs1', frame: syn(IP.vip, 40001, 443).build(), action: 'transmit', how: 'dr', out: to(syn(IP.vip, 40001, 443), MAC.rs1) },
    { name: 'second VIP :80 → rs2', frame: syn('10.0.0.101', 40002, 80).build(), action: 'transmit', how: 'dr', out: to(syn('10.0.0.101', 40002, 80), MAC.rs2) },
    { name: ':22 is not marked: passes', frame: syn(IP.vip, 40003, 22).build(), action: 'pass' },
  ]);
  assert.deepEqual(d.lab.list().sort(), [
    `TCP SYN_RECV ${IP.client}:40000 -> ${IP.vip}:80 -> ${IP.rs2}:80 60000`,
    `TCP SYN_RECV ${IP.client}:40001 -> ${IP.vip}:443 -> ${IP.rs1}:443 60000`,
    `TCP SYN_RECV ${IP.client}:40002 -> 10.0.0.101:80 -> ${IP.rs2}:80 60000`,
  ].sort());
});
