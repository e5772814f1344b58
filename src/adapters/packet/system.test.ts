import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceWithAddress, ipv4Addresses, kernelNeighbours, linkInfo, mainRoutes, nftScript, routeTo, type RunCommand } from './system.js';

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
      '    type filter hook prerouting priority -149; policy accept;',
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
