import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import { SVC_F } from '../../core/model.js';
import { formatProcConns, formatProcIpvs, formatProcStats, fullIPv6, procAddr } from './proc.js';
import { addDest, addService, addrKey, conn, destSpec, fwmKey, serviceSpec, setConns, setCounters, settleRates, snapshot } from './list-testkit.js';

/** Golden text with `|` marking each line end, so trailing spaces are visible in the source. */
function lines(...ls: string[]): string {
  return ls.map((l) => `${l.replace(/\|$/, '')}\n`).join('');
}

const PROC_HEADER = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn',
];

/** The services of ipvs.md §9.9's /proc/net/ip_vs example. */
function procTable(): Ipvs {
  const ipvs = new Ipvs();
  const web = addrKey('tcp', '10.0.0.100', 80);
  addService(ipvs, serviceSpec(web, 'wlc'));
  setConns(addDest(ipvs, web, destSpec('192.168.1.11', 80, { fwd: 'nat' })), 12, 3);
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.100', 443), 'rr', { flags: SVC_F.PERSISTENT, timeout: 360, netmask: 0xffffff00 }));
  // The kernel takes OPS on a TCP service (only ipvsadm refuses it).
  addService(ipvs, serviceSpec(addrKey('tcp', '10.0.0.100', 53), 'rr', { flags: SVC_F.ONEPACKET }));
  addService(ipvs, serviceSpec(fwmKey(1), 'wlc', { flags: SVC_F.PERSISTENT, timeout: 300 }));
  addService(ipvs, serviceSpec(fwmKey(2), 'wlc'));
  addService(ipvs, serviceSpec(addrKey('tcp', '2001:db8::1', 80), 'wlc'));
  return ipvs;
}

test('/proc/net/ip_vs: the reference lines (hex, jiffies, the odd trailing spaces)', () => {
  assert.equal(
    formatProcIpvs(snapshot(procTable())),
    lines(
      ...PROC_HEADER,
      'TCP  0A000064:0050 wlc  |',
      '  -> C0A8010B:0050      Masq    1      12         3         |',
      'TCP  0A000064:01BB rr  persistent 360000 FFFFFF00|',
      'TCP  0A000064:0035 rr ops  |',
      // Address services come first: the kernel walks its address table before the fwmark table.
      'TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:0050 wlc |',
      'FWM  00000001 wlc persistent 300000 FFFFFFFF|',
      'FWM  00000002 wlc |',
    ),
  );
});

test('/proc/net/ip_vs: HZ, IPv6 prefix through ntohl, no ops for IPv6, FWM ops, Local/Tunnel/Route, kernel order', () => {
  const ipvs = new Ipvs();
  const v6 = addrKey('udp', '2001:db8::100', 53);
  addService(ipvs, serviceSpec(v6, 'none', { flags: SVC_F.PERSISTENT | SVC_F.ONEPACKET, timeout: 120, netmask: 64 }));
  addDest(ipvs, v6, destSpec('2001:db8::a', 53, { fwd: 'tun', weight: 5 }));
  addDest(ipvs, v6, destSpec('2001:db8::b', 5353, { fwd: 'nat' }));
  addService(ipvs, serviceSpec(fwmKey(0xfffffffe), 'rr', { flags: SVC_F.ONEPACKET | SVC_F.PERSISTENT, timeout: 1 }));
  addDest(ipvs, fwmKey(0xfffffffe), destSpec('10.0.0.9', 0, { fwd: 'local' }));
  addDest(ipvs, fwmKey(0xfffffffe), destSpec('10.0.0.8', 0));
  assert.equal(
    formatProcIpvs(snapshot(ipvs), 250),
    lines(
      ...PROC_HEADER,
      'UDP  [2001:0db8:0000:0000:0000:0000:0000:0100]:0035 none persistent 30000 40000000|',
      '  -> [2001:0db8:0000:0000:0000:0000:0000:000b]:14E9      Masq    1      0          0         |',
      '  -> [2001:0db8:0000:0000:0000:0000:0000:000a]:0035      Tunnel  5      0          0         |',
      'FWM  FFFFFFFE rr ops persistent 250 FFFFFFFF|',
      '  -> 0A000008:0000      Route   1      0          0         |',
      '  -> 0A000009:0000      Local   1      0          0         |',
    ),
  );
});

