import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyHasRules, iptablesScript, iptablesTools } from './iptables-rules.js';
import type { HostRuleSpec } from './system.js';

const RULES: HostRuleSpec[] = [
  { family: 4, protocol: 'tcp', kind: 'to-vip', addr: '10.0.0.100', port: 80 },
  { family: 4, protocol: 'tcp', kind: 'nat-reply', addr: '10.0.0.11', port: 8080 },
  { family: 6, protocol: 'udp', kind: 'to-vip', addr: '2001:db8::100', port: 0 },
  { family: 4, protocol: null, kind: 'nat-reply', addr: '10.0.0.12', port: 0 },
  { family: 4, protocol: null, kind: 'nat-reply', addr: '10.0.0.13', port: 53 },
  { family: 6, protocol: 'sctp', kind: 'nat-reply', addr: '2001:db8::11', port: 9 },
  { kind: 'mark', mark: 1 },
  { kind: 'mark', mark: 0x1ab },
];

test('iptables script (IPv4): the nft rules one for one in TSVS_PACKET (raw), a port without a protocol as TCP, UDP and SCTP rules, marks in TSVS_PACKET_MARK (mangle), jumps added when missing', () => {
  assert.equal(
    iptablesScript(RULES, 4, true, true),
    [
      '*raw',
      ':TSVS_PACKET - [0:0]',
      '-A TSVS_PACKET -d 10.0.0.100/32 -p tcp -m tcp --dport 80 -j DROP',
      '-A TSVS_PACKET -s 10.0.0.11/32 -p tcp -m tcp --sport 8080 -m addrtype ! --dst-type LOCAL -j DROP',
      '-A TSVS_PACKET -s 10.0.0.12/32 -m addrtype ! --dst-type LOCAL -j DROP',
      '-A TSVS_PACKET -s 10.0.0.13/32 -p tcp -m tcp --sport 53 -m addrtype ! --dst-type LOCAL -j DROP',
      '-A TSVS_PACKET -s 10.0.0.13/32 -p udp -m udp --sport 53 -m addrtype ! --dst-type LOCAL -j DROP',
      '-A TSVS_PACKET -s 10.0.0.13/32 -p sctp -m sctp --sport 53 -m addrtype ! --dst-type LOCAL -j DROP',
      '-I PREROUTING 1 -j TSVS_PACKET',
      'COMMIT',
      '*mangle',
      ':TSVS_PACKET_MARK - [0:0]',
      '-A TSVS_PACKET_MARK -m mark --mark 0x1 -j DROP',
      '-A TSVS_PACKET_MARK -m mark --mark 0x1ab -j DROP',
      '-A PREROUTING -j TSVS_PACKET_MARK',
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test('iptables script (IPv6, jumps already there): /128 addresses of the family only, marks for both families, no second jump', () => {
  assert.equal(
    iptablesScript(RULES, 6, false, false),
    [
      '*raw',
      ':TSVS_PACKET - [0:0]',
      '-A TSVS_PACKET -d 2001:db8::100/128 -p udp -j DROP',
      '-A TSVS_PACKET -s 2001:db8::11/128 -p sctp -m sctp --sport 9 -m addrtype ! --dst-type LOCAL -j DROP',
      'COMMIT',
      '*mangle',
      ':TSVS_PACKET_MARK - [0:0]',
      '-A TSVS_PACKET_MARK -m mark --mark 0x1 -j DROP',
      '-A TSVS_PACKET_MARK -m mark --mark 0x1ab -j DROP',
      'COMMIT',
      '',
    ].join('\n'),
  );
  // No rules: both chains declared (emptied) all the same.
  assert.equal(iptablesScript([], 4, false, true), ['*raw', ':TSVS_PACKET - [0:0]', 'COMMIT', '*mangle', ':TSVS_PACKET_MARK - [0:0]', '-A PREROUTING -j TSVS_PACKET_MARK', 'COMMIT', ''].join('\n'));
});

test('tool names per flavour and family; which families need rules', () => {
  assert.deepEqual(
    [iptablesTools('iptables', 4), iptablesTools('iptables', 6), iptablesTools('iptables-legacy', 4), iptablesTools('iptables-legacy', 6)],
    [
      { cmd: 'iptables', restore: 'iptables-restore' },
      { cmd: 'ip6tables', restore: 'ip6tables-restore' },
      { cmd: 'iptables-legacy', restore: 'iptables-legacy-restore' },
      { cmd: 'ip6tables-legacy', restore: 'ip6tables-legacy-restore' },
    ],
  );
  const v4: HostRuleSpec[] = [{ family: 4, protocol: 'tcp', kind: 'to-vip', addr: '10.0.0.100', port: 80 }];
  assert.deepEqual([familyHasRules(v4, 4), familyHasRules(v4, 6), familyHasRules([...v4, { kind: 'mark', mark: 3 }], 6), familyHasRules([], 4)], [true, false, true, false]);
});
