import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesScript } from './iptables-rules.js';
import {
  deviceWithAddress,
  hostRulesDescription,
  installHostRules,
  ipv4Addresses,
  kernelNeighbours,
  linkInfo,
  mainRoutes,
  nftScript,
  removeHostRules,
  routeTo,
  type HostRuleSpec,
  type RunCommand,
} from './system.js';

test('nft script: atomic replace of the tsvs table, one drop per VIP service and NAT real server (not for the host\'s own connections), marked packets after mangle', () => {
  assert.equal(
    nftScript([
      { family: 4, protocol: 'tcp', kind: 'to-vip', addr: '10.0.0.100', port: 80 },
      { family: 4, protocol: 'tcp', kind: 'nat-reply', addr: '10.0.0.11', port: 8080 },
      { family: 6, protocol: 'udp', kind: 'to-vip', addr: '2001:db8::100', port: 0 },
      { family: 4, protocol: null, kind: 'nat-reply', addr: '10.0.0.12', port: 0 },
      { family: 4, protocol: null, kind: 'nat-reply', addr: '10.0.0.13', port: 53 },
      { kind: 'mark', mark: 1 },
      { kind: 'mark', mark: 0x1ab },
    ]),
    [
      'table inet tsvs_packet',
      'delete table inet tsvs_packet',
      'table inet tsvs_packet {',
      '  chain prerouting {',
      '    type filter hook prerouting priority raw; policy accept;',
      '    ip daddr 10.0.0.100 meta l4proto tcp tcp dport 80 drop',
      '    ip saddr 10.0.0.11 meta l4proto tcp tcp sport 8080 fib daddr type != local drop',
      '    ip6 daddr 2001:db8::100 meta l4proto udp drop',
      '    ip saddr 10.0.0.12 fib daddr type != local drop',
      '    ip saddr 10.0.0.13 th sport 53 fib daddr type != local drop',
      '  }',
      '  chain prerouting_mark {',
      '    type filter hook prerouting priority 299; policy accept;',
      '    meta mark 0x00000001 drop',
      '    meta mark 0x000001ab drop',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
});

test('routes and neighbours are read from ip -j', async () => {
  const calls: string[] = [];
  const run: RunCommand = async (cmd, args) => {
    calls.push(`${cmd} ${args.join(' ')}`);
    if (args[1] === 'route') return '[{"dst":"10.0.1.11","gateway":"10.0.0.1","dev":"eth0","prefsrc":"10.0.0.2","flags":[],"uid":0,"cache":[]}]';
    return '[{"dst":"10.0.0.11","lladdr":"02:00:00:00:00:01","state":["REACHABLE"]},{"dst":"10.0.0.12","state":["FAILED"]},{"dst":"10.0.0.13","lladdr":"02:00:00:00:00:03","state":["FAILED"]}]';
  };
  assert.deepEqual(await routeTo(run, '10.0.1.11'), { dev: 'eth0', gateway: '10.0.0.1', prefsrc: '10.0.0.2' });
  assert.deepEqual([...(await kernelNeighbours(run, 'eth0'))], [['10.0.0.11', '02:00:00:00:00:01']]);
  assert.deepEqual(calls, ['ip -j route get 10.0.1.11', 'ip -j neigh show dev eth0']);
});

test('main routes (unicast with a device, both families), the holder of a local address, global IPv4 addresses, VLAN devices', async () => {
  const calls: string[] = [];
  const replies: Record<string, string> = {
    'ip -j -4 route show table main': '[{"dst":"default","gateway":"10.0.0.254","dev":"eth0","flags":[]},{"dst":"10.0.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.0.0.2"},{"type":"blackhole","dst":"10.9.0.0/16","flags":[]},{"type":"unreachable","dst":"10.8.0.0/16"}]',
    'ip -j -6 route show table main': '[{"dst":"2001:db8::/64","dev":"eth1","metric":256},{"dst":"default","gateway":"fe80::1","dev":"eth1"}]',
    'ip -j addr show to 10.0.0.100': '[{"ifindex":2,"ifname":"eth0","addr_info":[{"local":"10.0.0.100"}]}]',
    'ip -j addr show to 10.0.0.200': '[]',
    'ip -j -4 addr show dev eth0': '[{"addr_info":[{"local":"10.0.0.2","scope":"global"},{"local":"169.254.1.1","scope":"link"},{"local":"10.0.0.100","scope":"global","label":"eth0:vip"}]}]',
    'ip -j -d link show dev eth0.10': '[{"ifindex":7,"ifname":"eth0.10","link":"eth0","mtu":1500,"address":"02:00:00:00:00:aa","linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":10}}}]',
    'ip -j -d link show dev eth0': '[{"ifindex":2,"ifname":"eth0","mtu":9000,"address":"02:00:00:00:00:aa","linkinfo":{"info_kind":"veth"}}]',
  };
  const run: RunCommand = async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push(line);
    const r = replies[line];
    if (r === undefined) throw new Error(`unexpected ${line}`);
    return r;
  };
  assert.deepEqual(await mainRoutes(run), [
    { family: 4, dst: 'default', dev: 'eth0', gateway: '10.0.0.254' },
    { family: 4, dst: '10.0.0.0/24', dev: 'eth0', gateway: null },
    { family: 6, dst: '2001:db8::/64', dev: 'eth1', gateway: null },
    { family: 6, dst: 'default', dev: 'eth1', gateway: 'fe80::1' },
  ]);
  assert.equal(await deviceWithAddress(run, '10.0.0.100'), 'eth0');
  assert.equal(await deviceWithAddress(run, '10.0.0.200'), null);
  assert.deepEqual(await ipv4Addresses(run, 'eth0'), ['10.0.0.2', '10.0.0.100']);
  assert.deepEqual(await linkInfo(run, 'eth0.10'), { mac: '02:00:00:00:00:aa', mtu: 1500, ifindex: 7, vlan: { parent: 'eth0', id: 10 } });
  assert.deepEqual(await linkInfo(run, 'eth0'), { mac: '02:00:00:00:00:aa', mtu: 9000, ifindex: 2 });
  assert.equal(calls.length, 7);
});

/**
 * A scripted host: each command line either answers or fails with the given message (as
 * runCommand does); every call is recorded with its standard input.
 */
function scriptedHost(failing: Record<string, string>): { run: RunCommand; calls: Array<[string, string | undefined]> } {
  const calls: Array<[string, string | undefined]> = [];
  const run: RunCommand = async (cmd, args, input) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push([line, input]);
    const why = Object.entries(failing).find(([prefix]) => line.startsWith(prefix))?.[1];
    if (why !== undefined) throw new Error(`${line}: ${why}`);
    return '';
  };
  return { run, calls };
}

