import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Protocol } from '../../core/model.js';
import type { ConnView } from '../../core/snapshot.js';
import type { Names } from './format-addr.js';
import { expiryText, formatConnections } from './list-conns.js';
import { conn } from './list-testkit.js';

function lines(...ls: string[]): string {
  return ls.map((l) => `${l.replace(/\|$/, '')}\n`).join('');
}


/** The entries of ipvs.md §6.7's example, in the order the table gave them. */
const REFERENCE: ConnView[] = [
  conn({}),
  conn({ cport: 51500, daddr: '192.168.1.12', dport: 8080, state: 'FIN_WAIT', expiresMs: 118_000 }),
  conn({ protocol: 'UDP', caddr: '198.51.100.2', cport: 40000, vport: 53, daddr: '10.0.0.31', dport: 53, state: 'UDP', expiresMs: 297_500, fwd: 'tun' }),
  conn({ caddr: '203.0.113.0', cport: 0, vport: 443, daddr: '10.0.0.21', dport: 443, state: 'NONE', expiresMs: 10_803_000, template: true, fwd: 'dr' }),
  conn({ protocol: 'IP', cport: 0, vaddr: '0.0.0.1', vport: 0, daddr: '192.168.1.11', dport: 0, state: 'NONE', expiresMs: 300_000, template: true }),
];

const TITLE = 'pro expire state       source             virtual            destination';

test('-L -n -c: the reference example, templates included (NONE, IP for fwmark, minutes past 99)', () => {
  assert.equal(
    formatConnections(REFERENCE, { numeric: true, persistentConn: false }),
    lines(
      'IPVS connection entries',
      TITLE,
      'TCP 14:59  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.1.11:80',
      'TCP 01:58  FIN_WAIT    203.0.113.7:51500  10.0.0.100:80      192.168.1.12:8080',
      'UDP 04:57  UDP         198.51.100.2:40000 10.0.0.100:53      10.0.0.31:53',
      'TCP 180:03 NONE        203.0.113.0:0      10.0.0.100:443     10.0.0.21:443',
      'IP  05:00  NONE        203.0.113.7:0      0.0.0.1:0          192.168.1.11:0',
    ),
  );
});

test('an empty connection table prints the two title lines', () => {
  assert.equal(formatConnections([], { numeric: true, persistentConn: false }), lines('IPVS connection entries', TITLE));
});

test('expiry: whole seconds left, never negative, mm:ss with minutes uncapped', () => {
  const at = (ms: number): string => formatConnections([conn({ expiresMs: ms })], { numeric: true, persistentConn: false }).split('\n')[2]!.slice(4, 10);
  assert.equal(at(0), '00:00 ');
  assert.equal(at(-5_000), '00:00 ');
  assert.equal(at(999), '00:00 ');
  assert.equal(at(59_999), '00:59 ');
  assert.equal(at(60_000), '01:00 ');
  assert.equal(at(5_999_000), '99:59 ');
  assert.equal(at(6_000_000), '100:00');
  assert.equal(expiryText(61 * 60 * 24), '1464:00');
});

test('ASSURED templates, SCTP and IPv6 entries; long endpoints push the columns', () => {
  const entries = [
    conn({ caddr: '203.0.113.0', cport: 0, vport: 443, daddr: '10.0.0.21', dport: 443, state: 'ASSURED', expiresMs: 358_000, template: true }),
    conn({ protocol: 'SCTP', state: 'ESTABLISHED', vport: 3868, dport: 3868, expiresMs: 900_000 }),
    conn({ family: 6, caddr: '2001:db8::7', cport: 40000, vaddr: '2001:db8::100', daddr: '2001:db8::a', state: 'SYN_RECV', expiresMs: 59_000 }),
    // A tunnel across families: IPv6 client side, IPv4 real server.
    conn({ family: 6, caddr: '2001:db8::7', cport: 40001, vaddr: '2001:db8::100', daddr: '192.168.1.11', state: 'CLOSE', expiresMs: 9_000, fwd: 'tun' }),
  ];
  assert.equal(
    formatConnections(entries, { numeric: true, persistentConn: false }),
    lines(
      'IPVS connection entries',
      TITLE,
      'TCP 05:58  ASSURED     203.0.113.0:0      10.0.0.100:443     10.0.0.21:443',
      'SCTP 15:00  ESTABLISHED 203.0.113.7:51514  10.0.0.100:3868    192.168.1.11:3868',
      'TCP 00:59  SYN_RECV    [2001:db8::7]:40000 [2001:db8::100]:80 [2001:db8::a]:80',
      'TCP 00:09  CLOSE       [2001:db8::7]:40001 [2001:db8::100]:80 192.168.1.11:80',
    ),
  );
});

test('--persistent-conn: pe columns for entries with persistence-engine data only', () => {
  const entries = [
    conn({ protocol: 'UDP', caddr: '198.51.100.2', cport: 5060, vport: 5060, dport: 5060, state: 'UDP', expiresMs: 299_000, pe: 'sip', peData: 'a84b4c76e66710' }),
    conn({ protocol: 'UDP', caddr: '198.51.100.0', cport: 0, vport: 5060, dport: 5060, state: 'NONE', expiresMs: 299_000, template: true, pe: 'sip', peData: 'a84b4c76e66710' }),
    conn({}),
  ];
  assert.equal(
    formatConnections(entries, { numeric: true, persistentConn: true }),
    lines(
      'IPVS connection entries',
      'pro expire state       source             virtual            destination        pe name          pe_data',
      'UDP 04:59  UDP         198.51.100.2:5060  10.0.0.100:5060    192.168.1.11:5060 sip                a84b4c76e66710',
      'UDP 04:59  NONE        198.51.100.0:0     10.0.0.100:5060    192.168.1.11:5060 sip                a84b4c76e66710',
      'TCP 14:59  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.1.11:80',
    ),
  );
  // Without --persistent-conn the same entries show no pe columns.
  assert.equal(
    formatConnections(entries, { numeric: true, persistentConn: false }).split('\n')[2],
    'UDP 04:59  UDP         198.51.100.2:5060  10.0.0.100:5060    192.168.1.11:5060',
  );
});

test('without -n: host and service names; no service names for IP (fwmark templates)', () => {
  const asked: string[] = [];
  const names: Names = {
    host: (a) => ({ '203.0.113.7': 'client.example.net', '10.0.0.100': 'www', '192.168.1.11': 'rs1' })[a] ?? null,
    service: (port: number, protocol: Protocol) => {
      asked.push(`${port}/${protocol}`);
      return port === 80 && protocol === 'tcp' ? 'http' : null;
    },
  };
  const text = formatConnections([REFERENCE[0]!, REFERENCE[4]!], { numeric: false, persistentConn: false }, names);
  assert.equal(
    text,
    lines(
      'IPVS connection entries',
      TITLE,
      'TCP 14:59  ESTABLISHED client.example.net:51514 www:http           rs1:http',
      'IP  05:00  NONE        client.example.net:0 0.0.0.1:0          rs1:0',
    ),
  );
  assert.deepEqual(asked, ['51514/tcp', '80/tcp', '80/tcp']);
});
