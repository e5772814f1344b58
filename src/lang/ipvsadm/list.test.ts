import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import { SVC_F } from '../../core/model.js';
import type { Names } from './format-addr.js';
import { formatList, NO_SUCH_SERVICE } from './list.js';
import { addDest, addService, addrKey, applyAll, destSpec, fwmKey, listOptions, referenceTable, serviceSpec, setConns, snapshot } from './list-testkit.js';

/** Golden text with `|` marking each line end, so trailing spaces are visible in the source. */
function lines(...ls: string[]): string {
  return ls.map((l) => `${l.replace(/\|$/, '')}\n`).join('');
}

function listed(ipvs: Ipvs, over: Parameters<typeof listOptions>[0] = {}, names?: Names): string {
  const r = formatList(snapshot(ipvs), listOptions({ numeric: true, ...over }), undefined, names);
  assert.equal(r.ok, true);
  return r.ok ? r.text : '';
}

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)|';
const TITLE = ['Prot LocalAddress:Port Scheduler Flags|', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn|'];

test('default format: the reference example, byte for byte', () => {
  assert.equal(
    listed(referenceTable()),
    lines(
      HEADER,
      ...TITLE,
      'TCP  10.0.0.100:80 wlc|',
      '  -> 192.168.1.11:80              Masq    1      12         3         |',
      '  -> 192.168.1.12:8080            Masq    3      40         7         |',
      'TCP  10.0.0.100:443 rr persistent 360 mask 255.255.255.0|',
      '  -> 10.0.0.21:443                Route   1      0          0         |',
      '  -> 10.0.0.22:443                Route   0      5          2         |',
      'UDP  10.0.0.100:53 sh (sh-fallback,sh-port) ops|',
      '  -> 10.0.0.31:53                 Tunnel  2      0          17        |',
      'TCP  [2001:db8::100]:80 mh (mh-port)|',
      '  -> [2001:db8::a]:80             Masq    1      0          0         |',
      'FWM  1 wlc persistent 300|',
      '  -> 192.168.1.11:0               Masq    1      0          0         |',
      'FWM  2 IPv6 rr|',
      '  -> [2001:db8::b]:0              Route   1      0          0         |',
    ),
  );
});

test('seed 001: rr over two DR real servers (-r without a port takes the service port)', () => {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '192.168.30.254', 80);
  addService(ipvs, serviceSpec(vip, 'rr'));
  setConns(addDest(ipvs, vip, destSpec('192.168.30.113', 80)), 0, 22);
  setConns(addDest(ipvs, vip, destSpec('192.168.30.114', 80)), 1, 22);
  assert.equal(
    listed(ipvs),
    lines(
      HEADER,
      ...TITLE,
      'TCP  192.168.30.254:80 rr|',
      '  -> 192.168.30.113:80            Route   1      0          22        |',
      '  -> 192.168.30.114:80            Route   1      1          22        |',
    ),
  );
});

test('seed 002: an empty table, then wlc -p 120 with two DR servers', () => {
  const ipvs = new Ipvs();
  assert.equal(listed(ipvs, { numeric: false }), lines(HEADER, ...TITLE));
  const vip = addrKey('tcp', '172.17.252.38', 8080);
  addService(ipvs, serviceSpec(vip, 'wlc', { flags: SVC_F.PERSISTENT, timeout: 120 }));
  addDest(ipvs, vip, destSpec('39.106.40.172', 8080));
  addDest(ipvs, vip, destSpec('39.107.137.111', 8080));
  assert.equal(
    listed(ipvs),
    lines(
      HEADER,
      ...TITLE,
      'TCP  172.17.252.38:8080 wlc persistent 120|',
      '  -> 39.106.40.172:8080           Route   1      0          0         |',
      '  -> 39.107.137.111:8080          Route   1      0          0         |',
    ),
  );
});

test('seed 003: NAT with the weight edited to 3', () => {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '172.18.0.100', 80);
  addService(ipvs, serviceSpec(vip, 'wrr'));
  addDest(ipvs, vip, destSpec('192.168.59.131', 80, { fwd: 'nat' }));
  addDest(ipvs, vip, destSpec('192.168.59.132', 80, { fwd: 'nat' }));
  applyAll(ipvs, { type: 'edit-dest', service: vip, dest: destSpec('192.168.59.131', 80, { fwd: 'nat', weight: 3 }) });
  assert.equal(
    listed(ipvs),
    lines(
      HEADER,
      ...TITLE,
      'TCP  172.18.0.100:80 wrr|',
      '  -> 192.168.59.131:80            Masq    3      0          0         |',
      '  -> 192.168.59.132:80            Masq    1      0          0         |',
    ),
  );
});

