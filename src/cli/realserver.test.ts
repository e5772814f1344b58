import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRealserver, parseRealserverArgs, realserverCommand, type RealserverFacts, type RealserverIo } from './realserver.js';

test('arguments', () => {
  assert.deepEqual(parseRealserverArgs(['start', '--vip', '10.0.0.100']), { action: 'start', vip: '10.0.0.100', mode: 'dr', dev: null });
  assert.deepEqual(parseRealserverArgs(['status', '--vip', '10.0.0.100', '--mode', 'tun', '--dev', 'eth1']), { action: 'status', vip: '10.0.0.100', mode: 'tun', dev: 'eth1' });
  assert.equal(parseRealserverArgs(['start']), '--vip is required');
  assert.equal(parseRealserverArgs(['go', '--vip', '1.2.3.4']), "unknown action 'go'");
  assert.equal(parseRealserverArgs(['start', '--vip', '10.0.0']), 'not an IP address in canonical form: 10.0.0');
  assert.equal(parseRealserverArgs(['start', '--vip', '1.2.3.4', '--mode', 'nat']), '--mode must be dr or tun');
  assert.equal(parseRealserverArgs(['start', '--vip']), '--vip needs a value');
});

const good: RealserverFacts = {
  links: [
    { ifname: 'lo', up: true, addrs: [{ local: '127.0.0.1', prefixlen: 8, family: 'inet' }, { local: '10.0.0.100', prefixlen: 32, family: 'inet' }] },
    { ifname: 'eth0', up: true, addrs: [{ local: '10.0.0.11', prefixlen: 24, family: 'inet' }] },
  ],
  conf: { 'all.arp_ignore': 1, 'all.arp_announce': 2, 'all.rp_filter': 0, 'eth0.arp_ignore': 0, 'eth0.arp_announce': 0, 'eth0.rp_filter': 1 },
};

test('status: a correct DR real server has no problems (settings on all count for every interface)', () => {
  assert.deepEqual(checkRealserver('10.0.0.100', 'dr', good), []);
});

test('status says what is wrong: VIP missing or too wide, on another interface, ARP settings that steal the VIP, TUN without decapsulator', () => {
  const bad: RealserverFacts = {
    links: [
      { ifname: 'lo', up: true, addrs: [{ local: '10.0.0.100', prefixlen: 24, family: 'inet' }] },
      { ifname: 'eth0', up: true, addrs: [{ local: '10.0.0.11', prefixlen: 24, family: 'inet' }, { local: '10.0.0.100', prefixlen: 32, family: 'inet' }] },
    ],
    conf: { 'all.arp_ignore': 0, 'all.arp_announce': 1, 'eth0.arp_ignore': 0, 'eth0.arp_announce': 0 },
  };
  assert.deepEqual(checkRealserver('10.0.0.100', 'tun', bad), [
    'VIP 10.0.0.100 is on lo as /24, not /32: lo would claim the whole prefix',
    'VIP 10.0.0.100 is also on eth0: this host answers for it and steals it from the director',
    'eth0: arp_ignore=0: this host would answer ARP requests for the VIP and steal it from the director',
    'eth0: arp_announce=1: its ARP requests could announce the VIP as their source',
    'no IP-in-IP decapsulator (tunl0 or the user-space tsvs-dec1): tunnelled packets are dropped',
  ]);
  assert.deepEqual(checkRealserver('10.0.0.101', 'dr', good), ['VIP 10.0.0.101 is not on lo: packets for it are not accepted']);
  const tun: RealserverFacts = { links: [...good.links, { ifname: 'tsvs-dec1', up: true, addrs: [] }], conf: { ...good.conf, 'tsvs-dec1.rp_filter': 1 } };
  assert.deepEqual(checkRealserver('10.0.0.100', 'tun', tun), ['tsvs-dec1: rp_filter=1: tunnelled packets from clients fail the reverse-path check']);
});

