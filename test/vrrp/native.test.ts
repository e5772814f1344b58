// Privileged: the native addon under RawVrrpIo in a namespace pair: IPv4 adverts with our own IP
// header (TTL, TOS, ID as built) and the received TTL; IPv6 adverts with the kernel's header and
// checksum, the received hop limit and destination; a gratuitous ARP frame through AF_PACKET.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advertDatagram } from '../../src/core/vrrp/packet.js';
import { decodeIpv4Header } from '../../src/wire/vrrp-ip.js';
import { decodeVrrp, passAuthData, vrrpChecksumResidue } from '../../src/wire/vrrp.js';
import { Lab, requirePrivileges, until, type LabProcess } from './lab.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** A node process that opens RawVrrpIo on eth0 and prints each datagram as JSON. */
function receiver(lab: Lab, node: string, family: 4 | 6): LabProcess {
  const code = `const { RawVrrpIo } = await import(${JSON.stringify(`${SRC}adapters/vrrp/raw-io.ts`)});
const io = new RawVrrpIo();
io.open('eth0', ${family}, ${JSON.stringify(family === 4 ? '224.0.0.18' : 'ff02::12')}, (p) => {
  console.log(JSON.stringify({ hex: Buffer.from(p.bytes).toString('hex'), src: p.src, dst: p.dst, ttl: p.ttl }));
  io.close();
});
console.log('ready');`;
  return lab.start(node, `rx@${node}`, [process.execPath, '--import', 'tsx', '--input-type=module', '-e', code]);
}

/** Run one snippet with RawVrrpIo in a node and wait for it to finish. */
function sender(lab: Lab, node: string, body: string): void {
  const code = `const { RawVrrpIo } = await import(${JSON.stringify(`${SRC}adapters/vrrp/raw-io.ts`)});
const io = new RawVrrpIo();
${body}
io.close();`;
  const r = lab.exec(node, [process.execPath, '--import', 'tsx', '--input-type=module', '-e', code]);
  assert.equal(r.code, 0, r.err);
}

test('IPv4: the datagram arrives as built (header and all) with the received TTL', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'b', address: '10.99.0.2' }]);
  t.after(() => lab.close());
  const rx = receiver(lab, 'b', 4);
  await rx.waitFor(/^ready$/, 15_000);
  const bytes = advertDatagram(
    {
      kind: 'send', instance: 'VI_1', ifname: 'eth0', family: 4, src: '10.99.0.1', dsts: ['224.0.0.18'], ttl: 255, pseudoDst: null,
      advert: { version: 2, vrid: 51, priority: 100, authType: 1, interval: 1, addresses: ['10.99.0.100'], authData: passAuthData('secret12') },
    },
    '224.0.0.18',
    1,
  );
  const hex = Buffer.from(bytes).toString('hex');
  sender(lab, 'a', `const s = io.open('eth0', 4, '224.0.0.18', () => {}); s.send(Buffer.from(${JSON.stringify(hex)}, 'hex'), '224.0.0.18', null);`);
  const line = rx.lines[await rx.waitFor(/^\{/, 5_000)]!;
  const got = JSON.parse(line) as { hex: string; src: string; dst: string; ttl: number };
  assert.deepEqual({ ...got, hex: got.hex.slice(20) }, { hex: hex.slice(20), src: '10.99.0.1', dst: '224.0.0.18', ttl: 255 });
  const ip = decodeIpv4Header(Buffer.from(got.hex, 'hex'), 0, 40);
  assert.ok(ip.ok && ip.value.tos === 0xc0 && ip.value.id === 1 && ip.value.ttl === 255 && ip.value.totalLength === 40);
});

test('IPv6: ff02::12 from the link-local address, hop limit 255, checksum filled in by the kernel', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'b', address: '10.99.0.2' }]);
  t.after(() => lab.close());
  const rx = receiver(lab, 'b', 6);
  await rx.waitFor(/^ready$/, 15_000);
  const ll = lab.addresses('a').find((x) => x.startsWith('fe80:'))!;
  const vrrp = '3109960100' + '0a0000' + '20010db8000000000000000000000009';
  sender(lab, 'a', `const s = io.open('eth0', 6, 'ff02::12', () => {}); s.send(Buffer.from(${JSON.stringify(vrrp)}, 'hex'), 'ff02::12', ${JSON.stringify(ll)});`);
  const got = JSON.parse(rx.lines[await rx.waitFor(/^\{/, 5_000)]!) as { hex: string; src: string; dst: string; ttl: number };
  assert.deepEqual([got.src, got.dst, got.ttl], [ll, 'ff02::12', 255]);
  const b = Buffer.from(got.hex, 'hex');
  assert.equal(vrrpChecksumResidue(b, 0, b.length, 6, { src: ll, dst: 'ff02::12' }), 0);
  const d = decodeVrrp(b, 0, b.length, 6);
  assert.ok(d.ok && d.value.addresses[0] === '2001:db8::9' && d.value.priority === 150);
});

