// static_routes / virtual_routes entries. Every expected message and exit status here was first
// observed from keepalived 2.2.7 `-t` on the same entry (the corpus files crafted/197-202 and a
// randomised comparison of generated entries against the real binary).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { configTestExitCode } from './diagnostics.js';
import { memoryFiles } from './memory-files.js';
import { type ParseResult, parseKeepalivedConfig } from './parse.js';

const FILE = '/k.conf';
const parse = (text: string, interfaces?: string[]): ParseResult =>
  parseKeepalivedConfig(FILE, { ...memoryFiles({ [FILE]: text }), ...(interfaces ? { interfaces } : {}) });

/** The word starting at a 1-based column of `line` ('$' just past the end of the line). */
function wordAt(line: string, col: number): string {
  return col > line.length ? '$' : (line.slice(col - 1).split(/\s+/)[0] ?? '');
}

/** One static_routes entry: "severity code @word message", located by the word pointed at. */
function staticRoute(entry: string, interfaces?: string[]): string[] {
  const r = parse(`static_routes {\n${entry}\n}\n`, interfaces);
  return r.diagnostics.map((d) => `${d.severity} ${d.code} @${d.line === 2 ? wordAt(entry, d.col) : `line${d.line}`} ${d.message}`);
}

const VI = (routes: string) =>
  `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n  10.0.0.1\n }\n virtual_routes {\n${routes} }\n}\n`;

test('well-formed routes are kept as written, with no findings', () => {
  for (const e of [
    '192.168.210.0/24 via 192.168.200.254 dev eth0 table main metric 10 mtu lock 1400 rtt 300ms',
    'blackhole 192.168.211.0/24 no_track',
    '192.168.212.0/24 dev eth1 scope link protocol keepalived',
    '192.168.213.0/24 dev eth0 nexthop via 10.0.0.2 dev eth0 weight 2 nexthop via 10.0.0.3 dev eth1 onlink',
    'to 10.1.0.0/16 dev eth0 src 10.0.0.1 tos EF advmss 1400 rttvar 2s rto_min 200ms initcwnd 10 initrwnd 10 features ecn quickack 1',
    '2001:db8::/32 dev eth0 from 2001:db8:1::/48 pref high expires 30 hoplimit 64 congctl lock cubic ttl-propagate enabled',
    'default via inet 10.0.0.254 dev eth0 append fastopen_no_cookie 1 window 10 cwnd 5 ssthresh 3 reordering 3',
    '10.2.0.0/16 dev eth0 encap ip id 5 dst 10.0.0.9 ttl 3 encap mpls 100/200 realms cosmos',
    '2001:db8:2::/48 dev eth0 encap ip6 dst 2001:db8::9 hoplimit 5 tc EF',
  ]) {
    assert.deepEqual(staticRoute(e), [], e);
  }
  const r = parse(VI('  10.5.0.0/16 dev eth0\n  10.6.0.0/16 dev eth0 table nosuch\n'));
  assert.deepEqual(r.model.vrrpInstances[0]!.virtualRoutes, [['10.5.0.0/16', 'dev', 'eth0']]);
});

test('static and virtual routes without an interface cannot be tracked (keepalived complains)', () => {
  assert.deepEqual(staticRoute('192.168.210.0/24 via 192.168.200.254'), [
    'error ignored @192.168.210.0/24 Warning - cannot track route 192.168.210.0/24 with no interface specified, not tracking',
  ]);
  // ... even when every next hop names one; no_track silences it.
  assert.deepEqual(staticRoute('10.3.0.0/16 nexthop via 10.0.0.2 dev eth0'), [
    'error ignored @10.3.0.0/16 Warning - cannot track route 10.3.0.0/16 with no interface specified, not tracking',
  ]);
  assert.deepEqual(staticRoute('10.3.0.0/16 via 10.0.0.2 no_track'), []);
  const r = parse(VI('  10.7.0.0/16 via 10.0.0.2\n'));
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), ['8:3 Warning - cannot track route 10.7.0.0/16 with no interface specified, not tracking']);
  assert.equal(r.model.vrrpInstances[0]!.virtualRoutes.length, 1);
});