function fakeIo(addrJson: string): { io: RealserverIo; calls: string[]; out: string[] } {
  const calls: string[] = [];
  const out: string[] = [];
  const io: RealserverIo = {
    out: (t) => void out.push(t),
    err: (t) => void out.push(`ERR ${t}`),
    run: async (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      return cmd === 'ip' && args[1] === 'addr' ? addrJson : '';
    },
    readSysctl: async () => 0,
    writeSysctl: async (n, v) => void calls.push(`sysctl ${n}=${v}`),
    untilStopped: async () => undefined,
  };
  return { io, calls, out };
}

test('start (DR) puts the VIP on lo as /32 and sets the ARP sysctls; stop undoes both', async () => {
  const f = fakeIo('[{"ifname":"lo","flags":["UP"],"addr_info":[{"local":"127.0.0.1","prefixlen":8,"family":"inet"}]}]');
  assert.equal(await realserverCommand(['start', '--vip', '10.0.0.100'], f.io), 0);
  assert.deepEqual(f.calls, [
    'ip -j addr show',
    'ip addr add 10.0.0.100/32 dev lo',
    'sysctl net.ipv4.conf.lo.arp_ignore=1',
    'sysctl net.ipv4.conf.lo.arp_announce=2',
    'sysctl net.ipv4.conf.all.arp_ignore=1',
    'sysctl net.ipv4.conf.all.arp_announce=2',
  ]);
  const g = fakeIo('[]');
  assert.equal(await realserverCommand(['stop', '--vip', '10.0.0.100'], g.io), 0);
  assert.deepEqual(g.calls, [
    'ip addr del 10.0.0.100/32 dev lo',
    'sysctl net.ipv4.conf.lo.arp_ignore=0',
    'sysctl net.ipv4.conf.lo.arp_announce=0',
    'sysctl net.ipv4.conf.all.arp_ignore=0',
    'sysctl net.ipv4.conf.all.arp_announce=0',
  ]);
  const h = fakeIo('[]');
  assert.equal(await realserverCommand(['status', '--vip', '10.0.0.100'], h.io), 1);
  assert.deepEqual(h.out, ['real server for 10.0.0.100 (dr): 1 problem\n', '  - VIP 10.0.0.100 is not on lo: packets for it are not accepted\n']);
});

test('IPv6 VIP in tun mode: ip6tnl0 or the user-space decapsulator counts, and the tunnel end must be a global IPv6 address', async () => {
  const links = [
    { ifname: 'lo', up: true, addrs: [{ local: '2001:db8::100', prefixlen: 128, family: 'inet6' }] },
    { ifname: 'eth0', up: true, addrs: [{ local: '2001:db8::11', prefixlen: 64, family: 'inet6' }] },
  ];
  assert.deepEqual(checkRealserver('2001:db8::100', 'tun', { links, conf: {} }), ['no IP-in-IP decapsulator (ip6tnl0 or the user-space tsvs-dec1): tunnelled packets are dropped']);
  assert.deepEqual(checkRealserver('2001:db8::100', 'tun', { links: [...links, { ifname: 'ip6tnl0', up: true, addrs: [] }], conf: {} }), []);
  assert.deepEqual(checkRealserver('2001:db8::100', 'tun', { links: [...links, { ifname: 'tsvs-dec1', up: true, addrs: [] }], conf: {} }), []);
  // tunl0 decapsulates IPv4 outer headers only: not enough for an IPv6 VIP.
  assert.equal(checkRealserver('2001:db8::100', 'tun', { links: [...links, { ifname: 'tunl0', up: true, addrs: [] }], conf: {} }).length, 1);

  const f = fakeIo('[{"ifname":"lo","flags":["UP"],"addr_info":[]},{"ifname":"eth0","flags":["UP"],"addr_info":[{"local":"fe80::1","prefixlen":64,"family":"inet6"}]}]');
  assert.equal(await realserverCommand(['start', '--vip', '2001:db8::100', '--mode', 'tun', '--dev', 'eth0'], f.io), 1);
  assert.deepEqual(f.calls, ['ip -j addr show', 'ip -6 addr add 2001:db8::100/128 dev lo', 'sysctl net.ipv4.conf.all.rp_filter=0', 'sysctl net.ipv4.conf.eth0.rp_filter=0']);
  assert.deepEqual(f.out, ['VIP 2001:db8::100/128 on lo\n', 'ERR tsvs realserver: eth0 has no global IPv6 address for the tunnel end\n']);
});