test('AF_PACKET: a gratuitous ARP from a updates b\'s neighbour table (arp_accept)', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'b', address: '10.99.0.2' }]);
  t.after(() => lab.close());
  assert.equal(lab.exec('b', ['sysctl', '-qw', 'net.ipv4.conf.eth0.arp_accept=1']).code, 0);
  const mac = lab.mac('a');
  sender(lab, 'a', `const { encodeGratuitousArp } = await import(${JSON.stringify(`${SRC}wire/vrrp-garp.ts`)});
const mac = Uint8Array.from(${JSON.stringify(mac)}.split(':').map((h) => parseInt(h, 16)));
io.sendFrame('eth0', encodeGratuitousArp(mac, '10.99.0.77'));`);
  const neigh = (): string => lab.exec('b', ['ip', 'neigh', 'show', '10.99.0.77', 'dev', 'eth0']).out;
  assert.ok(await until(() => neigh().includes(`lladdr ${mac}`), 3_000), neigh());
});

test('rtnetlink: VIPs added with label, brd and IPv6 options, "exists" reported, removed again', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }]);
  t.after(() => lab.close());
  const code = `const { NetlinkAddressWriter } = await import(${JSON.stringify(`${SRC}adapters/vrrp/netlink-addresses.ts`)});
const { requireNative } = await import(${JSON.stringify(`${SRC}adapters/vrrp/native.ts`)});
const w = new NetlinkAddressWriter(requireNative());
const vip = (address, family, prefix, more = {}) => ({ address, family, prefix, dev: 'eth0', broadcast: null, scope: null, label: null, peer: null, noDad: false, noPrefixRoute: false, home: false, preferredLft: null, ...more });
const a = vip('10.99.0.100', 4, 24, { label: 'eth0:vip', broadcast: '+' });
const b = vip('2001:db8::100', 6, 128, { noDad: true });
console.log(await w.add(a), await w.add(a), await w.add(b));
const show = (await import('node:child_process')).execFileSync('ip', ['-j', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
console.log(show);
await w.del(a); await w.del(b); await w.del(b);
w.close();`;
  const r = lab.exec('a', [process.execPath, '--import', 'tsx', '--input-type=module', '-e', code]);
  assert.equal(r.code, 0, r.err);
  const [first, json] = r.out.split('\n');
  assert.equal(first, 'added exists added');
  const info = (JSON.parse(json!) as Array<{ addr_info: Array<Record<string, unknown>> }>)[0]!.addr_info;
  const v4 = info.find((x) => x['local'] === '10.99.0.100')!;
  assert.deepEqual([v4['prefixlen'], v4['label'], v4['broadcast']], [24, 'eth0:vip', '10.99.0.255']);
  const v6 = info.find((x) => x['local'] === '2001:db8::100')!;
  assert.deepEqual([v6['prefixlen'], v6['preferred_life_time'], v6['tentative']], [128, 0, undefined]);
  assert.deepEqual(lab.addresses('a').filter((x) => x === '10.99.0.100' || x === '2001:db8::100'), []);
});

test('an open raw socket keeps delivering when its handle is no longer referenced (garbage collection)', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'b', address: '10.99.0.2' }]);
  t.after(() => lab.close());
  const addon = new URL('../../native/build/Release/tsvs_native.node', import.meta.url).pathname;
  const code = `const a = require(${JSON.stringify(addon)});
a.rawOpen({ family: 4, ifname: 'eth0', group: '224.0.0.18' }, (d) => { console.log('got', d.length); process.exit(0); });
setTimeout(() => { for (let i = 0; i < 5; i++) global.gc(); console.log('ready'); }, 50);`;
  const rx = lab.start('b', 'rx-gc', [process.execPath, '--expose-gc', '-e', code]);
  await rx.waitFor(/^ready$/, 10_000);
  const hex = '45c0001c000100' + '00ff700000' + '0a630001e0000012' + '3133640000640000';
  sender(lab, 'a', `const s = io.open('eth0', 4, null, () => {}); s.send(Buffer.from(${JSON.stringify(hex)}, 'hex'), '224.0.0.18', null);`);
  await rx.waitFor(/^got 28$/, 5_000);
});
