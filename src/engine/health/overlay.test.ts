import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHealth } from '../../core/health/state.js';
import { serviceKeyString } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { FakeClock } from '../../core/fake-clock.js';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { toIpvsOps } from '../../lang/keepalived/to-ops.js';
import { Director } from '../director.js';
import { destEffectOps } from './dest-ops.js';
import { healthModel } from './from-model.js';
import { withHealth } from './overlay.js';

const TEXT = `virtual_server fwmark 7 {
  lb_algo rr
  lb_kind DR
  sorry_server 10.0.0.9 80
  real_server 10.0.0.1 80 {
    TCP_CHECK {
      connect_port 80
    }
  }
  real_server 10.0.0.2 80 {
    inhibit_on_failure
    TCP_CHECK {
      connect_port 80
      alpha
    }
  }
}
virtual_server 10.0.0.200 443 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.0.0.5 8443 {
  }
}
`;

const show = (ops: readonly Op[]): string[] =>
  ops.map((o) => {
    if (o.type === 'add-dest' || o.type === 'edit-dest') return `${o.type} ${serviceKeyString(o.service)} ${o.dest.addr}:${o.dest.port} w${o.dest.weight}`;
    if (o.type === 'delete-dest') return `${o.type} ${serviceKeyString(o.service)} ${o.dest.addr}:${o.dest.port}`;
    return o.type;
  });

function setup() {
  const { model } = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': TEXT }), configId: 'x' });
  const hm = healthModel(model, false);
  const plan = planHealth(null, hm.spec, { fileValue: () => 0, addressCount: () => 1 });
  return { model, hm, plan };
}

test('overlay: managed services get the destinations health programmed (fwmark DR without ports); others are untouched', () => {
  const { model, hm, plan } = setup();
  assert.deepEqual(show(withHealth(toIpvsOps(model), plan.state, hm)), [
    'add-service',
    'add-dest fwm|4|7 10.0.0.1:0 w1',
    'add-dest fwm|4|7 10.0.0.2:0 w0',
    'add-service',
    'add-dest tcp|10.0.0.200|443 10.0.0.5:8443 w1',
  ]);
});

test('effects become the operations that make IPVS agree, and nothing when it already does', () => {
  const { model, hm, plan } = setup();
  const clock = new FakeClock();
  const director = new Director({ clock, timers: clock });
  assert.equal(director.apply(withHealth(toIpvsOps(model), plan.state, hm)).ok, true);
  const vs = plan.state.virtualServers[0]!;
  const entry = hm.byId.get(vs.id)!;
  const ops = (effects: readonly { kind: string }[]) =>
    show(effects.flatMap((e) => (e.kind === 'dest' ? destEffectOps(director.ipvs, entry, e as Parameters<typeof destEffectOps>[2]) : [])));
  // 10.0.0.1 fails: the quorum (1) is lost and the sorry server replaces what is left.
  const down = plan.state.result(vs.realServers[0]!.checkers[0]!, { kind: 'fail', reason: 'failed' });
  assert.deepEqual(ops(down.effects), ['delete-dest fwm|4|7 10.0.0.1:0', 'add-dest fwm|4|7 10.0.0.9:0 w1']);
  director.apply(down.effects.flatMap((e) => (e.kind === 'dest' ? destEffectOps(director.ipvs, entry, e) : [])));
  // 10.0.0.2 (alpha, inhibited at weight 0) passes: quorum back, sorry server out, 10.0.0.2 to weight 1.
  const up = plan.state.result(vs.realServers[1]!.checkers[0]!, { kind: 'pass' });
  assert.deepEqual(ops(up.effects), ['delete-dest fwm|4|7 10.0.0.9:0', 'edit-dest fwm|4|7 10.0.0.2:0 w1']);
  director.apply(up.effects.flatMap((e) => (e.kind === 'dest' ? destEffectOps(director.ipvs, entry, e) : [])));
  assert.deepEqual(ops(up.effects), []);
});
