// Receive validation, one row per check of keepalived.md §4.4 in its order: each malformed advert
// is dropped with keepalived 2.2.7's log line and its counter, and does not reset the down timer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeVrrp, passAuthData, vrrpLength } from '../../wire/vrrp.js';
import { encodeIpv4Header } from '../../wire/vrrp-ip.js';
import { facts, instanceConfig, SimLan, vrrpConfig } from './testkit.js';
import type { InstanceConfig, InstanceCounters, ReceivedPacket, SocketCounters } from './types.js';

interface Spec {
  version?: number;
  type?: number;
  vrid?: number;
  priority?: number;
  authType?: number;
  interval?: number;
  addresses?: string[];
  pass?: string;
  src?: string;
  dst?: string;
  ttl?: number;
  totalLength?: number;
  extra?: number;
  corrupt?: boolean;
  truncate?: number;
}

/** A v2 advert as 10.0.0.2 would send it for VRID 51 (PASS secret12), with one thing changed. */
function packet(s: Spec = {}): ReceivedPacket {
  const version = s.version ?? 2;
  const advert = {
    version, type: s.type ?? 1, vrid: s.vrid ?? 51, priority: s.priority ?? 100, authType: s.authType ?? 1, interval: s.interval ?? 1,
    addresses: s.addresses ?? ['10.0.0.100'], authData: version === 2 ? passAuthData(s.pass ?? 'secret12') : null,
  };
  const src = s.src ?? '10.0.0.2';
  const dst = s.dst ?? '224.0.0.18';
  const len = vrrpLength(advert, 4);
  let bytes = new Uint8Array(20 + len + (s.extra ?? 0));
  encodeIpv4Header({ tos: 0xc0, totalLength: s.totalLength ?? 20 + len, id: 1, fragment: 0, ttl: 255, protocol: 112, src, dst }, bytes, 0);
  encodeVrrp(advert, bytes, 20, 4, { src, dst });
  if (s.corrupt) bytes[27] ^= 0xff;
  if (s.truncate !== undefined) bytes = bytes.slice(0, s.truncate);
  return { ifname: 'eth0', family: 4, bytes, src, dst, ttl: s.ttl ?? 255 };
}

interface Row {
  readonly name: string;
  readonly pkt: ReceivedPacket;
  readonly log: string | null;
  readonly counter: keyof InstanceCounters | `socket.${keyof SocketCounters}`;
  readonly instance?: Partial<InstanceConfig>;
}

const I = '(VI_1) ';
const ROWS: readonly Row[] = [
  { name: 'shorter than the IP + VRRP headers', pkt: packet({ truncate: 27 }), log: 'IPv4 VRRP packet too short - 27 bytes', counter: 'socket.too_short' },
  { name: 'unknown VRID', pkt: packet({ vrid: 77 }), log: null, counter: 'socket.unknown_vrid' },
  { name: 'trailing bytes', pkt: packet({ extra: 4 }), log: `${I}vrrp packet too long, length 44 and expect 40`, counter: 'packet_len_err' },
  { name: 'missing bytes', pkt: packet({ truncate: 36 }), log: `${I}vrrp packet too short, length 36 and expect 40`, counter: 'packet_len_err' },
  { name: 'TTL 64', pkt: packet({ ttl: 64 }), log: `${I}invalid TTL/HL. Received 64 and expect 255`, counter: 'ip_ttl_err' },
  { name: 'version 3 to a v2 instance', pkt: packet({ version: 3, interval: 100 }), log: `${I}wrong version. Received 3 and expect 2`, counter: 'vers_err' },
  { name: 'auth type 5', pkt: packet({ authType: 5 }), log: `${I}Invalid auth type: 5`, counter: 'invalid_authtype' },
  { name: 'no authentication', pkt: packet({ authType: 0 }), log: `${I}received a 0 auth, expecting 1!`, counter: 'authtype_mismatch' },
  { name: 'wrong password', pkt: packet({ pass: 'secret13' }), log: `${I}received an invalid passwd!`, counter: 'auth_failure' },
  { name: 'advert interval 2 s', pkt: packet({ interval: 2 }), log: `${I}advertisement interval mismatch mine=1 sec rcv'd=2 sec`, counter: 'advert_interval_err' },
  { name: 'type 2', pkt: packet({ type: 2 }), log: `${I}Invalid packet type. 2 and expect 1`, counter: 'invalid_type_rcvd' },
  { name: 'two VIPs', pkt: packet({ addresses: ['10.0.0.100', '10.0.0.101'] }), log: `${I}received an unexpected ip number count 2, expected 1!`, counter: 'addr_list_err' },
  {
    name: 'IP total length differs from what arrived', pkt: packet({ authType: 0, totalLength: 60 }), instance: { authType: 0, authData: null },
    log: `${I}ip_tot_len mismatch against received length. 60 and received 40`, counter: 'packet_len_err',
  },
  { name: 'bad checksum', pkt: packet({ corrupt: true }), log: `${I}Invalid VRRPv2 checksum`, counter: 'chk_err' },
  { name: 'unicast to a multicast instance', pkt: packet({ dst: '10.0.0.3' }), log: `${I}Expected multicast packet but received unicast packet`, counter: 'addr_list_err' },
  { name: 'another VIP', pkt: packet({ addresses: ['10.0.0.99'] }), log: `${I}ip address associated with VRID 51 not present in MASTER advert: 10.0.0.100`, counter: 'addr_list_err' },
];

