// Large transfers through the packet engine: veth peers hand the director's rings GSO
// "super-frames" (TCP segments of up to 64 KB), which the engine must receive whole. DR and NAT
// forward them whole (rings with virtio_net_hdr: the kernel segments them on the way out, if at
// all); TUN cuts them into segments that fit with the outer header. A 2 MiB download and a 2 MiB
// upload through the VIP, by NAT (seed 003's two interfaces), DR and TUN (one segment, a
// user-space decapsulator on the real server), complete with the exact byte count and body
// digest; the same transfers without the director's engine in the path are measured for comparison.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { privilegedSkipReason, Topology } from './netns.js';

const skip = privilegedSkipReason();
const DIRECTOR = fileURLToPath(new URL('./ns-director.ts', import.meta.url));
const REALSERVER = fileURLToPath(new URL('./ns-realserver.ts', import.meta.url));
const SIZE = 2 * 1024 * 1024;
const TRANSFERS = 3;
/**
 * Every process of these tests runs niced: the transfers fill both cores for seconds, and test
 * files running beside this one (VRRP adverts every second, health checks) must keep their timing.
 */
const NICE = ['nice', '-n', '15'];

/** The body every real server sends: bytes no compression or zero-page trick makes cheap. */
const BODY_JS = `const b=Buffer.alloc(${SIZE});let x=12345;for(let i=0;i<b.length;i++){x=(x*1103515245+12345)>>>0;b[i]=x>>>24}`;