test('-L <service>: title and that service only, no version header; a missing one is "No such service", exit 1', () => {
  const ipvs = referenceTable();
  const one = formatList(snapshot(ipvs), listOptions({ numeric: true }), addrKey('tcp', '10.0.0.100', 443));
  assert.deepEqual(one, {
    ok: true,
    text: lines(
      ...TITLE,
      'TCP  10.0.0.100:443 rr persistent 360 mask 255.255.255.0|',
      '  -> 10.0.0.21:443                Route   1      0          0         |',
      '  -> 10.0.0.22:443                Route   0      5          2         |',
    ),
  });
  const fwm = formatList(snapshot(ipvs), listOptions({ numeric: true }), fwmKey(2, 6));
  assert.deepEqual(fwm, { ok: true, text: lines(...TITLE, 'FWM  2 IPv6 rr|', '  -> [2001:db8::b]:0              Route   1      0          0         |') });
  assert.deepEqual(formatList(snapshot(ipvs), listOptions(), fwmKey(2)), { ok: false, error: NO_SUCH_SERVICE });
  assert.deepEqual(formatList(snapshot(ipvs), listOptions(), addrKey('udp', '10.0.0.100', 80)), {
    ok: false,
    error: { message: 'No such service', exitCode: 1, exits: true },
  });
});

test('--nosort: destinations in kernel order (newest first), services address-then-fwmark', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(fwmKey(7), 'rr'));
  const vip = addrKey('tcp', '10.0.0.1', 80);
  addService(ipvs, serviceSpec(vip, 'rr'));
  addDest(ipvs, vip, destSpec('10.0.1.2', 80));
  addDest(ipvs, vip, destSpec('10.0.1.1', 80));
  addDest(ipvs, vip, destSpec('10.0.1.3', 80));
  const expectLines = (order: string[]): string =>
    lines(HEADER, ...TITLE, 'TCP  10.0.0.1:80 rr|', ...order.map((a) => `  -> ${`${a}:80`.padEnd(28)} Route   1      0          0         |`), 'FWM  7 rr|');
  assert.equal(listed(ipvs, { nosort: true }), expectLines(['10.0.1.3', '10.0.1.1', '10.0.1.2']));
  assert.equal(listed(ipvs), expectLines(['10.0.1.1', '10.0.1.2', '10.0.1.3']));
});

test('service line: flag-1..3 for other schedulers, IPv6 mask, pe only with persistence, ops last', () => {
  const ipvs = new Ipvs();
  const a = addrKey('udp', '10.0.0.1', 5060);
  addService(ipvs, serviceSpec(a, 'rr', { flags: SVC_F.PERSISTENT | SVC_F.ONEPACKET | SVC_F.SCHED1 | SVC_F.SCHED3, timeout: 30, pe: 'sip' }));
  const b = addrKey('udp', '10.0.0.2', 5060);
  addService(ipvs, serviceSpec(b, 'rr', { pe: 'sip', flags: SVC_F.SCHED2 }));
  const c = addrKey('tcp', '2001:db8::1', 443);
  addService(ipvs, serviceSpec(c, 'none', { flags: SVC_F.PERSISTENT, timeout: 2678400, netmask: 64 }));
  const d = addrKey('tcp', '2001:db8::2', 443);
  addService(ipvs, serviceSpec(d, 'rr', { flags: SVC_F.PERSISTENT, timeout: 1, netmask: 128 }));
  const e = addrKey('sctp', '10.0.0.3', 0);
  addService(ipvs, serviceSpec(e, 'rr', { flags: SVC_F.PERSISTENT, timeout: 360, netmask: 0 }));
  assert.equal(
    listed(ipvs),
    lines(
      HEADER,
      ...TITLE,
      'UDP  10.0.0.1:5060 rr (flag-1,flag-3) persistent 30 pe sip ops|',
      'UDP  10.0.0.2:5060 rr (flag-2)|',
      'SCTP 10.0.0.3:0 rr persistent 360 mask 0.0.0.0|',
      'TCP  [2001:db8::1]:443 none persistent 2678400 mask 64|',
      'TCP  [2001:db8::2]:443 rr persistent 1|',
    ),
  );
});

test('forwarding column: Masq, Local, Tunnel, Route; weights and counters left aligned', () => {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '10.0.0.1', 80);
  addService(ipvs, serviceSpec(vip, 'rr'));
  setConns(addDest(ipvs, vip, destSpec('10.0.0.2', 80, { fwd: 'local', weight: 65535 })), 4294967295, 1234567890);
  addDest(ipvs, vip, destSpec('10.0.0.3', 80, { fwd: 'nat', weight: 2147483647 }));
  assert.equal(
    listed(ipvs),
    lines(
      HEADER,
      ...TITLE,
      'TCP  10.0.0.1:80 rr|',
      '  -> 10.0.0.2:80                  Local   65535  4294967295 1234567890|',
      '  -> 10.0.0.3:80                  Masq    2147483647 0          0         |',
    ),
  );
});

test('connection table size in the header follows conn_tab_bits', () => {
  const ipvs = new Ipvs({ sysctls: { conn_tab_bits: 20 } });
  assert.equal(listed(ipvs).split('\n')[0], 'IP Virtual Server version 1.2.1 (size=1048576)');
});

test('--timeout and --daemon are answered by -L (service argument first, as ipvsadm checks it first)', () => {
  const ipvs = new Ipvs();
  applyAll(ipvs, { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  assert.deepEqual(formatList(snapshot(ipvs), listOptions({ timeout: true })), { ok: true, text: 'Timeout (tcp tcpfin udp): 30 5 60\n' });
  assert.deepEqual(formatList(snapshot(ipvs), listOptions({ daemon: true })), { ok: true, text: '' });
  assert.deepEqual(formatList(snapshot(ipvs), listOptions({ timeout: true }), fwmKey(3)), { ok: false, error: NO_SUCH_SERVICE });
});
