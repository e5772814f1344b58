// ConnView objects as `ipvsadm -L -c` will format them (ipvs.md §4.2, §6.7).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnView } from '../snapshot.js';
import { CONN_F, PROTO } from './flags.js';
import { stateName } from './view.js';
import { Lab } from './testkit.js';

function byKey(views: ConnView[]): ConnView[] {
  return [...views].sort((a, b) => `${a.caddr}:${a.cport}:${a.vport}`.localeCompare(`${b.caddr}:${b.cport}:${b.vport}`));
}

test('a DR connection and its persistence template', () => {
  const lab = new Lab();
  const svc = lab.service('tcp 10.0.0.100:443', { persistent: 360, netmask: 0xffffff00 });
  lab.dest(svc, '10.0.0.21:443', { fwd: 'dr' });
  lab.at(2000).tcp('in', '203.0.113.7:51514', '10.0.0.100:443', 'S');
  lab.at(3000).tcp('in', '203.0.113.7:51514', '10.0.0.100:443', 'A');
  lab.at(4500);
  assert.deepEqual(byKey(lab.views()), [
    {
      protocol: 'TCP',
      family: 4,
      caddr: '203.0.113.0',
      cport: 0,
      vaddr: '10.0.0.100',
      vport: 443,
      daddr: '10.0.0.21',
      dport: 443,
      state: 'ASSURED',
      expiresMs: 357_500,
      template: true,
      pe: '',
      peData: '',
      fwd: 'dr',
    },
    {
      protocol: 'TCP',
      family: 4,
      caddr: '203.0.113.7',
      cport: 51514,
      vaddr: '10.0.0.100',
      vport: 443,
      daddr: '10.0.0.21',
      dport: 443,
      state: 'ESTABLISHED',
      expiresMs: 898_500,
      template: false,
      pe: '',
      peData: '',
      fwd: 'dr',
    },
  ]);
});

test('fwmark templates show protocol IP and the mark as virtual address (IPv4 and IPv6)', () => {
  const lab = new Lab();
  lab.dest(lab.service('fwm 1', { persistent: 300 }), '192.168.1.11:0');
  const s6 = lab.service('fwm6 2', { persistent: 300 });
  lab.dest(s6, '[2001:db8:1::11]:0');
  lab.tcp('in', '203.0.113.7:1000', '10.0.0.100:80', 'S', 60, 1);
  lab.udp('in', '[2001:db8:ff::7]:1000', '[2001:db8::100]:53', 100, 2);
  const templates = lab.views().filter((v) => v.template);
  assert.deepEqual(
    templates.map((v) => `${v.protocol} ${v.family} ${v.caddr}:${v.cport} ${v.vaddr}:${v.vport} ${v.daddr}:${v.dport} ${v.state}`).sort(),
    ['IP 4 203.0.113.7:0 0.0.0.1:0 192.168.1.11:0 NONE', 'IP 6 2001:db8:ff::7:0 0:2:::0 2001:db8:1::11:0 NONE'],
  );
});

test('listing follows the table order and includes every hashed entry', () => {
  const lab = new Lab();
  lab.dest(lab.service('udp 10.0.0.100:53'), '10.0.0.31:53');
  for (let i = 0; i < 50; i++) lab.udp('in', `198.51.100.${i}:1000`, '10.0.0.100:53');
  const t = lab.engine.conns.table;
  const order: number[] = [];
  for (let b = 0; b < t.bucketCount; b++) for (let i = t.bucketHead(b); i >= 0; i = t.chainNext(i)) order.push(i);
  const views = lab.views();
  assert.equal(views.length, 50);
  assert.deepEqual(
    views.map((v) => v.caddr),
    order.map((i) => `198.51.100.${i}`),
  );
});

test('state names: templates NONE/ASSURED, UDP is "UDP", out-of-range states are ERR!', () => {
  assert.equal(stateName(PROTO.TCP, CONN_F.TEMPLATE, 0), 'NONE');
  assert.equal(stateName(PROTO.IP, CONN_F.TEMPLATE, 1), 'ASSURED');
  assert.equal(stateName(PROTO.UDP, 0, 0), 'UDP');
  assert.equal(stateName(PROTO.TCP, 0, 10), 'SYNACK');
  assert.equal(stateName(PROTO.TCP, 0, 11), 'ERR!');
  assert.equal(stateName(PROTO.SCTP, 0, 13), 'CLOSED');
});
