import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCENARIOS, findScenario } from './scenarios/index.js';
import type { Scenario } from './types.js';
import { portName, validateScenario } from './validate.js';

test('every scenario is valid, with a unique name and the names the issue lists', () => {
  for (const s of SCENARIOS) assert.deepEqual(validateScenario(s), [], s.name);
  assert.deepEqual(SCENARIOS.map((s) => s.name), ['seed-000-dr', 'seed-000-ha', 'seed-001-dr-wrr', 'seed-002-ha-persist', 'seed-003-nat', 'seed-003-dr-single', 'seed-003-dr-multi', 'seed-003-tun', 'seed-004-ha']);
  assert.equal(findScenario('seed-004-ha')?.seed, '004_0abe354f2902d0af.txt');
  assert.equal(findScenario('nope'), undefined);
});

test('every step of every scenario asserts something (no scenario without a failure or count check)', () => {
  for (const s of SCENARIOS) {
    assert.ok(s.steps.some((st) => st.kind === 'requests'), `${s.name}: no request step`);
    for (const st of s.steps) if (st.kind === 'requests') assert.ok(st.sequence || st.shares || st.sameAnswer, `${s.name}: a requests step without expectation`);
  }
});

test('portName: node-ifname, cut to 15 characters', () => {
  assert.equal(portName('lvs1', 'ens160'), 'lvs1-ens160');
  assert.equal(portName('router', 'ens224xyz'), 'router-ens224xy');
});

const base = findScenario('seed-004-ha')!;

function broken(patch: (s: Scenario) => Scenario): string[] {
  return validateScenario(patch(base));
}

test('validateScenario: exact problems for broken data', () => {
  assert.deepEqual(
    broken((s) => ({ ...s, nodes: [...s.nodes, { name: 'lvs1', role: 'director', links: [{ ifname: 'averyveryverylongname', segment: 'lan', addrs: ['192.168.64.130/24', '300.1.1.1/24', '10.0.0.1'] }] }] })),
    [
      "node 'lvs1' appears twice",
      "lvs1: interface name 'averyveryverylongname' is longer than 15",
      'lvs1: address 192.168.64.130 is already on lvs1',
      "lvs1 averyveryverylongname: '300.1.1.1/24' is not an IPv4 address with a prefix length",
      "lvs1 averyveryverylongname: '10.0.0.1' is not an IPv4 address with a prefix length",
    ],
  );
  assert.deepEqual(broken((s) => ({ ...s, nodes: [...s.nodes, { name: 'Bad_Name', role: 'client', links: [] }] })), ["node 'Bad_Name': names are lower-case letters and digits", "node 'Bad_Name' has no interface"]);
  assert.deepEqual(broken((s) => ({ ...s, directors: [{ node: 'ghost', keepalived: '' }] })), [
    "director: no node 'ghost'",
    "step 4 (fail-director): 'lvs1' is not a director",
    "step 7 (heal-director): 'lvs1' is not a director",
    "step 8 (fail-realserver): 'lvs1' is not a director",
    "step 9 (heal-realserver): 'lvs1' is not a director",
  ]);
  assert.deepEqual(broken((s) => ({ ...s, realServers: [{ node: 'rs1', body: 'x', port: 80, mode: 'tun', vip: '192.168.64.100' }, { node: 'rs2', body: 'y', port: 80, mode: 'dr' }] })), [
    'real server rs1: tun needs the interface tunnelled packets arrive on',
    'real server rs2: dr needs the VIP',
  ]);
  assert.deepEqual(broken((s) => ({ ...s, client: { node: 'client', url: 'http://192.168.64.100' }, steps: [{ kind: 'requests', count: 3, sequence: ['a'], shares: { a: 1 } }] })), [
    "client url 'http://192.168.64.100' must be http://HOST[:PORT]/",
    'step 1 (requests): the sequence has 1 answers for 3 requests',
    'step 1 (requests): the shares do not add up to 3',
  ]);
});
