import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelNeighbours, nftScript, routeTo, type RunCommand } from './system.js';

test('nft script: atomic replace of the tsvs table, one drop per VIP service and NAT real server', () => {
  assert.equal(
    nftScript([
      { family: 4, protocol: 'tcp', kind: 'to-vip', addr: '10.0.0.100', port: 80 },
      { family: 4, protocol: 'tcp', kind: 'nat-reply', addr: '10.0.0.11', port: 8080 },
      { family: 6, protocol: 'udp', kind: 'to-vip', addr: '2001:db8::100', port: 0 },
    ]),
    [
      'table inet tsvs_packet',
      'delete table inet tsvs_packet',
      'table inet tsvs_packet {',
      '  chain prerouting {',
      '    type filter hook prerouting priority raw; policy accept;',
      '    ip daddr 10.0.0.100 meta l4proto tcp tcp dport 80 drop',
      '    ip saddr 10.0.0.11 meta l4proto tcp tcp sport 8080 drop',
      '    ip6 daddr 2001:db8::100 meta l4proto udp drop',
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
