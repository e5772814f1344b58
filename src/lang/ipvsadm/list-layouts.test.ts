import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import { SVC_F, type Protocol } from '../../core/model.js';
import type { Names } from './format-addr.js';
import { formatList, listLayout } from './list.js';
import {
  addDest,
  addService,
  addrKey,
  destSpec,
  listOptions,
  serviceSpec,
  setConns,
  setCounters,
  settleRates,
  snapshot,
} from './list-testkit.js';

function lines(...ls: string[]): string {
  return ls.map((l) => `${l.replace(/\|$/, '')}\n`).join('');
}

function listed(ipvs: Ipvs, over: Parameters<typeof listOptions>[0], names?: Names): string {
  const r = formatList(snapshot(ipvs), listOptions({ numeric: true, ...over }), undefined, names);
  assert.equal(r.ok, true);
  return r.ok ? r.text : '';
}

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)';
const WEB = addrKey('tcp', '10.0.0.100', 80);

/** ipvs.md §6.6 --stats example: one service, one destination with counters. */
function statsTable(): Ipvs {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(WEB, 'wlc'));
  setCounters(ipvs.getService(WEB)!.stats, { conns: 1532, inpkts: 98211, outpkts: 87123, inbytes: 123456789, outbytes: 2345678901 });
  const d = addDest(ipvs, WEB, destSpec('192.168.1.11', 80, { fwd: 'nat' }));
  setCounters(d.stats, { conns: 766, inpkts: 49100, outpkts: 43500, inbytes: 61728394, outbytes: 1172839450 });
  return ipvs;
}

test('--stats: 33-column identity, 9-column counters, K/M abbreviation', () => {
  assert.equal(
    listed(statsTable(), { stats: true }),
    lines(
      HEADER,
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.100:80                    1532    98211    87123  123456K    2345M',
      '  -> 192.168.1.11:80                   766    49100    43500 61728394    1172M',
    ),
  );
});

test('--stats --exact: full numbers, one space before those past 8 digits', () => {
  assert.equal(
    listed(statsTable(), { stats: true, exact: true }),
    lines(
      HEADER,
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.100:80                    1532    98211    87123 123456789 2345678901',
      '  -> 192.168.1.11:80                   766    49100    43500 61728394 1172839450',
    ),
  );
});

test('--stats shows counters since the last zeroing', () => {
  const ipvs = statsTable();
  ipvs.apply({ type: 'zero', service: WEB });
  ipvs.getService(WEB)!.stats.conns += 5;
  const text = listed(ipvs, { stats: true });
  assert.equal(text.split('\n')[3], 'TCP  10.0.0.100:80                       5        0        0        0        0');
  assert.equal(text.split('\n')[4], '  -> 192.168.1.11:80                     0        0        0        0        0');
});

test('--rate: the reference example from settled estimators', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(WEB, 'wlc'));
  settleRates(ipvs.getService(WEB)!.stats, { cps: 12, inpps: 850, outpps: 790, inbps: 102400, outbps: 1900000 });
  const d = addDest(ipvs, WEB, destSpec('192.168.1.11', 80, { fwd: 'nat' }));
  settleRates(d.stats, { cps: 6, inpps: 425, outpps: 395, inbps: 51200, outbps: 950000 });
  assert.equal(
    listed(ipvs, { rate: true }),
    lines(
      HEADER,
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.100:80                      12      850      790   102400  1900000',
      '  -> 192.168.1.11:80                     6      425      395    51200   950000',
    ),
  );
});

test('--rate quirk: destination CPS/PPS are never abbreviated, byte rates and service rates are', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(WEB, 'wlc'));
  const big = { cps: 123456789, inpps: 200000000, outpps: 99999999, inbps: 300000000, outbps: 5 };
  settleRates(ipvs.getService(WEB)!.stats, big);
  settleRates(addDest(ipvs, WEB, destSpec('192.168.1.11', 80)).stats, big);
  const [, , , svc, dest] = listed(ipvs, { rate: true }).split('\n');
  assert.equal(svc, 'TCP  10.0.0.100:80                 123456K  200000K 99999999  300000K        5');
  assert.equal(dest, '  -> 192.168.1.11:80              123456789 200000000 99999999  300000K        5');
  const [, , , svcX, destX] = listed(ipvs, { rate: true, exact: true }).split('\n');
  assert.equal(svcX, 'TCP  10.0.0.100:80                123456789 200000000 99999999 300000000        5');
  assert.equal(destX, '  -> 192.168.1.11:80              123456789 200000000 99999999 300000000        5');
});

test('--thresholds: the reference example (service line in the scheduler form)', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(WEB, 'wlc'));
  setConns(addDest(ipvs, WEB, destSpec('192.168.1.11', 80, { fwd: 'nat', uThreshold: 1000, lThreshold: 750 })), 12, 3);
  assert.equal(
    listed(ipvs, { thresholds: true }),
    lines(
      HEADER,
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn |',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.100:80 wlc',
      '  -> 192.168.1.11:80              1000       750        12         3         |',
    ),
  );
});

test('--persistent-conn: weight, templates per server, active, inactive', () => {
  const ipvs = new Ipvs();
  const tls = addrKey('tcp', '10.0.0.100', 443);
  addService(ipvs, serviceSpec(tls, 'rr', { flags: SVC_F.PERSISTENT, timeout: 360 }));
  setConns(addDest(ipvs, tls, destSpec('10.0.0.21', 443)), 0, 0, 4);
  assert.equal(
    listed(ipvs, { persistentConn: true }),
    lines(
      HEADER,
      'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn |',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.100:443 rr persistent 360',
      '  -> 10.0.0.21:443                1         4           0          0         |',
    ),
  );
});

