import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import { SVC_F, type Protocol } from '../../core/model.js';
import type { Names } from './format-addr.js';
import { formatSave } from './save.js';
import { addDest, addService, addrKey, applyAll, destSpec, fwmKey, referenceTable, serviceSpec, snapshot } from './list-testkit.js';

function lines(...ls: string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

test('seed 003: `ipvsadm-save -n` after -A wrr, two -m servers and `-e ... -m -w 3`', () => {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '172.18.0.100', 80);
  addService(ipvs, serviceSpec(vip, 'wrr'));
  addDest(ipvs, vip, destSpec('192.168.59.131', 80, { fwd: 'nat' }));
  addDest(ipvs, vip, destSpec('192.168.59.132', 80, { fwd: 'nat' }));
  applyAll(ipvs, { type: 'edit-dest', service: vip, dest: destSpec('192.168.59.131', 80, { fwd: 'nat', weight: 3 }) });
  assert.equal(
    formatSave(snapshot(ipvs), true),
    lines(
      '-A -t 172.18.0.100:80 -s wrr',
      '-a -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 3',
      '-a -t 172.18.0.100:80 -r 192.168.59.132:80 -m -w 1',
    ),
  );
});

test('seeds 000-002: the director scripts saved back', () => {
  const ipvs = new Ipvs();
  const s0 = addrKey('tcp', '192.168.16.200', 80);
  addService(ipvs, serviceSpec(s0, 'rr'));
  addDest(ipvs, s0, destSpec('192.168.16.103', 80));
  const s1 = addrKey('tcp', '192.168.30.254', 80);
  addService(ipvs, serviceSpec(s1, 'wrr'));
  addDest(ipvs, s1, destSpec('192.168.30.111', 80));
  addDest(ipvs, s1, destSpec('192.168.30.112', 80));
  addDest(ipvs, s1, destSpec('192.168.30.113', 80, { weight: 2 }));
  addDest(ipvs, s1, destSpec('192.168.30.114', 80, { weight: 2 }));
  const s2 = addrKey('tcp', '172.17.252.38', 8080);
  addService(ipvs, serviceSpec(s2, 'wlc', { flags: SVC_F.PERSISTENT, timeout: 120 }));
  addDest(ipvs, s2, destSpec('39.106.40.172', 8080));
  addDest(ipvs, s2, destSpec('39.107.137.111', 8080));
  // --set timeouts and daemons are not part of the save format.
  applyAll(ipvs, { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  assert.equal(
    formatSave(snapshot(ipvs), true),
    lines(
      // 192.168.x.x and 172.17.x.x are less than 2^31 apart from each other: ordinary order.
      '-A -t 172.17.252.38:8080 -s wlc -p 120',
      '-a -t 172.17.252.38:8080 -r 39.106.40.172:8080 -g -w 1',
      '-a -t 172.17.252.38:8080 -r 39.107.137.111:8080 -g -w 1',
      '-A -t 192.168.16.200:80 -s rr',
      '-a -t 192.168.16.200:80 -r 192.168.16.103:80 -g -w 1',
      '-A -t 192.168.30.254:80 -s wrr',
      '-a -t 192.168.30.254:80 -r 192.168.30.111:80 -g -w 1',
      '-a -t 192.168.30.254:80 -r 192.168.30.112:80 -g -w 1',
      '-a -t 192.168.30.254:80 -r 192.168.30.113:80 -g -w 2',
      '-a -t 192.168.30.254:80 -r 192.168.30.114:80 -g -w 2',
    ),
  );
});

test('the reference save example, byte for byte', () => {
  assert.equal(
    formatSave(snapshot(referenceTable()), true),
    lines(
      '-A -t 10.0.0.100:80 -s wlc',
      '-a -t 10.0.0.100:80 -r 192.168.1.11:80 -m -w 1',
      '-a -t 10.0.0.100:80 -r 192.168.1.12:8080 -m -w 3',
      '-A -t 10.0.0.100:443 -s rr -p 360 -M 255.255.255.0',
      '-a -t 10.0.0.100:443 -r 10.0.0.21:443 -g -w 1',
      '-a -t 10.0.0.100:443 -r 10.0.0.22:443 -g -w 0',
      '-A -u 10.0.0.100:53 -s sh -o -b sh-fallback,sh-port',
      '-a -u 10.0.0.100:53 -r 10.0.0.31:53 -i -w 2 --tun-type ipip',
      '-A -t [2001:db8::100]:80 -s mh -b mh-port',
      '-a -t [2001:db8::100]:80 -r [2001:db8::a]:80 -m -w 1',
      '-A -f 1 -s wlc -p 300',
      '-a -f 1 -r 192.168.1.11:0 -m -w 1',
      '-A -f 2 -6 -s rr',
      '-a -f 2 -6 -r [2001:db8::b]:0 -g -w 1',
    ),
  );
});

test('an empty table saves as nothing', () => {
  assert.equal(formatSave(snapshot(new Ipvs()), true), '');
});

test('not saved: thresholds; Local saves as -g; tunnel types carry their options', () => {
  const ipvs = new Ipvs();
  const vip = addrKey('tcp', '207.175.44.110', 80);
  addService(ipvs, serviceSpec(vip, 'wlc'));
  addDest(ipvs, vip, destSpec('192.168.10.1', 80, { fwd: 'tun', tunType: 'gue', tunPort: 6080 }));
  addDest(ipvs, vip, destSpec('192.168.10.2', 80, { fwd: 'tun', tunType: 'gue', tunPort: 6081, tunFlags: 'remcsum' }));
  addDest(ipvs, vip, destSpec('192.168.10.3', 80, { fwd: 'tun', tunType: 'gre', tunFlags: 'csum' }));
  addDest(ipvs, vip, destSpec('192.168.10.4', 80, { fwd: 'tun', tunType: 'gre' }));
  addDest(ipvs, vip, destSpec('192.168.10.5', 80, { fwd: 'local', uThreshold: 100, lThreshold: 50 }));
  addDest(ipvs, vip, destSpec('192.168.10.6', 80, { fwd: 'nat', weight: 0, uThreshold: 7 }));
  assert.equal(
    formatSave(snapshot(ipvs), true),
    lines(
      '-A -t 207.175.44.110:80 -s wlc',
      '-a -t 207.175.44.110:80 -r 192.168.10.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum',
      '-a -t 207.175.44.110:80 -r 192.168.10.2:80 -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum',
      '-a -t 207.175.44.110:80 -r 192.168.10.3:80 -i -w 1 --tun-type gre --tun-csum',
      '-a -t 207.175.44.110:80 -r 192.168.10.4:80 -i -w 1 --tun-type gre --tun-nocsum',
      '-a -t 207.175.44.110:80 -r 192.168.10.5:80 -g -w 1',
      '-a -t 207.175.44.110:80 -r 192.168.10.6:80 -m -w 0',
    ),
  );
});

test('service options in ipvsadm order: -p, -M, --pe (even without -p), -o, -b', () => {
  const ipvs = new Ipvs();
  addService(ipvs, serviceSpec(addrKey('udp', '10.0.0.1', 5060), 'rr', { flags: SVC_F.PERSISTENT | SVC_F.ONEPACKET | SVC_F.SCHED1 | SVC_F.SCHED3, timeout: 30, netmask: 0xffff0000, pe: 'sip' }));
  addService(ipvs, serviceSpec(addrKey('udp', '10.0.0.2', 5060), 'rr', { pe: 'sip', flags: SVC_F.SCHED2 }));
  addService(ipvs, serviceSpec(addrKey('sctp', '10.0.0.3', 0), 'rr', { flags: SVC_F.PERSISTENT, timeout: 360, netmask: 0 }));
  addService(ipvs, serviceSpec(addrKey('tcp', '2001:db8::1', 443), 'none', { flags: SVC_F.PERSISTENT, timeout: 2678400, netmask: 64 }));
  addService(ipvs, serviceSpec(addrKey('tcp', '2001:db8::2', 443), 'sh', { flags: SVC_F.PERSISTENT | SVC_F.SCHED1, timeout: 1, netmask: 128 }));
  // A service that is not persistent keeps no mask in the save, whatever its netmask field holds.
  addService(ipvs, serviceSpec(fwmKey(9), 'rr', { netmask: 0xff000000 }));
  assert.equal(
    formatSave(snapshot(ipvs), true),
    lines(
      '-A -u 10.0.0.1:5060 -s rr -p 30 -M 255.255.0.0 --pe sip -o -b flag-1,flag-3',
      '-A -u 10.0.0.2:5060 -s rr --pe sip -b flag-2',
      '-A --sctp-service 10.0.0.3:0 -s rr -p 360 -M 0.0.0.0',
      '-A -t [2001:db8::1]:443 -s none -p 2678400 -M 64',
      '-A -t [2001:db8::2]:443 -s sh -p 1 -b sh-fallback',
      '-A -f 9 -s rr',
    ),
  );
});

test('save order: options of every line appear in the order -R expects', () => {
  const text = formatSave(snapshot(referenceTable()), true);
  const serviceOrder = ['-A', '-t', '-u', '--sctp-service', '-f', '-6', '-s', '-p', '-M', '--pe', '-o', '-b'];
  const destOrder = ['-a', '-t', '-u', '--sctp-service', '-f', '-6', '-r', '-m', '-i', '-g', '-w', '--tun-type', '--tun-port', '--tun-nocsum', '--tun-csum', '--tun-remcsum'];
  for (const line of text.trimEnd().split('\n')) {
    const opts = line.split(' ').filter((t) => t.startsWith('-') && !/^-\d/.test(t));
    const order = opts[0] === '-A' ? serviceOrder : destOrder;
    const idx = opts.map((o) => order.indexOf(o));
    assert.ok(!idx.includes(-1), `unknown option in ${line}`);
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), line);
  }
});

