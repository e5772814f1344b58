// Privileged: `tsvs vrrp watch IFACE` prints the adverts a tsvs master sends, as tcpdump -vvv
// prints them (keepalived's IP header: TOS 0xc0, counting ID, TTL 255, no DF).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrrpConf } from './configs.js';
import { LabDirector } from './directors.js';
import { Lab, requirePrivileges } from './lab.js';

const ROOT = new URL('../../', import.meta.url).pathname;

test('tsvs vrrp watch shows a tsvs master\'s adverts', async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = Lab.create([{ name: 'a', address: '10.99.0.1' }, { name: 'c', address: '10.99.0.9' }]);
  t.after(() => lab.close());
  const A = new LabDirector(lab, 'a', 'tsvs', vrrpConf({ state: 'MASTER', priority: 255, vrid: 61, auth: 'pw' })).start();
  await A.waitState('MASTER', 20_000);
  const w = lab.start('c', 'watch', [process.execPath, `${ROOT}bin/tsvs.js`, 'vrrp', 'watch', 'eth0', '-c', '2'], { TSVS_FROM_SOURCE: '1' });
  assert.equal(await w.exited, 0);
  assert.equal(w.lines.length, 4, w.lines.join('\n'));
  for (let i = 0; i < 4; i += 2) {
    assert.match(w.lines[i]!, /^\d\d:\d\d:\d\d\.\d{6} IP \(tos 0xc0, ttl 255, id \d+, offset 0, flags \[none\], proto VRRP \(112\), length 40\)$/);
    assert.equal(w.lines[i + 1], '    10.99.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 61, prio 255, authtype simple, intvl 1s, length 20, addrs: 10.99.0.100 auth "pw"');
  }
  const ids = [0, 2].map((i) => Number(/id (\d+)/.exec(w.lines[i]!)![1]));
  assert.equal(ids[1], ids[0]! + 1);
});