test('route mistakes and keepalived messages', () => {
  const cases: Array<[string, string[]]> = [
    ['192.168.110.0/24 dev eth0 metirc 5', ['error bad-address @metirc VRRP parsed invalid IP metirc. skipping IP...', 'error bad-value @metirc unknown route keyword metirc']],
    ['192.168.110.0/24 dev eth0 table backup', ['error not-found @backup Routing table backup not found for route']],
    ['192.168.110.0/24 via fe80::1 dev eth0', ['error conflict @fe80::1 Cannot mix IPv4 and IPv6 addresses for route']],
    ['1.2.3.4 default dev eth0', ['error conflict @default Cannot mix IPv4 and IPv6 addresses for route (default)']],
    ['10.0.0.0/8 dev eth0 rtt 1e3', ['error bad-value @1e3 Invalid rtt 1e3 for route']],
    ['10.0.0.0/8 dev eth0 cwnd 1s', ["error invalid-number @1s invalid number '1s'", 'error bad-value @1s Invalid cwnd value 1s specified for route']],
    ['10.0.0.0/8 dev eth0 hoplimit 1.5', ["error invalid-number @1.5 invalid number '1.5'", 'error bad-value @1.5 Invalid hoplimit 1.5 specified for route']],
    ['10.0.0.0/8 dev eth0 protocol 1.5', ['error not-found @1.5 Protocol 1.5 not found or invalid for route']],
    ['10.0.0.0/8 dev eth0 protocol static', ['error value-adjusted @10.0.0.0/8 Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol']],
    ['10.0.0.0/8 dev eth0 pref high', ['error conflict @pref pref is only valid for IPv6']],
    ['10.0.0.0/8 dev eth0 ttl-propagate 1s', ['error bad-value @1s ttl-propagate value 1s not recognised']],
    ['10.0.0.0/8 dev eth0 features foo', ['error bad-value @foo feature foo not supported']],
    ['10.0.0.0/8 dev eth0 from 10.1.0.0/16', ['error conflict @10.1.0.0/16 route from address only supported with IPv6 (10.1.0.0/16)']],
    ['10.1.2.0/33 dev eth0', ["error out-of-range @10.1.2.0/33 number '33' outside range [0, 32]", 'error bad-address @10.1.2.0/33 Invalid address prefix len 33 for address 10.1.2.0/33 - using 32']],
    ['dev eth0', ['error missing-required @dev Route must have a destination']],
    ['10.0.0.0/8 via 10.0.0.1 or 10.0.0.2 dev eth0', ['error deprecated @or "or" for routes is deprecated. Please use "nexthop"']],
    ['10.0.0.0/8 via 10.0.0.1 or 10.0.0.2 dev eth0 nexthop via 10.0.0.3', ['error deprecated @or "or" for routes is deprecated. Please use "nexthop"', 'error conflict @nexthop Cannot specify nexthops with "or" route', 'error bad-value @nexthop Route has trailing nonsense - nexthop']],
    ['10.0.0.0/8 gw 10.0.0.1 dev eth0', ['error deprecated @gw "gw" for routes is deprecated. Please use "via"']],
    ['10.0.0.0/8 dev eth0 as to 10.9.9.9', ['error bad-value @as "as to" for MPLS only - ignoring']],
    // keepalived 2.2.7 steps over the word after inet / inet6.
    ['inet 10.0.0.0/8 dev eth0', ['error missing-required @inet Route must have a destination']],
    // Next hops: the route is kept, keepalived only stops reading next hops.
    ['10.0.0.0/8 dev eth0 nexthop via 10.0.0.2 weight 0', ['error bad-value @0 Invalid weight 0 specified for route']],
    ['10.0.0.0/8 dev eth0 nexthop via 10.0.0.2 frob', ['error bad-value @frob Route has trailing nonsense after nexthops - frob']],
    ['10.0.0.0/8 dev eth0 nexthop via 2001:db8::1', ['error bad-value @2001:db8::1 Address family mismatch for next hop']],
    ['10.0.0.0/8 dev eth0 nexthop as to 1.2.3.4', ["error bad-value @as 'as [to]' (nat) not supported"]],
    // Encapsulation: mistakes are reported; the route is kept unless reading on fails.
    ['10.0.0.0/8 dev eth0 encap ip ttl 3', ['error bad-value @ip address or id missing for ip encapsulation']],
    // After a bad encap value keepalived reads on from the key that failed, as a route word.
    ['10.0.0.0/8 dev eth0 encap ip dst 2001:db8::1', ['error bad-value @dst IPv6 address 2001:db8::1 not valid for ip encapsulation', 'error bad-address @dst VRRP parsed invalid IP dst. skipping IP...', 'error bad-value @dst unknown route keyword dst']],
    ['10.0.0.0/8 dev eth0 encap ip6 dst 2001:db8::1 tc foo', ['error bad-value @tc tc value tc is invalid for ip6 encapsulation', 'error bad-address @tc VRRP parsed invalid IP tc. skipping IP...', 'error bad-value @tc unknown route keyword tc']],
    ['10.0.0.0/8 dev eth0 encap mpls 1048576', ['error bad-value @1048576 invalid mpls address 1048576 for encapsulation']],
    ['10.0.0.0/8 dev eth0 encap ila 1:2:3', ['error bad-value @1:2:3 invalid locator 1:2:3 for ila encapsulation']],
    ['10.0.0.0/8 dev eth0 encap foo bar', ['error bad-value @foo Unknown encap type - foo']],
    ['10.0.0.0/8 dev eth0 encap', ['error missing-required @encap Missing encap type']],
  ];
  for (const [entry, want] of cases) assert.deepEqual(staticRoute(entry), want, entry);
});