test('without -n: host and service names, unbracketed IPv4, bracketed IPv6, fwmark ports by TCP name', () => {
  const names: Names = {
    host: (a) => ({ '10.0.0.100': 'www.example.com', '192.168.1.11': 'rs1.example.com', '2001:db8::100': 'v6.example.com' })[a] ?? null,
    service: (port: number, protocol: Protocol) => (protocol === 'tcp' && port === 80 ? 'http' : protocol === 'udp' && port === 53 ? 'domain' : null),
  };
  assert.equal(
    formatSave(snapshot(referenceTable()), false, names),
    lines(
      '-A -t www.example.com:http -s wlc',
      '-a -t www.example.com:http -r rs1.example.com:http -m -w 1',
      '-a -t www.example.com:http -r 192.168.1.12:8080 -m -w 3',
      '-A -t www.example.com:443 -s rr -p 360 -M 255.255.255.0',
      '-a -t www.example.com:443 -r 10.0.0.21:443 -g -w 1',
      '-a -t www.example.com:443 -r 10.0.0.22:443 -g -w 0',
      '-A -u www.example.com:domain -s sh -o -b sh-fallback,sh-port',
      '-a -u www.example.com:domain -r 10.0.0.31:domain -i -w 2 --tun-type ipip',
      '-A -t [v6.example.com]:http -s mh -b mh-port',
      '-a -t [v6.example.com]:http -r [2001:db8::a]:http -m -w 1',
      '-A -f 1 -s wlc -p 300',
      '-a -f 1 -r rs1.example.com:0 -m -w 1',
      '-A -f 2 -6 -s rr',
      '-a -f 2 -6 -r [2001:db8::b]:0 -g -w 1',
    ),
  );
});
