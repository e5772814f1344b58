// Values on ipvsadm command lines: service and real-server addresses (IPv4 forms, IPv6, names),
// numbers and their limits, -M by address family, -b against the final scheduler, the defaults
// every -A/-E/-a/-e starts from, and every validation message with its exit status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SVC_F, type DestSpec, type ServiceKey, type ServiceSpec } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { parseIpvsadmArgs } from './parse.js';
import type { Resolver } from './resolver.js';

function op(argv: string[], resolver?: Resolver): Op {
  const r = parseIpvsadmArgs(argv, resolver);
  if (!r.ok) assert.fail(`${argv.join(' ')} → ${r.error.message}`);
  if (r.command.kind !== 'op') assert.fail(`${argv.join(' ')} is not a change`);
  return r.command.op;
}
function error(argv: string[], message: string): void {
  assert.deepEqual(parseIpvsadmArgs(argv), { ok: false, error: { message, exitCode: 2, exits: true } }, argv.join(' '));
}
function service(argv: string[]): ServiceSpec {
  const o = op(argv);
  if (o.type !== 'add-service' && o.type !== 'edit-service') assert.fail(`${argv.join(' ')} gives ${o.type}`);
  return o.service;
}
function dest(argv: string[], resolver?: Resolver): DestSpec {
  const o = op(argv, resolver);
  if (o.type !== 'add-dest' && o.type !== 'edit-dest') assert.fail(`${argv.join(' ')} gives ${o.type}`);
  return o.dest;
}
const key = (addr: string, port: number, protocol: 'tcp' | 'udp' | 'sctp' = 'tcp', family: 4 | 6 = 4): ServiceKey => ({ kind: 'addr', family, protocol, addr, port });
const BAD_VS = 'illegal virtual server address[:port] specified';
const BAD_RS = 'illegal real server address[:port] specified';

test('IPv4 service addresses use inet_aton forms; a digits-only word is refused', () => {
  const k = (word: string, extra: string[] = []): ServiceKey => service(['-A', '-t', word, ...extra]).key;
  assert.deepEqual(k('10.1:80'), key('10.0.0.1', 80));
  assert.deepEqual(k('167772161:80'), key('10.0.0.1', 80));
  assert.deepEqual(k('0x0a000001:80'), key('10.0.0.1', 80));
  assert.deepEqual(k('1234:80'), key('0.0.4.210', 80));
  assert.deepEqual(k('1.2.3.4:+80'), key('1.2.3.4', 80));
  assert.deepEqual(k('1.2.3.4: 80'), key('1.2.3.4', 80));
  assert.deepEqual(k('1.2.3.4 trailing:80'), key('1.2.3.4', 80));
  assert.deepEqual(k('1.2.3.4:-0', ['-p']), key('1.2.3.4', 0));
  // In brackets an IPv4 address loses its port (ipvsadm then finds no ':' after the host).
  assert.deepEqual(k('[1.2.3.4]:80', ['-p']), key('1.2.3.4', 0));
  for (const word of ['1234', '', '1.2.3.4:', '1.2.3.4:65536', ':80', '1.2.3.4.5:80', '256.1.1.1:80', '08.1.1.1:80', 'www.example.com:80']) {
    error(['-A', '-t', word], BAD_VS);
  }
});

test('port names follow the service protocol; without a resolver only well-known names work', () => {
  assert.deepEqual(service(['-A', '-t', '1.2.3.4:http']).key, key('1.2.3.4', 80));
  assert.deepEqual(service(['-A', '-t', '1.2.3.4:www']).key, key('1.2.3.4', 80));
  assert.deepEqual(service(['-A', '-t', '1.2.3.4:https']).key, key('1.2.3.4', 443));
  assert.deepEqual(service(['-A', '-u', '1.2.3.4:domain']).key, key('1.2.3.4', 53, 'udp'));
  error(['-A', '-u', '1.2.3.4:http'], BAD_VS);
  error(['-A', '--sctp-service', '1.2.3.4:http'], BAD_VS);
  assert.deepEqual(service(['-A', '--sctp-service', '1.2.3.4:3868']).key, key('1.2.3.4', 3868, 'sctp'));
});

