// Connections.onRemove: the data plane learns about every entry leaving the table (expiry,
// the expire_nodest_conn flush, one-packet entries), with the entry still readable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONN_F } from './flags.js';
import { Lab } from './testkit.js';

const C = '203.0.113.7:40000';
const VIP = '10.0.0.100:80';
const RS = '192.168.1.11:8080';

function hooked(lab: Lab): string[] {
  const seen: string[] = [];
  const c = lab.engine.conns;
  c.onRemove = (idx) => {
    const t = c.table;
    seen.push(`${idx} ${t.flags(idx) & CONN_F.TEMPLATE ? 'template' : 'conn'} cport=${t.cport(idx)} at=${lab.now}`);
  };
  return seen;
}

test('onRemove fires once per entry at its expiry, controlled entries before their template', () => {
  const lab = new Lab();
  const svc = lab.service(`tcp ${VIP}`, { persistent: 30 });
  lab.dest(svc, RS);
  const seen = hooked(lab);
  lab.tcp('in', C, VIP, 'S');
  lab.at(59_999);
  assert.deepEqual(seen, []);
  lab.at(60_000);
  // The SYN_RECV entry expires at 60 s; its template (30 s, extended by 60 s while it controls) at 90 s.
  assert.deepEqual(seen, ['1 conn cport=40000 at=60000']);
  lab.at(90_000);
  assert.deepEqual(seen, ['1 conn cport=40000 at=60000', '0 template cport=0 at=90000']);
});

test('onRemove fires for the expire_nodest_conn flush and for one-packet entries', () => {
  const lab = new Lab({ sysctls: { expire_nodest_conn: 1 } });
  const svc = lab.service(`tcp ${VIP}`);
  lab.dest(svc, RS);
  const seen = hooked(lab);
  lab.tcp('in', C, VIP, 'S');
  lab.deleteDest(svc, RS);
  lab.at(1);
  assert.deepEqual(seen, ['0 conn cport=40000 at=1']);

  const ops = new Lab();
  const u = ops.service('udp 10.0.0.100:53', { ops: true });
  ops.dest(u, '192.168.1.11:53');
  const seenOps = hooked(ops);
  assert.equal(ops.udp('in', '203.0.113.7:5000', '10.0.0.100:53').kind, 'forward');
  assert.deepEqual(seenOps, ['0 conn cport=5000 at=0']);
});