const RULES: HostRuleSpec[] = [
  { family: 4, protocol: 'tcp', kind: 'to-vip', addr: '10.0.0.100', port: 80 },
  { family: 4, protocol: 'tcp', kind: 'nat-reply', addr: '10.0.0.11', port: 80 },
];
const V6_RULES: HostRuleSpec[] = [...RULES, { family: 6, protocol: 'tcp', kind: 'to-vip', addr: '2001:db8::100', port: 80 }];
const NO_JUMPS = { 'iptables -t raw -C': 'Bad rule', 'iptables -t mangle -C': 'Bad rule', 'ip6tables -t raw -C': 'Bad rule', 'ip6tables -t mangle -C': 'Bad rule' };
const REMOVE = (cmd: string): string[] =>
  ['raw TSVS_PACKET', 'mangle TSVS_PACKET_MARK'].flatMap((tc) => {
    const [table, chain] = tc.split(' ');
    return [`${cmd} -t ${table} -D PREROUTING -j ${chain}`, `${cmd} -t ${table} -F ${chain}`, `${cmd} -t ${table} -X ${chain}`];
  });

test('host rule: nft when it works, nothing else is run', async () => {
  const h = scriptedHost({});
  const r = await installHostRules(h.run, RULES);
  assert.deepEqual(r, { backend: 'nft', nftError: null, ipv6Skipped: null });
  assert.deepEqual(h.calls, [['nft -f -', nftScript(RULES)]]);
  assert.equal(hostRulesDescription(r), 'host rule in nftables table inet tsvs_packet');
});

test('host rule: nft missing → iptables chains, one restore per family with the jumps that are missing; stop removes the chains and jumps', async () => {
  const h = scriptedHost({ 'nft ': 'spawn nft ENOENT', ...NO_JUMPS });
  const r = await installHostRules(h.run, V6_RULES);
  assert.deepEqual(r, { backend: 'iptables', nftError: 'nft -f -: spawn nft ENOENT', ipv6Skipped: null });
  assert.deepEqual(h.calls, [
    ['nft -f -', nftScript(V6_RULES)],
    ['iptables -t raw -C PREROUTING -j TSVS_PACKET', undefined],
    ['iptables -t mangle -C PREROUTING -j TSVS_PACKET_MARK', undefined],
    ['iptables-restore --noflush', iptablesScript(V6_RULES, 4, true, true)],
    ['ip6tables -t raw -C PREROUTING -j TSVS_PACKET', undefined],
    ['ip6tables -t mangle -C PREROUTING -j TSVS_PACKET_MARK', undefined],
    ['ip6tables-restore --noflush', iptablesScript(V6_RULES, 6, true, true)],
  ]);
  assert.equal(
    hostRulesDescription(r),
    'host rule in iptables chains TSVS_PACKET (raw PREROUTING) and TSVS_PACKET_MARK (mangle PREROUTING); nft not usable: nft -f -: spawn nft ENOENT',
  );
  h.calls.length = 0;
  await removeHostRules(h.run, r.backend);
  assert.deepEqual(h.calls.map((c) => c[0]), [...REMOVE('iptables'), ...REMOVE('ip6tables')]);
});

