// Two directors configured as in seed 004 (LVS-DR master/backup, PASS auth, VIP with dev and
// label), each a VrrpEngine on in-memory ports and one FakeClock: election, VIP and GARP, notify
// scripts, clean stop and failover, status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../core/fake-clock.js';
import type { Logger } from '../../core/ports.js';
import type { InterfaceInfo } from '../../core/vrrp/ports.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { decodeArpFrame } from '../../wire/vrrp-garp.js';
import { vrrpSetup } from './config.js';
import { VrrpEngine } from './engine.js';
import { MemoryNetControl, MemoryScriptRunner, MemoryVrrpIo, MemoryWire } from './memory-ports.js';

function seed004(routerId: string, state: string, priority: number): string {
  return `global_defs {
   router_id ${routerId}
}

vrrp_instance VI_1 {
    state ${state}
    interface ens160
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.64.100/32 dev ens160 label ens160:vip
    }
    notify_master "/usr/local/bin/to-master.sh now"
    notify "/usr/local/bin/notify.sh"
}
`;
}

function logger(lines: string[], name: string): Logger {
  const put = (level: string) => (msg: string) => void lines.push(`${name} ${level} ${msg}`);
  return { debug: () => {}, info: put('info'), warn: put('warn'), error: put('error') };
}

interface Director {
  engine: VrrpEngine;
  net: MemoryNetControl;
  scripts: MemoryScriptRunner;
}

function director(clock: FakeClock, wire: MemoryWire, lines: string[], name: string, text: string, address: string, mac: number): Director {
  const parsed = parseKeepalivedConfig('/etc/keepalived/keepalived.conf', { ...memoryFiles({ '/etc/keepalived/keepalived.conf': text }), configId: name });
  // keepalived still runs the scripts after its SECURITY VIOLATION line; so does tsvs.
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'script-security'), []);
  const info: InterfaceInfo = {
    up: true, primary4: address, linkLocal6: null, addresses: [address], mac: Uint8Array.from([2, 0, 0, 0, 0, mac]), ipv6Forwarding: false,
  };
  const net = new MemoryNetControl(new Map([['ens160', info]]));
  const scripts = new MemoryScriptRunner(clock);
  const io = new MemoryVrrpIo(wire, name, () => [address]);
  const engine = new VrrpEngine({ setup: vrrpSetup(parsed.model), clock, timers: clock, io, net, scripts, logger: logger(lines, name) });
  return { engine, net, scripts };
}

