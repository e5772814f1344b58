import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VipSpec } from '../../core/vrrp/types.js';
import { IpRouteNetControl, vipArgs, type IpRunner } from './iproute2.js';

const base: VipSpec = {
  address: '192.168.64.100', family: 4, prefix: 32, dev: 'ens160', broadcast: null, scope: null, label: null, peer: null,
  noDad: false, noPrefixRoute: false, home: false, preferredLft: null,
};

test('ip addr arguments for the virtual_ipaddress options', () => {
  assert.deepEqual(vipArgs('add', { ...base, label: 'ens160:vip' }), ['addr', 'add', '192.168.64.100/32', 'dev', 'ens160', 'label', 'ens160:vip']);
  assert.deepEqual(vipArgs('add', { ...base, prefix: 24, broadcast: '192.168.64.255', scope: 'global' }), [
    'addr', 'add', '192.168.64.100/24', 'brd', '192.168.64.255', 'dev', 'ens160', 'scope', 'global',
  ]);
  assert.deepEqual(vipArgs('del', { ...base, label: 'ens160:vip' }), ['addr', 'del', '192.168.64.100/32', 'dev', 'ens160']);
  // IPv6: no label or broadcast; a /128 is not preferred for outgoing traffic unless told.
  assert.deepEqual(vipArgs('add', { ...base, address: '2001:db8::1', family: 6, prefix: 128, label: 'x', broadcast: '1.2.3.4', noDad: true }), [
    'addr', 'add', '2001:db8::1/128', 'dev', 'ens160', 'nodad', 'preferred_lft', '0',
  ]);
});

test('restore() removes only what was added, and "File exists" is not ours to remove', async () => {
  const calls: string[] = [];
  const ip: IpRunner = async (args) => {
    calls.push(args.join(' '));
    if (args[1] === 'add' && args[2] === '10.0.0.9/32') return { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n' };
    return { code: 0, stdout: '', stderr: '' };
  };
  const net = new IpRouteNetControl(ip);
  await net.addVip(base);
  await net.addVip({ ...base, address: '10.0.0.9' });
  await net.restore();
  assert.deepEqual(calls, [
    'addr add 192.168.64.100/32 dev ens160',
    'addr add 10.0.0.9/32 dev ens160',
    'addr del 192.168.64.100/32 dev ens160',
  ]);
});

test('a failing ip command is an error with its message', async () => {
  const net = new IpRouteNetControl(async () => ({ code: 1, stdout: '', stderr: 'Cannot find device "nope"\n' }));
  await assert.rejects(net.addVip({ ...base, dev: 'nope' }), /ip addr add 192.168.64.100\/32 dev nope: Cannot find device "nope"/);
});

test('interfaceInfo reads flags, addresses, MAC (loopback here) and an unknown interface is null', async () => {
  const net = new IpRouteNetControl(async () => ({
    code: 0,
    stdout: JSON.stringify([{ ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', scope: 'host' }, { family: 'inet6', local: '::1', scope: 'host' }] }]),
    stderr: '',
  }));
  const lo = await net.interfaceInfo('lo');
  assert.deepEqual({ ...lo, mac: Array.from(lo!.mac!) }, {
    up: true, primary4: '127.0.0.1', linkLocal6: null, addresses: ['127.0.0.1', '::1'], mac: [0, 0, 0, 0, 0, 0], ipv6Forwarding: lo!.ipv6Forwarding,
  });
  assert.equal(await net.interfaceInfo('tsvs-no-such-if'), null);
});