test('an injected resolver answers host and port names (IPv4 hosts only)', () => {
  const asked: string[] = [];
  const resolver: Resolver = {
    host: (name, family) => {
      asked.push(`host ${name} ${family}`);
      return name === 'www.example.com' ? '192.0.2.10' : name === 'mask.example' ? '255.255.0.0' : null;
    },
    service: (name, protocol) => {
      asked.push(`service ${name} ${protocol}`);
      return name === 'web' ? 8080 : null;
    },
  };
  const r = parseIpvsadmArgs(['-A', '-t', 'www.example.com:web', '-p', '-M', 'mask.example'], resolver);
  assert.deepEqual(r, { ok: true, command: { kind: 'op', name: 'add-service', op: { type: 'add-service', service: { key: key('192.0.2.10', 8080), scheduler: 'wlc', flags: SVC_F.PERSISTENT, timeout: 360, netmask: 0xffff0000, pe: '' } } } });
  assert.deepEqual(asked, ['host www.example.com 4', 'service web tcp', 'host mask.example 4']);
  assert.equal(parseIpvsadmArgs(['-A', '-t', 'www.example.com:http'], resolver).ok, false);
  // A literal never reaches the resolver.
  asked.length = 0;
  assert.equal(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8'], resolver).addr, '5.6.7.8');
  assert.deepEqual(asked, []);
});

test('IPv6 services: [addr]:port, bare literals taken whole, netmask 128', () => {
  assert.deepEqual(service(['-A', '-t', '[2001:DB8:0::1]:80']), { key: key('2001:db8::1', 80, 'tcp', 6), scheduler: 'wlc', flags: 0, timeout: 0, netmask: 128, pe: '' });
  assert.deepEqual(service(['-A', '-u', '[::ffff:1.2.3.4]:53']).key, key('::ffff:1.2.3.4', 53, 'udp', 6));
  // A bare literal has no port, so it needs persistence.
  assert.deepEqual(service(['-A', '-t', '2001:db8::1:80', '-p']).key, key('2001:db8::1:80', 0, 'tcp', 6));
  error(['-A', '-t', '2001:db8::1:80'], 'Zero port specified for non-persistent service');
  for (const word of ['[::1]', '[::1]x80', '[::1:80', '[::1]:', '[::1]:65536', '[:::1]:80', '[1::2::3]:80']) error(['-A', '-t', word], BAD_VS);
  assert.deepEqual(service(['-A', '-f', '1', '-6']).key, { kind: 'fwmark', family: 6, fwmark: 1 });
  assert.equal(service(['-A', '-f', '1', '-6']).netmask, 128);
  error(['-A', '-6', '-f', '1'], '-6 used before -f\n');
  error(['-A', '-t', '1.2.3.4:80', '-6'], '-6 used before -f\n');
});

test('-M is read by the family known at that point', () => {
  const mask = (argv: string[]): number => service(['-A', ...argv]).netmask;
  assert.equal(mask(['-t', '1.2.3.4:80', '-p', '-M', '255.255.255.0']), 0xffffff00);
  assert.equal(mask(['-M', '255.255.255.0', '-t', '1.2.3.4:80', '-p']), 0xffffff00);
  assert.equal(mask(['-t', '1.2.3.4:80', '-M', '24']), 24);
  assert.equal(mask(['-t', '[::1]:80', '-p', '-M', '64']), 64);
  assert.equal(mask(['-t', '[::1]:80', '-M', '64abc']), 64);
  // Read as IPv4 (0.0.0.64) before the IPv6 address, which then resets the mask to 128.
  assert.equal(mask(['-M', '64', '-t', '[::1]:80']), 128);
  assert.equal(mask(['-f', '1', '-6', '-M', '48']), 48);
  assert.equal(mask(['-f', '1', '-M', '48', '-6']), 128);
  error(['-A', '-t', '[::1]:80', '-M', '255.255.255.0'], 'illegal ipv6 netmask specified');
  error(['-A', '-t', '[::1]:80', '-M', '129'], 'illegal ipv6 netmask specified');
  error(['-A', '-t', '[::1]:80', '-M', '0'], 'illegal ipv6 netmask specified');
  error(['-A', '-t', '1.2.3.4:80', '-M', '255.255.255.256'], 'illegal virtual server persistent mask specified');
  error(['-A', '-t', '1.2.3.4:80', '-M', 'mask.example'], 'illegal virtual server persistent mask specified');
});

test('-b flags are checked against the final -s (wlc when none)', () => {
  const flags = (argv: string[]): number => service(['-A', '-t', '1.2.3.4:80', ...argv]).flags;
  assert.equal(flags(['-s', 'rr', '-b', 'flag-1,flag-3']), SVC_F.SCHED1 | SVC_F.SCHED3);
  assert.equal(flags(['-b', 'flag-2']), SVC_F.SCHED2);
  assert.equal(flags(['-b', 'sh-port', '-s', 'sh']), SVC_F.SCHED2);
  assert.equal(flags(['-s', 'sh', '-b', 'sh-fallback,sh-port']), SVC_F.SCHED1 | SVC_F.SCHED2);
  assert.equal(flags(['-s', 'mh', '-b', 'mh-fallback,mh-port', '-p']), SVC_F.PERSISTENT | SVC_F.SCHED1 | SVC_F.SCHED2);
  assert.equal(flags(['-s', 'rr', '-b', '']), 0);
  assert.equal(flags(['-s', 'rr', '-b', ',']), 0);
  error(['-A', '-t', '1.2.3.4:80', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'");
  error(['-A', '-t', '1.2.3.4:80', '-s', 'mh', '-b', 'sh-fallback'], "incompatible scheduler flag `sh-fallback'");
  error(['-A', '-t', '1.2.3.4:80', '-s', 'sh', '-b', 'mh-port'], "incompatible scheduler flag `mh-port'");
  error(['-A', '-t', '1.2.3.4:80', '-s', 'sh', '-b', 'sh-port,foo'], "invalid scheduler flag `foo'");
  error(['-A', '-t', '1.2.3.4:80', '-b', 'foo,sh-port'], "invalid scheduler flag `foo'");
  // Flags are parsed before the option matrix is consulted.
  error(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-b', 'foo'], "invalid scheduler flag `foo'");
  error(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-b', 'flag-1'], "Illegal 'sched-flags' option with the 'add-server' command");
});

test('-A/-E start from defaults: wlc, no persistence, no OPS; scheduler and pe names are cut', () => {
  assert.deepEqual(op(['-E', '-t', '1.2.3.4:80']), { type: 'edit-service', service: { key: key('1.2.3.4', 80), scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } });
  assert.equal(service(['-A', '-t', '1.2.3.4:80', '-s', '']).scheduler, 'wlc');
  assert.equal(service(['-A', '-t', '1.2.3.4:80', '-s', 'twos']).scheduler, 'twos');
  assert.equal(service(['-A', '-t', '1.2.3.4:80', '-s', 'abcdefghijklmnopqrstuvwxyz']).scheduler, 'abcdefghijklmno');
  assert.equal(service(['-A', '-t', '1.2.3.4:80', '--pe', 'abcdefghijklmnopqrstuvwxyz']).pe, 'abcdefghijklmnop');
  assert.deepEqual(service(['-A', '-u', '1.2.3.4:53', '-o', '--pe', 'sip', '-p', '60']), { key: key('1.2.3.4', 53, 'udp'), scheduler: 'wlc', flags: SVC_F.ONEPACKET | SVC_F.PERSISTENT, timeout: 60, netmask: 0xffffffff, pe: 'sip' });
  assert.equal(service(['-A', '-f', '9', '-o']).flags, SVC_F.ONEPACKET);
  error(['-A', '-t', '1.2.3.4:80', '-o'], 'One-Packet Scheduling is only for UDP virtual services');
  error(['-E', '--sctp-service', '1.2.3.4:80', '-o'], 'One-Packet Scheduling is only for UDP virtual services');
  error(['-A', '-t', '1.2.3.4'], 'Zero port specified for non-persistent service');
  assert.deepEqual(service(['-A', '-f', '1']).key, { kind: 'fwmark', family: 4, fwmark: 1 });
});

test('fwmarks are 1..4294967295 in base 10', () => {
  assert.deepEqual(service(['-A', '-f', '4294967295']).key, { kind: 'fwmark', family: 4, fwmark: 4294967295 });
  assert.deepEqual(service(['-A', '-f', ' +5']).key, { kind: 'fwmark', family: 4, fwmark: 5 });
  for (const bad of ['0', '-1', '4294967296', '5x', '', '0x10']) error(['-A', '-f', bad], `invalid fwmark value \`${bad}' specified`);
});

test('-a/-e start from defaults: DR, weight 1, no thresholds, ipip without checksum', () => {
  const base = { family: 4, addr: '5.6.7.8', port: 80, fwd: 'dr', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' } as const;
  assert.deepEqual(op(['-e', '-t', '1.2.3.4:80', '-r', '5.6.7.8']), { type: 'edit-dest', service: key('1.2.3.4', 80), dest: base });
  assert.deepEqual(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8:8080', '-m', '-w', '0', '-x', '100', '-y', '50']), { ...base, port: 8080, fwd: 'nat', weight: 0, uThreshold: 100, lThreshold: 50 });
  assert.deepEqual(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-i', '--tun-type', 'gue', '--tun-port', '6080', '--tun-remcsum']), { ...base, fwd: 'tun', tunType: 'gue', tunPort: 6080, tunFlags: 'remcsum' });
  assert.deepEqual(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-i', '--tun-type', 'gre', '--tun-csum']), { ...base, fwd: 'tun', tunType: 'gre', tunFlags: 'csum' });
  assert.equal(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-w', '2147483647']).weight, 2147483647);
});

test('DR and tunnel servers take the service port; NAT, fwmark and -d keep theirs', () => {
  const port = (argv: string[]): number => dest(['-a', ...argv]).port;
  assert.equal(port(['-t', '1.2.3.4:80', '-r', '5.6.7.8:8080', '-g']), 80);
  assert.equal(port(['-t', '1.2.3.4:80', '-r', '5.6.7.8:8080', '-i']), 80);
  assert.equal(port(['-t', '1.2.3.4:80', '-r', '5.6.7.8:8080', '-m']), 8080);
  assert.equal(port(['-t', '1.2.3.4:80', '-r', '5.6.7.8', '-m']), 80);
  assert.equal(port(['-f', '3', '-r', '5.6.7.8:8080']), 8080);
  assert.equal(port(['-f', '3', '-r', '5.6.7.8']), 0);
  // -r before -t: the service port is not known yet, so a NAT server gets port 0.
  assert.equal(port(['-r', '5.6.7.8', '-t', '1.2.3.4:80', '-m']), 0);
  assert.deepEqual(op(['-d', '-t', '1.2.3.4:80', '-r', '5.6.7.8:8080']), { type: 'delete-dest', service: key('1.2.3.4', 80), dest: { family: 4, addr: '5.6.7.8', port: 8080 } });
  // -r before -t cannot use a port name: the protocol is not known yet.
  error(['-a', '-r', '5.6.7.8:http', '-t', '1.2.3.4:80'], BAD_RS);
  assert.equal(port(['-t', '1.2.3.4:80', '-r', '5.6.7.8:http', '-m']), 80);
});

test('mixed address families need tunnelling; tunnel options need -i', () => {
  assert.deepEqual(dest(['-a', '-t', '1.2.3.4:80', '-r', '[2001:db8::2]:80', '-i']), { family: 6, addr: '2001:db8::2', port: 80, fwd: 'tun', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' });
  error(['-a', '-t', '1.2.3.4:80', '-r', '[2001:db8::2]:80'], 'Different address family is allowed only for tunneling servers');
  error(['-a', '-t', '[2001:db8::1]:80', '-r', '5.6.7.8', '-m'], 'Different address family is allowed only for tunneling servers');
  error(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '--tun-type', 'ipip'], 'Tunnel options conflict with forward method');
  error(['-e', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-m', '--tun-nocsum'], 'Tunnel options conflict with forward method');
  error(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-i', '--tun-type', 'vxlan'], 'illegal tunnel type specified');
  error(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-i', '--tun-type', 'gue', '--tun-port', '0'], 'illegal tunnel port specified');
  for (const word of ['1234', '5.6.7.8:', '5.6.7.8:99999', '[::2]']) error(['-a', '-t', '1.2.3.4:80', '-r', word], BAD_RS);
});

test('numeric option limits and their messages', () => {
  const cases: Array<[string[], string]> = [
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-w', '2147483648'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-w', '-1'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-w', '1.5'], 'illegal weight specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-x', '2147483648'], 'illegal u_threshold specified'],
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-y', 'x'], 'illegal l_threshold specified'],
    [['--start-daemon', 'master', '--syncid', '256'], 'illegal syncid specified'],
    [['--start-daemon', 'master', '--mcast-port', '0'], 'illegal mcast-port specified'],
    [['--start-daemon', 'master', '--mcast-ttl', '256'], 'illegal mcast-ttl specified'],
    [['--start-daemon', 'master', '--sync-maxlen', '65508'], 'illegal sync-maxlen specified'],
    [['--start-daemon', 'master', '--mcast-group', '1.2.3.4'], "invalid IPv4 mcast-group `1.2.3.4'"],
    [['--start-daemon', 'master', '--mcast-group', '224.1'], "invalid IPv4 mcast-group `224.1'"],
    [['--start-daemon', 'master', '--mcast-group', 'fe80::1'], "invalid IPv6 mcast-group `fe80::1'"],
    [['-A', '-t', '1.2.3.4:80', '-w', '5', '-w', 'x'], "multiple 'weight' options specified"],
    [['-A', '-t', '1.2.3.4:80', '-u', '1.2.3.4:80'], "multiple 'service-address' options specified"],
    [['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-g', '-m'], "multiple 'forwarding-method' options specified"],
  ];
  for (const [argv, message] of cases) error(argv, message);
  assert.equal(dest(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', '-w', ' +7']).weight, 7);
});