test('host rule: a later sync uses the backend already chosen (nft is not tried again) and adds no second jump', async () => {
  const h = scriptedHost({});
  const r = await installHostRules(h.run, RULES, 'iptables');
  assert.deepEqual(r, { backend: 'iptables', nftError: null, ipv6Skipped: null });
  assert.deepEqual(h.calls, [
    ['iptables -t raw -C PREROUTING -j TSVS_PACKET', undefined],
    ['iptables -t mangle -C PREROUTING -j TSVS_PACKET_MARK', undefined],
    ['iptables-restore --noflush', iptablesScript(RULES, 4, false, false)],
    ['ip6tables -t raw -C PREROUTING -j TSVS_PACKET', undefined],
    ['ip6tables -t mangle -C PREROUTING -j TSVS_PACKET_MARK', undefined],
    ['ip6tables-restore --noflush', iptablesScript(RULES, 6, false, false)],
  ]);
  // The nft backend stays with nft, and a failure there is not hidden by a fallback.
  const n = scriptedHost({ 'nft -f': 'Error: syntax error' });
  await assert.rejects(installHostRules(n.run, RULES, 'nft'), /syntax error/);
  assert.deepEqual(n.calls.map((c) => c[0]), ['nft -f -']);
});

test('host rule: the kernel refuses nf_tables (nft and iptables-nft fail) → iptables-legacy, after clearing what iptables left', async () => {
  const refused = 'Could not process rule: Operation not supported';
  const h = scriptedHost({ 'nft ': `Error: ${refused}`, 'iptables-restore': `iptables-restore: line 4 failed: ${refused}`, ...NO_JUMPS, 'iptables-legacy -t raw -C': 'Bad rule' });
  const r = await installHostRules(h.run, RULES);
  assert.equal(r.backend, 'iptables-legacy');
  assert.equal(r.nftError, `nft -f -: Error: ${refused}`);
  assert.deepEqual(h.calls.map((c) => c[0]), [
    'nft -f -',
    'iptables -t raw -C PREROUTING -j TSVS_PACKET',
    'iptables -t mangle -C PREROUTING -j TSVS_PACKET_MARK',
    'iptables-restore --noflush',
    ...REMOVE('iptables'),
    ...REMOVE('ip6tables'),
    'iptables-legacy -t raw -C PREROUTING -j TSVS_PACKET',
    'iptables-legacy -t mangle -C PREROUTING -j TSVS_PACKET_MARK',
    'iptables-legacy-restore --noflush',
    'ip6tables-legacy -t raw -C PREROUTING -j TSVS_PACKET',
    'ip6tables-legacy -t mangle -C PREROUTING -j TSVS_PACKET_MARK',
    'ip6tables-legacy-restore --noflush',
  ]);
  assert.equal(h.calls.at(-4)![1], iptablesScript(RULES, 4, true, false));
});

test('host rule: IPv6 chains may fail when no IPv6 rule needs them (said in the log), not when one does; nothing usable → one error naming every attempt', async () => {
  const h = scriptedHost({ 'nft ': 'spawn nft ENOENT', 'ip6tables-restore': 'ip6tables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id' });
  const r = await installHostRules(h.run, RULES);
  assert.deepEqual(r, { backend: 'iptables', nftError: 'nft -f -: spawn nft ENOENT', ipv6Skipped: 'ip6tables-restore: ip6tables-restore --noflush: ip6tables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id' });
  assert.match(hostRulesDescription(r), /; IPv6 chains not written: ip6tables-restore: /);

  const v6 = scriptedHost({ 'nft ': 'spawn nft ENOENT', 'ip6tables-restore': 'no IPv6', 'ip6tables-legacy-restore': 'no IPv6' });
  await assert.rejects(
    installHostRules(v6.run, V6_RULES),
    (e: Error) =>
      e.message ===
      'cannot install the host rule (nft: nft -f -: spawn nft ENOENT; iptables: ip6tables-restore --noflush: no IPv6; iptables-legacy: ip6tables-legacy-restore --noflush: no IPv6)',
  );
  const none = scriptedHost({ 'nft ': 'spawn nft ENOENT', 'iptables-restore': 'spawn iptables-restore ENOENT', 'iptables-legacy-restore': 'spawn iptables-legacy-restore ENOENT' });
  await assert.rejects(installHostRules(none.run, RULES), /^Error: cannot install the host rule \(nft: .*; iptables: .*ENOENT; iptables-legacy: .*ENOENT\)$/);
});

test('host rule removal: nft by default (the table), iptables-legacy by its own tools', async () => {
  const h = scriptedHost({ 'nft ': 'No such file or directory' });
  await removeHostRules(h.run);
  await removeHostRules(h.run, 'iptables-legacy');
  assert.deepEqual(h.calls.map((c) => c[0]), ['nft delete table inet tsvs_packet', ...REMOVE('iptables-legacy'), ...REMOVE('ip6tables-legacy')]);
});
