// static_rules / virtual_rules entries. Every expected message and exit status here was first
// observed from keepalived 2.2.7 `-t` on the same entry (see test/corpus/keepalived/crafted/19x).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configTestExitCode } from './diagnostics.js';
import { memoryFiles } from './memory-files.js';
import { type ParseResult, parseKeepalivedConfig } from './parse.js';

const FILE = '/k.conf';
const parse = (text: string, interfaces?: string[]): ParseResult =>
  parseKeepalivedConfig(FILE, { ...memoryFiles({ [FILE]: text }), ...(interfaces ? { interfaces } : {}) });
/** One static_rules entry (on line 2): "severity code col message" for each diagnostic. */
function staticRule(entry: string, interfaces?: string[]): string[] {
  const r = parse(`static_rules {\n${entry}\n}\n`, interfaces);
  return r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line === 2 ? '' : `${d.line}:`}${d.col} ${d.message}`);
}
const VI = (rules: string) =>
  `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n  10.0.0.1\n }\n virtual_rules {\n${rules} }\n}\n`;

test('well-formed rules are kept as written, with no findings', () => {
  for (const e of [
    'from 192.168.100.0/24 table 100 preference 100',
    'to 10.8.0.0/16 lookup main priority 0x65',
    'fwmark 0x10/0xff table local preference 102 iif eth1',
    'from all blackhole preference 103 no_track',
    'not from 10.0.0.0/8 type unreachable order 5',
    'from 10.0.0.0/8 table -1 preference 5',
    'from 10.0.0.0/8 priority 5 type 6',
    'from 10.0.0.0/8 lookup main priority 5 ipproto sctp dport 80-90 sport 1-2',
    'from 10.0.0.0/8 priority 5 uidrange 1-2abc table 5 tunnel-id 7 suppress_prefixlength 8 sup_group default',
    'from 10.0.0.0/8 priority 5 fwmark /5 table 5 realms cosmos/3',
    'preference 5 l3mdev',
    'from 10.0.0.0/8 preference 5 goto 6',
  ]) {
    assert.deepEqual(staticRule(e), [], e);
  }
  const r = parse(VI('  from 10.0.0.1 table 200 preference 200\n  to 10.9.9.9 nop preference 201\n'));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.model.vrrpInstances[0]!.virtualRules, [['from', '10.0.0.1', 'table', '200', 'preference', '200'], ['to', '10.9.9.9', 'nop', 'preference', '201']]);
});

test('a rule without a preference is numbered from 16384 down, per family, across static and virtual rules', () => {
  const r = parse(`static_rules {\n from 10.1.0.0/16 table 1\n from 2001:db8::/32 table 1\n}\n${VI('  to 10.2.0.0/16 table 2\n')}`);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line} ${d.severity} ${d.code} ${d.message}`),
    [
      '2 error default-applied Rule has no preference specified - setting to 16384. This is probably not what you want.',
      '3 error default-applied Rule has no preference specified - setting to 16384. This is probably not what you want.',
      '12 error default-applied Rule has no preference specified - setting to 16383. This is probably not what you want.',
    ],
  );
  // keepalived keeps the rule (with the number it chose).
  assert.equal(r.model.vrrpInstances[0]!.virtualRules.length, 1);
});

test('the keepalived sample keepalived.conf.vrrp.rules: bad addresses drop the rule', () => {
  assert.deepEqual(staticRule(' to 192.168.100./24 table 1'), [
    'error bad-address 5 VRRP parsed invalid IP 192.168.100./24. skipping IP...',
    'error bad-address 5 Invalid rule to address 192.168.100./24',
  ]);
  const r = parse(VI('  to 192.168.200./24 table 2 preference 3\n'));
  assert.deepEqual(r.model.vrrpInstances[0]!.virtualRules, []);
});