function backup(over: Partial<InstanceConfig> = {}, logUnknownVrids = false): { lan: SimLan; node: ReturnType<SimLan['add']> } {
  const lan = new SimLan();
  const cfg = instanceConfig({ authType: 1, authData: passAuthData('secret12'), ...over });
  const node = lan.add('B', vrrpConfig([cfg], { logUnknownVrids }), { eth0: facts('10.0.0.3') });
  node.start();
  return { lan, node };
}

for (const row of ROWS) {
  test(`rejected: ${row.name}`, () => {
    const { lan, node } = backup(row.instance);
    lan.run(1_000);
    node.receive(row.pkt);
    // Not accepted (even 'another VIP', which advert_rcvd counts): the engine must not take its sender for a peer.
    assert.equal(node.vrrp.lastAccepted(), null);
    node.receive(row.pkt);
    lan.run(3_000);
    const logs = lan.lines(['log'], 1_000).filter((l) => !l.includes('debug:'));
    const expected = row.log === null ? [] : [`1000 B info: ${row.log}`, `1000 B info: ${row.log}`];
    assert.deepEqual(logs.slice(0, expected.length), expected);
    const st = node.vrrp.status()[0]!;
    const count = row.counter.startsWith('socket.')
      ? node.vrrp.socketCounters()['eth0/4']![row.counter.slice(7) as keyof SocketCounters]
      : st.counters[row.counter as keyof InstanceCounters];
    assert.equal(count, 2);
    // The packets did not reset the down timer: master at 3609.375 as if nothing had arrived.
    assert.deepEqual(lan.lines(['transition']), ['0 B VI_1 INIT->BACKUP', '3609.375 B VI_1 BACKUP->MASTER']);
    assert.equal(st.counters.advert_rcvd, row.counter === 'addr_list_err' && row.name === 'another VIP' ? 2 : 0);
  });
}

test('accepted: counted, the down timer starts again', () => {
  const { lan, node } = backup();
  lan.run(1_000);
  node.receive(packet());
  assert.deepEqual([node.vrrp.status()[0]!.masterAddress, node.vrrp.status()[0]!.masterPriority], ['10.0.0.2', 100]);
  lan.run(4_000);
  assert.deepEqual(lan.lines(['transition']), ['0 B VI_1 INIT->BACKUP', '4609.375 B VI_1 BACKUP->MASTER']);
  assert.equal(node.vrrp.status()[0]!.counters.advert_rcvd, 1);
  assert.deepEqual([node.vrrp.status()[0]!.masterAddress, node.vrrp.status()[0]!.masterPriority], ['10.0.0.3', 100]);
});