test('/proc/net/ip_vs with no services is the three header lines', () => {
  assert.equal(formatProcIpvs(snapshot(new Ipvs())), lines(...PROC_HEADER));
});


test('/proc/net/ip_vs_conn: hex IPv4, full IPv6, mixed families, templates, pe data', () => {
  const text = formatProcConns([
    conn({}),
    conn({ protocol: 'IP', cport: 0, vaddr: '0.0.0.1', vport: 0, dport: 0, state: 'NONE', expiresMs: 300_000, template: true }),
    conn({ family: 6, caddr: '2001:db8::7', cport: 40000, vaddr: '2001:db8::100', daddr: '2001:db8::a', state: 'SYN_RECV', expiresMs: 59_500 }),
    conn({ family: 6, caddr: '2001:db8::7', cport: 40001, vaddr: '2001:db8::100', daddr: '192.168.1.11', state: 'CLOSE', expiresMs: -1, fwd: 'tun' }),
    conn({ protocol: 'UDP', caddr: '198.51.100.2', cport: 5060, vport: 5060, dport: 5060, state: 'UDP', expiresMs: 299_000, pe: 'sip', peData: 'a84b4c76e66710' }),
    conn({ expiresMs: 12_345_678_000 }),
  ]);
  assert.equal(
    text,
    lines(
      'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData',
      'TCP CB007107 C93A 0A000064 0050 C0A8010B 0050 ESTABLISHED     899',
      'IP  CB007107 0000 00000001 0000 C0A8010B 0000 NONE            300',
      'TCP 2001:0db8:0000:0000:0000:0000:0000:0007 9C40 2001:0db8:0000:0000:0000:0000:0000:0100 0050 2001:0db8:0000:0000:0000:0000:0000:000a 0050 SYN_RECV         59',
      'TCP 2001:0db8:0000:0000:0000:0000:0000:0007 9C41 2001:0db8:0000:0000:0000:0000:0000:0100 0050 C0A8010B 0050 CLOSE             0',
      'UDP C6336402 13C4 0A000064 13C4 C0A8010B 13C4 UDP             299 sip a84b4c76e66710',
      'TCP CB007107 C93A 0A000064 0050 C0A8010B 0050 ESTABLISHED 12345678',
    ),
  );
});

test('/proc/net/ip_vs_stats: upper-case hex totals and rates in 8/16-wide cells', () => {
  const ipvs = new Ipvs();
  setCounters(ipvs.totals, { conns: 1532, inpkts: 98211, outpkts: 87123, inbytes: 123456789, outbytes: 2345678901 });
  assert.equal(
    formatProcStats(snapshot(ipvs).totals, snapshot(ipvs).totalRates),
    lines(
      '   Total Incoming Outgoing         Incoming         Outgoing',
      '   Conns  Packets  Packets            Bytes            Bytes',
      '     5FC    17FA3    15453          75BCD15         8BD03835',
      '',
      ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s',
      '       0        0        0                0                0',
    ),
  );
  const busy = new Ipvs();
  settleRates(busy.totals, { cps: 12, inpps: 850, outpps: 790, inbps: 102400, outbps: 1900000 });
  const lastLine = formatProcStats(snapshot(busy).totals, snapshot(busy).totalRates).split('\n')[5];
  assert.equal(lastLine, '       C      352      316            19000           1CFDE0');
});

test('address helpers: %pI6 never compresses; an IPv4 value in an IPv6 slot fills the first word', () => {
  assert.equal(fullIPv6([0x20010db8, 0, 0, 1]), '2001:0db8:0000:0000:0000:0000:0000:0001');
  assert.equal(procAddr('::', 6), '0000:0000:0000:0000:0000:0000:0000:0000');
  assert.equal(procAddr('0.0.0.1', 6), '0000:0001:0000:0000:0000:0000:0000:0000');
  assert.equal(procAddr('255.255.255.255', 4), 'FFFFFFFF');
});