function tunnelTable(): Ipvs {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '207.175.44.110', 80);
  addService(ipvs, serviceSpec(vip, 'rr'));
  addDest(ipvs, vip, destSpec('192.168.10.9', 80, { fwd: 'nat' }));
  addDest(ipvs, vip, destSpec('192.168.11.1', 80, { fwd: 'tun', tunType: 'gre', tunFlags: 'csum' }));
  addDest(ipvs, vip, destSpec('192.168.10.4', 80, { fwd: 'tun' }));
  addDest(ipvs, vip, destSpec('192.168.10.1', 80, { fwd: 'tun', tunType: 'gue', tunPort: 6080 }));
  return ipvs;
}

const TUN_TITLE = ['Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn'];

test('--tun-info: the reference example (kernel order, as the reference shows it)', () => {
  assert.equal(
    listed(tunnelTable(), { tunInfo: true, nosort: true }),
    lines(
      HEADER,
      ...TUN_TITLE,
      'TCP  207.175.44.110:80 rr',
      '  -> 192.168.10.1:80              Tunnel  gue:6080:-c   1      0          0         |',
      '  -> 192.168.10.4:80              Tunnel  ipip          1      0          0         |',
      '  -> 192.168.11.1:80              Tunnel  gre:+c        1      0          0         |',
      '  -> 192.168.10.9:80              Masq    n/a           1      0          0         |',
    ),
  );
});

test('--tun-info sorted, with remote checksum and the widest GUE description', () => {
  const ipvs = tunnelTable();
  addDest(ipvs, addrKey('tcp', '207.175.44.110', 80), destSpec('192.168.10.2', 80, { fwd: 'tun', tunType: 'gue', tunPort: 65535, tunFlags: 'remcsum' }));
  assert.equal(
    listed(ipvs, { tunInfo: true }),
    lines(
      HEADER,
      ...TUN_TITLE,
      'TCP  207.175.44.110:80 rr',
      '  -> 192.168.10.1:80              Tunnel  gue:6080:-c   1      0          0         |',
      '  -> 192.168.10.2:80              Tunnel  gue:65535:r+c 1      0          0         |',
      '  -> 192.168.10.4:80              Tunnel  ipip          1      0          0         |',
      '  -> 192.168.10.9:80              Masq    n/a           1      0          0         |',
      '  -> 192.168.11.1:80              Tunnel  gre:+c        1      0          0         |',
    ),
  );
});

test('modifier precedence: stats > rate > thresholds > persistent-conn > tun-info > default', () => {
  const all = listOptions({ stats: true, rate: true, thresholds: true, persistentConn: true, tunInfo: true });
  assert.equal(listLayout(all), 'stats');
  assert.equal(listLayout({ ...all, stats: false }), 'rate');
  assert.equal(listLayout({ ...all, stats: false, rate: false }), 'thresholds');
  assert.equal(listLayout({ ...all, stats: false, rate: false, thresholds: false }), 'persistent-conn');
  assert.equal(listLayout({ ...all, stats: false, rate: false, thresholds: false, persistentConn: false }), 'tun-info');
  assert.equal(listLayout(listOptions()), 'default');
});

test('a long IPv6 identity overflows the 33 columns of --stats instead of being cut', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(addrKey('udp', '2001:db8:1234:5678:9abc:def0:1234:5678', 443), 'rr'));
  assert.equal(
    listed(ipvs, { stats: true }).split('\n')[3],
    'UDP  [2001:db8:1234:5678:9abc:def0:1234:5678]:443        0        0        0        0        0',
  );
});

const NAMES: Names = {
  host: (a) =>
    ({
      '10.0.0.100': 'www.example.com',
      '10.0.0.200': 'a-very-long-virtual-host.example.com',
      '192.168.1.11': 'backend-server-number-one.example.com',
      '192.168.1.12': 'rs2',
      '2001:db8::100': 'v6.example.com',
      '2001:db8::a': 'a-rather-long-ipv6-real-server-name.example.com',
    })[a] ?? null,
  service: (port: number, protocol: Protocol) => (protocol === 'tcp' ? ({ 80: 'http', 443: 'https' } as Record<number, string>)[port] ?? null : null),
};

test('without -n: names from the resolver; IPv4 identities cut at 33, IPv4 destinations at 28, IPv6 never', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(WEB, 'wlc'));
  addDest(ipvs, WEB, destSpec('192.168.1.11', 80, { fwd: 'nat' }));
  addDest(ipvs, WEB, destSpec('192.168.1.12', 8080, { fwd: 'nat' }));
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.200', 443), 'rr'));
  addService(ipvs, serviceSpec(addrKey('udp', '10.0.0.100', 80), 'rr'));
  const v6 = addrKey('tcp', '2001:db8::100', 80);
  addService(ipvs, serviceSpec(v6, 'rr'));
  addDest(ipvs, v6, destSpec('2001:db8::a', 80));
  assert.equal(
    listed(ipvs, { numeric: false }, NAMES),
    lines(
      HEADER,
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  www.example.com:http wlc',
      '  -> backend-server-number-one.ex Masq    1      0          0         |',
      '  -> rs2:8080                     Masq    1      0          0         |',
      'TCP  a-very-long-virtual-host.exa rr',
      'UDP  www.example.com:80 rr',
      'TCP  [v6.example.com]:http rr',
      '  -> [a-rather-long-ipv6-real-server-name.example.com]:http Route   1      0          0         |',
    ),
  );
});

test('without -n and without a resolver the numbers are shown', () => {
  assert.equal(listed(statsTable(), { numeric: false }), listed(statsTable(), { numeric: true }));
});