function body(): Buffer {
  return new Function('Buffer', `${BODY_JS};return b`)(Buffer) as Buffer;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** GET: the 2 MiB body; POST: "<name> <bytes received> <sha256 of them>". */
function bigServer(name: string, port: number, host = '0.0.0.0'): string[] {
  const js = `${BODY_JS};const {createHash}=require("crypto");require("http").createServer((q,s)=>{const h=createHash("sha256");let n=0;q.on("data",d=>{n+=d.length;h.update(d)});q.on("end",()=>s.end(q.method==="POST"?"${name} "+n+" "+h.digest("hex"):b))}).listen(${port},"${host}",()=>console.log("listening"))`;
  return [...NICE, 'node', '-e', js];
}

interface Transfers {
  readonly download: number[];
  readonly upload: number[];
}

/**
 * TRANSFERS downloads and uploads of 2 MiB from `ns` to `url`, each checked (size, digest, the
 * server's name); returns their throughputs in MB/s (10^6 bytes per second, curl's time_total).
 */
function transfer(t: Topology, ns: string, url: string, server: string, dir: string): Transfers {
  const want = sha256(body());
  const upload = join(dir, 'upload.bin');
  writeFileSync(upload, body());
  const out: Transfers = { download: [], upload: [] };
  for (let i = 0; i < TRANSFERS; i++) {
    const file = join(dir, `download-${i}.bin`);
    const [code, size, secs] = t.exec(ns, `${NICE.join(' ')} curl -s -g --max-time 10 -o ${file} -w "%{http_code} %{size_download} %{time_total}" ${url} || true`).trim().split(' ');
    assert.equal(`${code} ${size}`, `200 ${SIZE}`, `download ${i} from ${url}`);
    assert.equal(sha256Of(file), want, `download ${i}: body digest`);
    assert.ok(Number(secs) < 5, `download ${i} took ${secs} s`);
    out.download.push(SIZE / Number(secs) / 1e6);
    // The server's answer, then curl's time.
    const parts = t.exec(ns, `${NICE.join(' ')} curl -s -g --max-time 10 --data-binary @${upload} -w " %{time_total}" ${url} || true`).trim().split(' ');
    assert.deepEqual(parts.slice(0, 3), [server, String(SIZE), want], `upload ${i} to ${url}`);
    const up = Number(parts[3]);
    assert.ok(up < 5, `upload ${i} took ${up} s`);
    out.upload.push(SIZE / up / 1e6);
  }
  return out;
}

function sha256Of(file: string): string {
  return sha256(readFileSync(file));
}

const fmt = (xs: readonly number[]): string => xs.map((x) => x.toFixed(1)).join(', ');

function report(t: TestContext, what: string, direct: Transfers, vip: Transfers): void {
  t.diagnostic(`${what}: download MB/s direct [${fmt(direct.download)}] via VIP [${fmt(vip.download)}]; upload MB/s direct [${fmt(direct.upload)}] via VIP [${fmt(vip.upload)}]`);
}

interface Stopped {
  readonly counters: Record<string, number>;
}

/**
 * What every large-frame run must show: aggregates arrived, none cut short, refused or lost on
 * the way out; `whole`: DR and NAT sent every one whole (none cut by the engine), else (TUN) every
 * one was cut into several segments and none sent whole.
 */
function assertLargeFramesCarried(out: Stopped, whole: boolean): void {
  const c = out.counters;
  assert.equal(c['truncated'], 0);
  assert.equal(c['txFailed'], 0);
  assert.deepEqual(Object.keys(c).filter((k) => k.startsWith('drop:gso-')), []);
  if (whole) {
    assert.ok(c['gsoWhole']! > 0, `no aggregate forwarded whole: ${JSON.stringify(c)}`);
    assert.equal(c['gsoFrames'], 0);
    assert.equal(c['gsoSegments'], 0);
  } else {
    assert.ok(c['gsoFrames']! > 0, `no aggregate reached the engine: ${JSON.stringify(c)}`);
    assert.ok(c['gsoSegments']! > c['gsoFrames']!);
    assert.equal(c['gsoWhole'], 0);
  }
}

test('NAT (seed 003, two interfaces): 2 MiB downloads and uploads through the VIP arrive whole', { skip: skip ?? false, timeout: 120_000 }, async (tc) => {
  const t = new Topology('pv-nat');
  const log: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pv-'));
  const VIP = '192.168.1.100';
  try {
    t.bridge('br-out');
    t.bridge('br-in');
    const c = t.ns('c');
    const d = t.ns('d');
    const r1 = t.ns('r1');
    t.wire(c, 'eth0', 'br-out', ['192.168.1.5/24']);
    t.wire(d, 'eth0', 'br-out', ['192.168.1.2/24', `${VIP}/32`]);
    t.wire(d, 'eth1', 'br-in', ['10.0.0.2/24']);
    t.wire(r1, 'eth0', 'br-in', ['10.0.0.11/24']);
    t.exec(d, 'sysctl -qw net.ipv4.ip_forward=1');
    t.exec(r1, 'ip route add default via 10.0.0.2');
    // Direct: the same path, forwarded by the director's kernel before the engine starts.
    t.exec(c, 'ip route add 10.0.0.0/24 via 192.168.1.2');
    await t.start(r1, bigServer('rs1', 8080), 'listening', log);
    const direct = transfer(t, c, 'http://10.0.0.11:8080/', 'rs1', dir);
    const director = await t.start(d, [...NICE, 'node', '--import', 'tsx', DIRECTOR, 'tcp', `${VIP}:80`, 'nat', '10.0.0.11:8080'], 'ready', log);
    const vip = transfer(t, c, `http://${VIP}/`, 'rs1', dir);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as Stopped;
    assertLargeFramesCarried(out, true);
    assert.ok(out.counters['natIn']! > 0 && out.counters['natOut']! > 0);
    // One frame out for each frame in: an aggregate is one packet both ways, as in IPVS.
    assert.equal(out.counters['txFrames'], out.counters['natIn']! + out.counters['natOut']!);
    assert.equal(out.counters['txFrames'], out.counters['rxFrames']);
    report(tc, 'NAT', direct, vip);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DR (one segment): 2 MiB uploads through the VIP arrive whole, downloads come straight back', { skip: skip ?? false, timeout: 120_000 }, async (tc) => {
  const t = new Topology('pv-dr');
  const log: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pv-'));
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'] });
    t.exec(ns['r1']!, 'ip addr add 10.0.0.100/32 dev lo; sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2');
    await t.start(ns['r1']!, bigServer('rs1', 80), 'listening', log);
    const direct = transfer(t, ns['c']!, 'http://10.0.0.11/', 'rs1', dir);
    const director = await t.start(ns['d']!, [...NICE, 'node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'dr', '10.0.0.11:80'], 'ready', log);
    const vip = transfer(t, ns['c']!, 'http://10.0.0.100/', 'rs1', dir);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as Stopped;
    assertLargeFramesCarried(out, true);
    assert.equal(out.counters['natOut'], 0);
    assert.equal(out.counters['txFrames'], out.counters['rxFrames']);
    assert.equal(out.counters['txFrames'], out.counters['dr']);
    report(tc, 'DR', direct, vip);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DR over IPv6 (one segment): 2 MiB uploads through the VIP arrive whole as TCPv6 aggregates, downloads come straight back', { skip: skip ?? false, timeout: 120_000 }, async (tc) => {
  const t = new Topology('pv-dr6');
  const log: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pv-'));
  const VIP6 = '2001:db8::100';
  try {
    const ns = t.segment({ c: ['2001:db8::5/64 nodad'], d: ['2001:db8::2/64 nodad', `${VIP6}/128 nodad`], r1: ['2001:db8::11/64 nodad'] });
    t.exec(ns['r1']!, `ip addr add ${VIP6}/128 dev lo nodad`);
    await t.start(ns['r1']!, bigServer('rs1', 80, '::'), 'listening', log);
    const direct = transfer(t, ns['c']!, 'http://[2001:db8::11]/', 'rs1', dir);
    const director = await t.start(ns['d']!, [...NICE, 'node', '--import', 'tsx', DIRECTOR, 'tcp', `[${VIP6}]:80`, 'dr', '[2001:db8::11]:80'], 'ready', log);
    const vip = transfer(t, ns['c']!, `http://[${VIP6}]/`, 'rs1', dir);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as Stopped;
    assertLargeFramesCarried(out, true);
    assert.equal(out.counters['natOut'], 0);
    assert.equal(out.counters['txFrames'], out.counters['rxFrames']);
    report(tc, 'DR IPv6', direct, vip);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TUN (one segment): 2 MiB uploads through the VIP arrive whole, downloads come straight back', { skip: skip ?? false, timeout: 120_000 }, async (tc) => {
  const t = new Topology('pv-tun');
  const log: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-pv-'));
  try {
    const ns = t.segment({ c: ['10.0.0.5/24'], d: ['10.0.0.2/24', '10.0.0.100/32'], r1: ['10.0.0.11/24'] });
    await t.start(ns['r1']!, [...NICE, 'node', '--import', 'tsx', REALSERVER, 'start', '--vip', '10.0.0.100', '--mode', 'tun', '--dev', 'eth0'], 'Ctrl-C to stop', log);
    await t.start(ns['r1']!, bigServer('rs1', 80), 'listening', log);
    const direct = transfer(t, ns['c']!, 'http://10.0.0.11/', 'rs1', dir);
    const director = await t.start(ns['d']!, [...NICE, 'node', '--import', 'tsx', DIRECTOR, 'tcp', '10.0.0.100:80', 'tun', '10.0.0.11:80'], 'ready', log);
    const vip = transfer(t, ns['c']!, 'http://10.0.0.100/', 'rs1', dir);
    const out = JSON.parse((await t.stop(director)).trim().split('\n').at(-1)!) as Stopped;
    assertLargeFramesCarried(out, false);
    // Segments are cut with room for the outer header; full-sized frames the client sent whole
    // are answered with "fragmentation needed" (as by IPVS), which lowers the client's MSS.
    assert.equal(out.counters['txFrames'], out.counters['tun']! + out.counters['icmpSent']!);
    report(tc, 'TUN', direct, vip);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- log ---\n${log.join('').slice(0, 20_000)}`);
  } finally {
    t.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
});