/** Advance the fake clock in small steps, letting promise chains (VIP queue, scripts) settle between them. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    clock.advance(Math.min(5, ms - t));
    await new Promise((r) => setImmediate(r));
  }
}

test('seed 004: master/backup election, VIP with label, GARP, notify scripts, clean stop and takeover', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const lines: string[] = [];
  const lvs1 = director(clock, wire, lines, 'lvs1', seed004('LVS_MASTER', 'MASTER', 100), '192.168.64.130', 0x30);
  const lvs2 = director(clock, wire, lines, 'lvs2', seed004('LVS_BACKUP', 'BACKUP', 90), '192.168.64.137', 0x37);
  await lvs1.engine.start();
  await lvs2.engine.start();
  await run(clock, 5_000);
  assert.deepEqual(lines, [
    'lvs1 info (VI_1) Entering BACKUP STATE (init)',
    'lvs2 info (VI_1) Entering BACKUP STATE (init)',
    'lvs1 info (VI_1) Entering MASTER STATE',
  ]);
  assert.deepEqual(lvs1.net.log, ['add 192.168.64.100/32 dev ens160 label ens160:vip']);
  assert.deepEqual(lvs2.net.log, []);
  // Adverts carry the PASS field and the VIP; the first one 3.609 s after start.
  const adv = wire.datagrams.filter((d) => d.host === 'lvs1');
  assert.equal(adv.length, 2);
  assert.equal(Buffer.from(adv[0]!.bytes.subarray(20)).toString('hex'), '213364010101' + Buffer.from(adv[0]!.bytes.subarray(26, 28)).toString('hex') + 'c0a840643131313100000000');
  const garps = wire.frames.filter((f) => f.host === 'lvs1').map((f) => decodeArpFrame(f.frame));
  assert.equal(garps.length, 5);
  assert.ok(garps.every((g) => g.ok && g.value.senderIp === '192.168.64.100' && g.value.senderMac[5] === 0x30));
  assert.deepEqual(lvs1.scripts.calls, [
    { args: ['/usr/local/bin/notify.sh', 'INSTANCE', 'VI_1', 'BACKUP', '100'], timeoutMs: 10_000 },
    { args: ['/usr/local/bin/to-master.sh', 'now'], timeoutMs: 10_000 },
    { args: ['/usr/local/bin/notify.sh', 'INSTANCE', 'VI_1', 'MASTER', '100'], timeoutMs: 10_000 },
  ]);
  const s1 = lvs1.engine.status().instances[0]!;
  const s2 = lvs2.engine.status().instances[0]!;
  assert.deepEqual([s1.state, s1.effectivePriority, s1.masterAddress, s1.sinceTransitionMs], ['MASTER', 100, '192.168.64.130', 1391]);
  assert.deepEqual([s2.state, s2.effectivePriority, s2.masterAddress, s2.masterPriority], ['BACKUP', 90, '192.168.64.130', 100]);

  // systemctl stop keepalived on the master: the VIP moves within the backup's skew time.
  lines.length = 0;
  const stopping = lvs1.engine.stop();
  await run(clock, 1_000);
  await stopping;
  assert.deepEqual(lines, ['lvs2 info (VI_1) Entering MASTER STATE']);
  assert.deepEqual(lvs1.net.log.slice(1), ['del 192.168.64.100/32 dev ens160']);
  assert.deepEqual(lvs2.net.log, ['add 192.168.64.100/32 dev ens160 label ens160:vip']);
  assert.deepEqual(lvs1.scripts.calls.slice(3), [{ args: ['/usr/local/bin/notify.sh', 'INSTANCE', 'VI_1', 'STOP', '100'], timeoutMs: 1_000 }]);
  assert.equal(lvs2.engine.status().instances[0]!.lastTransition, 5_648.437);
  assert.equal(lvs1.engine.status().running, false);
  const stopping2 = lvs2.engine.stop();
  await run(clock, 10);
  await stopping2;
  assert.deepEqual([...lvs2.net.vips], []);
});

test('a socket that cannot be opened fails start() and leaves nothing open', async () => {
  const clock = new FakeClock(0);
  const parsed = parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': seed004('X', 'BACKUP', 90) }), configId: 'x' });
  const up: InterfaceInfo = { up: true, primary4: '192.168.64.137', linkLocal6: null, addresses: ['192.168.64.137'], mac: null, ipv6Forwarding: false };
  const net = new MemoryNetControl(new Map([['ens160', up]]));
  const io = {
    open: () => {
      throw Object.assign(new Error('socket: Operation not permitted'), { code: 'EPERM' });
    },
    sendFrame: () => {},
    close: () => {},
  };
  const engine = new VrrpEngine({ setup: vrrpSetup(parsed.model), clock, timers: clock, io, net, scripts: new MemoryScriptRunner(clock), logger: logger([], 'x') });
  await assert.rejects(engine.start(), /Operation not permitted/);
  assert.equal(engine.status().running, false);
  assert.equal(clock.pendingCount, 0);
});

test('reload: the master keeps its state, gets the new VIP and a socket for a new interface; a removed instance says goodbye', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const lines: string[] = [];
  const conf = (extra: string): string => `${seed004('LVS_MASTER', 'MASTER', 100).replace('192.168.64.100/32 dev ens160 label ens160:vip', `192.168.64.100/32 dev ens160 label ens160:vip\n        ${extra}`)}`;
  const d = director(clock, wire, lines, 'lvs1', conf(''), '192.168.64.130', 0x30);
  d.net.interfaces.set('ens192', { up: true, primary4: '10.1.0.1', linkLocal6: null, addresses: ['10.1.0.1'], mac: Uint8Array.from([2, 0, 0, 0, 1, 0x30]), ipv6Forwarding: false });
  await d.engine.start();
  await run(clock, 4_000);
  assert.equal(d.engine.status().instances[0]!.state, 'MASTER');
  const text = `${conf('192.168.64.101/32')}
vrrp_instance VI_2 {
    interface ens192
    virtual_router_id 52
    priority 100
    virtual_ipaddress {
        10.1.0.100
    }
}
`;
  const parsed = parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': text }), configId: 'lvs1' });
  lines.length = 0;
  await d.engine.reload(vrrpSetup(parsed.model));
  await run(clock, 100);
  assert.deepEqual(d.net.log, ['add 192.168.64.100/32 dev ens160 label ens160:vip', 'add 192.168.64.101/32 dev ens160']);
  assert.deepEqual(lines, ['lvs1 info (VI_2) Entering BACKUP STATE (init)']);
  assert.deepEqual(d.engine.status().instances.map((i) => [i.name, i.state]), [['VI_1', 'MASTER'], ['VI_2', 'BACKUP']]);
  // The new interface got its socket: VI_2 becomes master there on its own.
  await run(clock, 4_000);
  assert.deepEqual(d.engine.status().instances.map((i) => i.state), ['MASTER', 'MASTER']);
  assert.ok(wire.datagrams.some((x) => x.dst === '224.0.0.18' && x.bytes[21] === 52));
  // Dropping VI_1: priority 0 and its VIPs go; DELETED is notified as FAULT (no notify_deleted).
  const only2 = parseKeepalivedConfig('/k', { ...memoryFiles({ '/k': text.slice(text.indexOf('vrrp_instance VI_2')) }), configId: 'lvs1' });
  const before = wire.datagrams.length;
  await d.engine.reload(vrrpSetup(only2.model));
  await run(clock, 50);
  assert.equal(wire.datagrams[before]!.bytes[22], 0);
  assert.deepEqual(d.net.log.slice(2), ['add 10.1.0.100/32 dev ens192', 'del 192.168.64.100/32 dev ens160', 'del 192.168.64.101/32 dev ens160']);
  assert.deepEqual(d.scripts.calls.at(-1), { args: ['/usr/local/bin/notify.sh', 'INSTANCE', 'VI_1', 'FAULT', '100'], timeoutMs: 10_000 });
  const stopping = d.engine.stop();
  await run(clock, 50);
  await stopping;
});

test('an instance on a missing interface stays in FAULT; the others run', async () => {
  const clock = new FakeClock(0);
  const wire = new MemoryWire(clock);
  const lines: string[] = [];
  const text = `${seed004('X', 'BACKUP', 90)}
vrrp_instance VI_2 {
    interface ens999
    virtual_router_id 52
    virtual_ipaddress {
        10.9.9.9
    }
}
`;
  const d = director(clock, wire, lines, 'x', text, '192.168.64.131', 0x31);
  await d.engine.start();
  await run(clock, 4_000);
  assert.deepEqual(d.engine.status().instances.map((i) => [i.name, i.state]), [['VI_1', 'MASTER'], ['VI_2', 'FAULT']]);
  assert.deepEqual(lines.filter((l) => l.includes('VI_2') || l.includes('ens999')), [
    'x error VRRP: interface ens999 does not exist - its instances stay in FAULT',
    'x info (VI_2): entering FAULT state (interface ens999 down)',
    'x info (VI_2) entering FAULT state (no IPv4 address for interface)',
  ]);
  const stopping = d.engine.stop();
  await run(clock, 50);
  await stopping;
});