test('rule mistakes and keepalived messages', () => {
  const cases: Array<[string, string[]]> = [
    ['from 10.0.0.0/8 preference 100', ['error bad-value 1 No action specified for rule - ignoring']],
    ['from 10.0.0.0/8 table foo priority 5', ['error not-found 23 Routing table foo not found for rule']],
    ['from 10.0.0.0/8 table 0 priority 5', ['error bad-value 23 Table 0 is not valid']],
    ['from 10.0.0.0/8 table 5 nop priority 5', ['error bad-value 25 Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule']],
    ['nop table 5 priority 5', ['error bad-value 5 Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable for rule']],
    ['from 10.0.0.0/8 priority 5 goto 4', ['error bad-value 1 Invalid rule - preference 5 >= goto target 4']],
    ['from 10.0.0.0/8 goto 4', ['error bad-value 1 Invalid rule - goto target 4 specified without preference']],
    ['from 10.0.0.0/8 priority 5 realms 3 blackhole', ['error bad-value 1 suppressor/realm specified for non table action - skipping']],
    ['table 5 l3mdev priority 5', ['error bad-value 9 Cannot specify l3mdev with other action']],
    ['from 10.0.0.0/8 priority x table 5', ['error invalid-number 26 invalid number \'x\'', 'error bad-value 26 Invalid rule preference priority specified']],
    ['from 10.0.0.0/8 table 100 priority 5 sport 80', ['error bad-value 44 invalid sport range 80']],
    ['from 10.0.0.0/8 table 100 priority 5 ipproto 200', ['error bad-value 46 Invalid ipproto 200']],
    ['from 10.0.0.0/8 table 100 priority 5 protocol 4', ['error value-adjusted 1 Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol']],
    ['from 10.0.0.0/8 table 100 priority 5 fwmark 5/-1', ['error bad-value 45 Invalid rule fwmark 5/-1 specified']],
    ['from 10.0.0.0/8 table 100 priority 5 tos keepalived', ['error bad-value 42 TOS value keepalived is invalid']],
    ['from 10.0.0.0/8 table 100 priority 5 uidrange 1-', ['error bad-value 47 Invalid uidrange uidrange specified']],
    ['from 10.0.0.0/8 table 100 priority 5 unicast', ['error bad-value 38 Invalid rule action unicast']],
    ['from 10.0.0.0/8 table 100 priority 5 frob', ['error bad-value 38 Unknown rule option frob']],
    ['inet X from all table 100 priority 5', ['error conflict 13 rule specification has mixed IPv4 and IPv6']],
    ['from 10.0.0.0/8 to 2001:db8::/32 table 5 priority 5', ['error conflict 20 rule specification has mixed IPv4 and IPv6']],
    ['from 2001:db8::/32 realms 3 table 5 priority 5', ['error conflict 20 realms is only valid for IPv4']],
    // keepalived 2.2.7 steps over the word after inet / inet6.
    ['inet from 10.0.0.0/8 table 100 priority 5', ['error bad-value 11 Unknown rule option 10.0.0.0/8']],
  ];
  for (const [entry, want] of cases) assert.deepEqual(staticRule(entry), want, entry);
});

test('track_group: only in static rules, it must exist, and the rule needs iif', () => {
  const tg = 'track_group TG1 {\n group {\n  VI_1\n }\n}\n';
  const rules = (e: string) => parse(`${tg}static_rules {\n${e}\n}\n`).diagnostics.map((d) => `${d.severity} ${d.col} ${d.message}`);
  assert.deepEqual(rules('from 10.0.0.0/8 table 5 preference 5 iif eth0 track_group TG1'), []);
  assert.deepEqual(rules('from 10.0.0.0/8 table 5 preference 5 track_group TG1'), ['error 1 Static rule cannot have track_group if dev/iif not specified']);
  assert.deepEqual(rules('from 10.0.0.0/8 table 5 preference 5 iif eth0 track_group TG2'), ['error 59 track_group TG2 not found']);
  assert.deepEqual(rules('from 10.0.0.0/8 table 5 preference 5 iif eth0 track_group TG1 track_group TG1 frob'), ['error 75 track_group TG1 is a duplicate']);
  const virtual = parse(`${tg}${VI('  from 10.0.0.1 table 2 preference 2 track_group TG1\n')}`);
  assert.deepEqual(virtual.diagnostics.map((d) => d.message), ['Unknown rule option track_group']);
});

test('a word missing after an option is keepalived\'s fatal missing parameter (exit 2)', () => {
  const r = parse('static_rules {\n from 192.168.100.0/24 preference 100 table\n}\n');
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`), [
    '2:44 missing-parameter *** Configuration line starting `from` is missing a parameter after keyword `table` at word position 6',
  ]);
  assert.equal(configTestExitCode(r.diagnostics), 2);
});

test('dev / iif / oif must exist when the host interfaces are known (unless dynamic_interfaces)', () => {
  assert.deepEqual(staticRule('from 10.0.0.0/8 table 5 preference 5 iif eth9', ['eth0']), [
    'error unknown-interface 42 WARNING - interface eth9 for rule doesn\'t exist',
    'error unknown-interface 42 Non-existent interface specified in configuration',
  ]);
  assert.deepEqual(staticRule('from 10.0.0.0/8 table 5 preference 5 iif eth9'), []);
  const dynamic = parse('global_defs {\n dynamic_interfaces\n}\nstatic_rules {\n from 10.0.0.0/8 table 5 preference 5 oif eth9\n}\n', ['eth0']);
  assert.deepEqual(dynamic.diagnostics, []);
});