test('track_group only in static routes, and only with an interface', () => {
  const tg = 'track_group TG1 {\n group {\n  VI_1\n }\n}\n';
  const routes = (e: string) => parse(`${tg}static_routes {\n${e}\n}\n`).diagnostics.map((d) => d.message);
  assert.deepEqual(routes('10.0.0.0/8 dev eth0 track_group TG1'), []);
  assert.deepEqual(routes('10.0.0.0/8 no_track track_group TG1'), ['Static route cannot have track group if no oif specified']);
  // A duplicate ends the entry, and what follows it is "trailing nonsense": the route is dropped.
  assert.deepEqual(routes('10.0.0.0/8 dev eth0 track_group TG1 track_group TG1'), ['track_group TG1 is a duplicate', 'Route has trailing nonsense - TG1']);
  const virtual = parse(`${tg}${VI('  10.0.0.0/8 dev eth0 track_group TG1\n')}`);
  assert.deepEqual(virtual.diagnostics.map((d) => d.message), ['VRRP parsed invalid IP track_group. skipping IP...', 'unknown route keyword track_group']);
});

test('interfaces and VRFs are checked against the host when its interfaces are known', () => {
  assert.deepEqual(staticRoute('10.0.0.0/8 dev eth9', ['eth0']), [
    "error unknown-interface @eth9 WARNING - interface eth9 for VROUTE nexthop doesn't exist",
    'error unknown-interface @eth9 Non-existent interface specified in configuration',
  ]);
  assert.deepEqual(staticRoute('10.0.0.0/8 dev eth0 vrf blue', ['eth0']), ['error unknown-interface @blue VRF blue not found for route']);
  assert.deepEqual(staticRoute('10.0.0.0/8 dev eth9 vrf blue'), []);
});

test('a word missing after an option is keepalived\'s fatal missing parameter (exit 2)', () => {
  const r = parse('static_routes {\n 10.0.0.0/8 dev eth0 mtu lock\n}\n');
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), [
    '2:30 *** Configuration line starting `10.0.0.0/8` is missing a parameter after keyword `lock` at word position 6',
  ]);
  assert.equal(configTestExitCode(r.diagnostics), 2);
});

test('any words: route and rule entries never throw and every location is on the entry line', () => {
  const word = fc.constantFrom('via', 'dev', 'eth0', 'nexthop', 'encap', 'ip', 'ip6', 'mpls', 'dst', 'id', 'or', 'gw', 'inet', 'inet6', 'table',
    'from', 'to', 'goto', 'preference', 'lock', 'mtu', 'rtt', '10.0.0.0/8', '2001:db8::1', 'default', '5', '0x10', '-1', 'x', '1-2', 'blackhole', 'track_group', 'TG1');
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), (words, rules, isStatic) => {
      const entry = words.join(' ');
      const block = rules ? 'rules' : 'routes';
      const text = isStatic ? `static_${block} {\n${entry}\n}\n` : VI(`${entry}\n`).replace('virtual_routes', `virtual_${block}`);
      const line = isStatic ? 2 : 8;
      const r = parse(text);
      for (const d of r.diagnostics) {
        assert.equal(d.line, line, `${d.message} in ${text}`);
        assert.ok(d.col >= 1 && d.col <= entry.length + 1, `${d.col}: ${d.message}`);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