test('lastAccepted: the advert an instance accepted, until the next datagram', () => {
  const { lan, node } = backup();
  lan.run(1_000);
  node.receive(packet({ priority: 120 }));
  const a = node.vrrp.lastAccepted();
  assert.deepEqual([a?.packet.src, a?.header.vrid, a?.header.priority], ['10.0.0.2', 51, 120]);
  node.receive(packet({ vrid: 77 }));
  assert.equal(node.vrrp.lastAccepted(), null);
  node.receive(packet({ priority: 80 })); // lower priority: discarded by the backup, but a valid advert
  assert.equal(node.vrrp.lastAccepted()?.header.priority, 80);
  node.receive(packet({ pass: 'secret13' }));
  assert.equal(node.vrrp.lastAccepted(), null);
});

test('log_unknown_vrids logs foreign VRIDs', () => {
  const { lan, node } = backup({}, true);
  node.receive(packet({ vrid: 77 }));
  assert.deepEqual(lan.lines(['log']).slice(-1), ['0 B info: Unknown VRID(77) received on interface(eth0). ignoring...']);
});

test('rejections are logged once per interval per reason when rate limiting is on', () => {
  const lan = new SimLan();
  const node = lan.add('B', vrrpConfig([instanceConfig()], { rejectLogIntervalMs: 10_000 }), { eth0: facts('10.0.0.3') });
  node.start();
  for (let i = 0; i < 3; i++) node.receive(packet({ authType: 0, ttl: 1 }));
  node.receive(packet({ authType: 0, interval: 3 }));
  lan.run(2_000);
  node.receive(packet({ authType: 0, ttl: 1 }));
  assert.deepEqual(lan.lines(['log']).filter((l) => !l.includes('debug:') && !l.includes('(init)')), [
    '0 B info: (VI_1) invalid TTL/HL. Received 1 and expect 255',
    "0 B info: (VI_1) advertisement interval mismatch mine=1 sec rcv'd=3 sec",
  ]);
  assert.equal(node.vrrp.status()[0]!.counters.ip_ttl_err, 4);
});

test("unicast: source not a peer, and TTL outside the peer's range (check_unicast_src)", () => {
  const peers = [{ address: '10.0.0.2', minTtl: 250, maxTtl: 255 }];
  const { lan, node } = backup({ authType: 0, authData: null, unicastPeers: peers, checkUnicastSrc: true });
  node.receive(packet({ authType: 0, src: '10.0.0.9', dst: '10.0.0.3' }));
  node.receive(packet({ authType: 0, dst: '10.0.0.3', ttl: 64 }));
  node.receive(packet({ authType: 0, dst: '224.0.0.18' }));
  assert.deepEqual(lan.lines(['log']).filter((l) => !l.includes('debug:') && !l.includes('(init)')), [
    '0 B info: (VI_1) unicast source address 10.0.0.9 not a unicast peer',
    '0 B info: (VI_1) TTL/HL 64 not in range 250 - 255',
    '0 B info: (VI_1) Expected unicast packet but received multicast packet',
  ]);
  assert.equal(node.vrrp.status()[0]!.counters.ip_ttl_err, 1);
});

test('VRRPv3: interval differences are accepted, the checksum covers the pseudo-header', () => {
  const { lan, node } = backup({ version: 3, authType: 0, authData: null, advertIntUs: 1_000_000 });
  node.receive(packet({ version: 3, authType: 0, interval: 50 }));
  const bad = packet({ version: 3, authType: 0, interval: 50 });
  bad.bytes[26] ^= 1;
  node.receive(bad);
  lan.run(2_000);
  assert.deepEqual(lan.lines(['log', 'transition']).filter((l) => !l.includes('(init)') && !l.includes('INIT->')), [
    '0 B debug: (VI_1) advertisement interval updated from 1000ms to 500ms by master',
    '0 B info: (VI_1) Invalid VRRPv3 checksum',
    // 3 × 0.5 s + (256 − 100) × 0.5 s / 256 after the accepted advert.
    '1804.687 B debug: (VI_1) Receive advertisement timeout',
    '1804.687 B VI_1 BACKUP->MASTER',
    '1804.687 B info: (VI_1) Entering MASTER STATE',
    '1804.687 B debug: (VI_1) changing advert interval from 500ms to locally configured 1000ms',
    '1804.687 B debug: (VI_1) setting VIPs.',
    '1804.687 B debug: (VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100',
  ]);
  assert.equal(node.vrrp.status()[0]!.counters.chk_err, 1);
});
