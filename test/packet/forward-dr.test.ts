import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, IP, MAC, oneHopLess, runRows } from './kit.js';

const syn = (sport: number, vlanTci?: number) =>
  new PacketBuilder()
    .eth({ src: MAC.gateway, dst: MAC.director, ...(vlanTci === undefined ? {} : { vlanTci }) })
    .ipv4({ src: IP.client, dst: IP.vip, id: sport })
    .tcp({ sport, dport: 80, flags: 'S', seq: 1000 });
const macsTo = (b: PacketBuilder, mac: string): Uint8Array => {
  const f = b.build();
  f.set(Uint8Array.from(mac.split(':').map((x) => parseInt(x, 16))), 0);
  f.set(Uint8Array.from(MAC.director.split(':').map((x) => parseInt(x, 16))), 6);
  return oneHopLess(f);
};

test('DR: only the MACs and the TTL change (to the real server, from the director, one hop less), rr across two real servers (the last added first, as IPVS lists them)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' }, [`${IP.rs2}:80`]: { fwd: 'dr' } });
  const ack = fromClient().ipv4({ src: IP.client, dst: IP.vip, id: 9 }).tcp({ sport: 40000, dport: 80, flags: 'A', seq: 1001, ack: 1 }).payload('GET / HTTP/1.0\r\n\r\n');
  runRows(d, [
    { name: 'SYN 1 → rs2', frame: syn(40000).build(), action: 'transmit', how: 'dr', out: macsTo(syn(40000), MAC.rs2) },
    { name: 'SYN 2 → rs1', frame: syn(40001).build(), action: 'transmit', how: 'dr', out: macsTo(syn(40001), MAC.rs1) },
    { name: 'data of conn 1 → rs2', frame: ack.build(), action: 'transmit', how: 'dr', out: macsTo(ack, MAC.rs2) },
    { name: 'VLAN-tagged SYN keeps its tag', frame: syn(40002, 7).build(), action: 'transmit', how: 'dr', out: macsTo(syn(40002, 7), MAC.rs2) },
    {
      name: 'non-SYN without an entry passes to the host',
      frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 50000, dport: 80, flags: 'A' }).build(),
      action: 'pass',
    },
    { name: 'another port of the VIP passes', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 1, dport: 22, flags: 'S' }).build(), action: 'pass' },
    { name: 'UDP to the VIP (TCP service) passes', frame: fromClient().ipv4({ src: IP.client, dst: IP.vip }).udp({ sport: 1, dport: 80 }).build(), action: 'pass' },
    {
      name: 'ARP passes',
      frame: new PacketBuilder().eth({ src: MAC.gateway, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 1, senderMac: MAC.gateway, senderIp: IP.router, targetMac: '00:00:00:00:00:00', targetIp: IP.vip }).build(),
      action: 'pass',
    },
  ]);
  const rs2 = d.lab.findDest(d.lab.ipvs.getService({ kind: 'addr', family: 4, protocol: 'tcp', addr: IP.vip, port: 80 })!.key, `${IP.rs2}:80`);
  const ackLen = 20 + 20 + 18;
  assert.deepEqual(rs2.stats.snapshot(), { conns: 2, inpkts: 3, outpkts: 0, inbytes: 40 + ackLen + 40, outbytes: 0 });
  assert.deepEqual(d.lab.ipvs.totals.snapshot(), { conns: 3, inpkts: 4, outpkts: 0, inbytes: 40 * 3 + ackLen, outbytes: 0 });
  const c = d.fw.counters;
  assert.deepEqual([c.rxFrames, c.txFrames, c.dr, c.passed, c.dropped], [8, 4, 4, 4, 0]);
});

test('DR: a real server with no known MAC and no gateway is a drop with a reason', () => {
  const d = director(`tcp ${IP.vip}:80`, { ['10.0.0.99:80']: { fwd: 'dr' } });
  d.fw.neighbours.gateway = null;
  runRows(d, [{ name: 'SYN', frame: syn(40000).build(), action: 'drop', reason: 'no-neighbour' }]);
  assert.equal(d.fw.counters.drops['no-neighbour'], 1);
});

test('a service without destinations answers ICMP port unreachable from the VIP, quoting the SYN', () => {
  const d = director(`tcp ${IP.vip}:80`, {});
  const s = syn(40000).build();
  const expected = new PacketBuilder()
    .eth({ src: MAC.director, dst: MAC.gateway })
    .ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0, ttl: 64 })
    .icmp({ type: 3, code: 3 })
    .payload(s.subarray(14))
    .build();
  runRows(d, [{ name: 'SYN', frame: s, action: 'transmit', how: 'icmp-error', out: expected }]);
  assert.equal(d.fw.counters.icmpSent, 1);
  assert.equal(d.lab.engine.drops['no-destination'], 1);
});

test('services added after the first frame are seen (the VIP set follows the service table)', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } });
  const other = () => new PacketBuilder().eth({ src: MAC.gateway, dst: MAC.director }).ipv4({ src: IP.client, dst: '10.0.0.101' }).tcp({ sport: 5, dport: 443, flags: 'S' });
  runRows(d, [{ name: 'before', frame: other().build(), action: 'pass' }]);
  const k = d.lab.service('tcp 10.0.0.101:443');
  d.lab.dest(k, `${IP.rs1}:443`, { fwd: 'dr' });
  runRows(d, [{ name: 'after', frame: other().build(), action: 'transmit', how: 'dr', out: macsTo(other(), MAC.rs1) }]);
});
