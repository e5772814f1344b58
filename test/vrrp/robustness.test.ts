// Privileged: unicast peers between tsvs and keepalived 2.2.7; an authentication or VRID mismatch
// handled as keepalived handles it (both sides master, rejected adverts counted, the log line once
// per interval in tsvs, no crash); malformed adverts injected on the wire are dropped with the
// right counter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNative } from '../../src/adapters/vrrp/native.js';
import { encodeIpv4Header } from '../../src/wire/vrrp-ip.js';
import { encodeVrrp, passAuthData, vrrpLength, type VrrpAdvertSpec } from '../../src/wire/vrrp.js';
import { vrrpConf } from './configs.js';
import { LabDirector, type Impl } from './directors.js';
import { Lab, requirePrivileges, sleep, until } from './lab.js';

function lab(names: readonly string[]): Lab {
  return Lab.create(names.map((name, i) => ({ name, address: `10.99.0.${name === 'c' ? 9 : i + 1}` })));
}

for (const [ia, ib] of [['tsvs', 'keepalived'], ['keepalived', 'tsvs']] as const satisfies ReadonlyArray<readonly [Impl, Impl]>) {
  test(`unicast peers, VRRPv3 0.1 s: ${ia} (150) master, ${ib} (100) backup, clean stop hands over`, async (t) => {
    if (!requirePrivileges(t, { keepalived: true })) return;
    const l = lab(['a', 'b']);
    t.after(() => l.close());
    const conf = (priority: number, src: string, peer: string): string =>
      vrrpConf({ priority, version: 3, advertInt: 0.1, unicast: { src, peers: [peer] } });
    const A = new LabDirector(l, 'a', ia, conf(150, '10.99.0.1', '10.99.0.2')).start();
    const B = new LabDirector(l, 'b', ib, conf(100, '10.99.0.2', '10.99.0.1')).start();
    await A.waitState('MASTER', 20_000);
    await B.waitState('BACKUP', 20_000);
    await sleep(500);
    assert.deepEqual([A.state(), B.state()], ['MASTER', 'BACKUP']);
    const mark = B.mark();
    await A.stop();
    await B.waitState('MASTER', 3_000, mark);
    assert.ok(B.proc!.lines.slice(mark).some((x) => x.includes('Backup received priority 0 advertisement')));
    assert.ok(await until(() => l.addresses('b').includes('10.99.0.100'), 3_000));
  });
}

test('password mismatch (tsvs secret12, keepalived otherpw1): split brain as in keepalived, counted, logged once, no crash', async (t) => {
  if (!requirePrivileges(t, { keepalived: true })) return;
  const l = lab(['a', 'b']);
  t.after(() => l.close());
  const A = new LabDirector(l, 'a', 'tsvs', vrrpConf({ priority: 150, auth: 'secret12' })).start();
  const B = new LabDirector(l, 'b', 'keepalived', vrrpConf({ priority: 100, auth: 'otherpw1' })).start();
  await A.waitState('MASTER', 20_000);
  await B.waitState('MASTER', 20_000);
  await sleep(3_000);
  const st = (await A.status()).instances[0]!;
  assert.equal(st.state, 'MASTER');
  // Each master's advert timer restarts on every packet for its VRID, rejected or not (keepalived.md
  // §4.3), so one side may fall silent: at least one rejected advert each way, each counted.
  // The line is logged once per state (BACKUP, then MASTER) within the minute, however many arrive.
  const logged = A.proc!.lines.filter((x) => x.includes('(VI_1) received an invalid passwd!')).length;
  assert.ok(logged >= 1 && logged <= 2 && st.counters.auth_failure >= logged, `logged ${logged}, auth_failure ${st.counters.auth_failure}`);
  assert.ok(B.proc!.lines.filter((x) => x.includes('(VI_1) received an invalid passwd!')).length >= 1);
  assert.ok(A.alive() && B.alive());
});

test('VRID mismatch (tsvs 51, keepalived 52): both masters, tsvs counts the foreign VRID', async (t) => {
  if (!requirePrivileges(t, { keepalived: true })) return;
  const l = lab(['a', 'b']);
  t.after(() => l.close());
  const A = new LabDirector(l, 'a', 'tsvs', vrrpConf({ priority: 150, version: 3, advertInt: 0.1, vrid: 51 })).start();
  const B = new LabDirector(l, 'b', 'keepalived', vrrpConf({ priority: 100, version: 3, advertInt: 0.1, vrid: 52, vips: ['10.99.0.101/32'] })).start();
  await A.waitState('MASTER', 20_000);
  await B.waitState('MASTER', 20_000);
  await sleep(500);
  const s = await A.status();
  assert.ok(s.sockets['eth0/4']!.unknown_vrid >= 3, JSON.stringify(s.sockets));
  assert.equal(s.instances[0]!.state, 'MASTER');
  assert.ok(A.alive() && B.alive());
});

const ADVERT: VrrpAdvertSpec = { version: 2, vrid: 51, priority: 200, authType: 1, interval: 5, addresses: ['10.99.0.100'], authData: passAuthData('secret12') };

/** An advert from the client node 10.99.0.9 with its IP header, one thing changed. */
function crafted(change: { ttl?: number; corrupt?: boolean; adv?: Partial<VrrpAdvertSpec>; cut?: number } = {}): string {
  const adv = { ...ADVERT, ...change.adv };
  const len = vrrpLength(adv, 4);
  const b = new Uint8Array(20 + len);
  encodeIpv4Header({ tos: 0xc0, totalLength: b.length, id: 7, fragment: 0, ttl: change.ttl ?? 255, protocol: 112, src: '10.99.0.9', dst: '224.0.0.18' }, b, 0);
  encodeVrrp(adv, b, 20, 4);
  if (change.corrupt) b[27]! ^= 0x5a;
  return Buffer.from(change.cut ? b.subarray(0, change.cut) : b).toString('hex');
}

test('malformed adverts on the wire are dropped with the right counter; random bytes never crash tsvs', async (t) => {
  if (!requirePrivileges(t)) return;
  const native = loadNative();
  assert.ok(native.ok);
  const l = lab(['b', 'c']);
  t.after(() => l.close());
  const B = new LabDirector(l, 'b', 'tsvs', vrrpConf({ priority: 100, advertInt: 5 })).start();
  await B.waitState('BACKUP', 20_000);
  await B.ready();
  const inject = (hexes: readonly string[]): void => {
    const code = `const a=require(${JSON.stringify(native.path)});const h=a.rawOpen({family:4,ifname:'eth0',hdrincl:1},()=>{});` +
      `for(const x of process.argv.slice(1))a.rawSend(h,Buffer.from(x,'hex'),'224.0.0.18');a.rawClose(h);`;
    const r = l.exec('c', [process.execPath, '-e', code, ...hexes]);
    assert.equal(r.code, 0, r.err);
  };
  inject([
    crafted({ ttl: 64 }),
    crafted({ corrupt: true }),
    crafted({ adv: { version: 3, authData: null, interval: 100 } }),
    crafted({ adv: { authData: passAuthData('secret13') } }),
    crafted({ adv: { authType: 0 } }),
    crafted({ adv: { interval: 2 } }),
    crafted({ adv: { vrid: 77 } }),
    crafted({ cut: 24 }),
  ]);
  const counters = async () => {
    const s = await B.status();
    return { ...s.instances[0]!.counters, ...s.sockets['eth0/4']! };
  };
  assert.ok(await until(async () => (await counters()).unknown_vrid === 1 && (await counters()).too_short === 1, 3_000));
  const c = await counters();
  assert.deepEqual(
    [c.ip_ttl_err, c.chk_err, c.vers_err, c.auth_failure, c.authtype_mismatch, c.advert_interval_err, c.unknown_vrid, c.too_short, c.advert_rcvd],
    [1, 1, 1, 1, 1, 1, 1, 1, 0],
  );
  assert.equal(B.state(), 'BACKUP');
  // Random bytes behind a valid IP header: each datagram lands in some counter, tsvs carries on.
  const random: string[] = [];
  for (let i = 0; i < 200; i++) {
    const body = Buffer.alloc(8 + (i % 40));
    for (let j = 0; j < body.length; j++) body[j] = (i * 131 + j * 29 + ((i * j) % 7)) & 0xff;
    random.push(crafted({ cut: 20 }) + body.toString('hex'));
  }
  inject(random);
  await sleep(500);
  assert.ok(B.alive());
  assert.ok((await B.status()).running);
});
