// Tracking (keepalived.md §4.3 FAULT rows, §4.9): interfaces and vrrp_scripts, unweighted (FAULT)
// and weighted (priority), rise/fall, and the effect on the pending down timer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentHost } from './tracking-testkit.js';
import { ScriptState } from './tracking.js';
import { facts, instanceConfig, SimLan, vrrpConfig } from './testkit.js';
import type { InstanceConfig, InterfaceFacts, ScriptConfig } from './types.js';

function one(over: Partial<InstanceConfig>, scripts: ScriptConfig[] = [], ifaces: Record<string, InterfaceFacts> = { eth0: facts('10.0.0.1') }) {
  const lan = new SimLan();
  const node = lan.add('A', vrrpConfig([instanceConfig(over)], { scripts }), ifaces);
  return { lan, node };
}

test('interface down while MASTER: FAULT with priority-0 adverts and VIPs removed; up again: BACKUP, fresh timer', () => {
  const { lan, node } = one({ priority: 150 });
  node.start();
  lan.run(5_000);
  node.link('eth0', false);
  lan.run(1_000);
  node.link('eth0', true);
  lan.run(4_000);
  assert.deepEqual(lan.lines(['log', 'transition', 'send', 'vips', 'notify'], 5_000).filter((l) => !l.includes('debug:')), [
    '5000 A info: Netlink reports eth0 down',
    '5000 A info: (VI_1) Entering FAULT STATE',
    '5000 A send VI_1 prio 0 -> 224.0.0.18',
    '5000 A send VI_1 prio 0 -> 224.0.0.18',
    '5000 A vips remove 10.0.0.100',
    '5000 A VI_1 MASTER->FAULT',
    '5000 A notify INSTANCE VI_1 FAULT 150',
    '6000 A info: Netlink reports eth0 up',
    '6000 A info: (VI_1) Entering BACKUP STATE',
    '6000 A VI_1 FAULT->BACKUP',
    '6000 A notify INSTANCE VI_1 BACKUP 150',
    '9414.062 A VI_1 BACKUP->MASTER',
    '9414.062 A send VI_1 prio 150 -> 224.0.0.18',
    '9414.062 A info: (VI_1) Entering MASTER STATE',
    '9414.062 A vips add 10.0.0.100',
    '9414.062 A notify INSTANCE VI_1 MASTER 150',
  ]);
});

test('interface down at start: FAULT (init) without a notify; dont_track_primary ignores the own interface', () => {
  const { lan, node } = one({}, [], { eth0: facts('10.0.0.1', false) });
  node.start();
  lan.run(5_000);
  assert.deepEqual(lan.lines(['log', 'transition', 'notify']), ['0 A info: (VI_1): entering FAULT state (interface eth0 down)', '0 A VI_1 INIT->FAULT']);
  const b = one({ trackInterfaces: [] }, [], { eth0: facts('10.0.0.1', false) });
  b.node.start();
  assert.equal(b.node.vrrp.status()[0]!.state, 'BACKUP');
});

test('weighted track_interface moves the priority and rescales the pending down timer', () => {
  const { lan, node } = one(
    { priority: 100, trackInterfaces: [{ name: 'eth0', weight: 0, reverse: false }, { name: 'eth1', weight: -30, reverse: false }] },
    [],
    { eth0: facts('10.0.0.1'), eth1: facts(null) },
  );
  node.start();
  lan.run(1_000);
  node.link('eth1', false);
  lan.run(4_000);
  // Down timer 3.609375 s at priority 100 becomes 3.726562 s at 70: master at 3726.562.
  assert.deepEqual(lan.lines(['log', 'transition']).filter((l) => !l.includes('debug:')), [
    '0 A info: (VI_1) Entering BACKUP STATE (init)',
    '0 A VI_1 INIT->BACKUP',
    '1000 A info: Netlink reports eth1 down',
    '1000 A info: (VI_1) Changing effective priority from 100 to 70',
    '3726.562 A VI_1 BACKUP->MASTER',
    '3726.562 A info: (VI_1) Entering MASTER STATE',
  ]);
});

test('vrrp_script rise/fall counter (keepalived.md §4.9): first result decides, then rise/fall in a row', () => {
  const lines: string[] = [];
  const h = silentHost(lines);
  const s = new ScriptState({ name: 'chk', rise: 2, fall: 3, initFail: false });
  const seq: Array<[number, boolean | null]> = [
    [0, true], // first success: up at once (counter starts at rise - 1)
    [1, null],
    [1, null],
    [1, false], // third failure in a row: down
    [0, null],
    [0, true], // one success is not enough (rise 2)
  ];
  const got = seq.map(([status]) => s.outcome(h, { kind: 'exit', status }).change);
  assert.deepEqual(got, seq.map(([, c]) => c));
  assert.deepEqual(lines, [
    'Script `chk` now returning 0',
    'VRRP_Script(chk) succeeded',
    'Script `chk` now returning 1',
    'VRRP_Script(chk) failed (exited with status 1)',
    'Script `chk` now returning 0',
    'VRRP_Script(chk) succeeded',
  ]);
  const f = new ScriptState({ name: 'x', rise: 1, fall: 1, initFail: true });
  assert.equal(f.up, false);
  assert.deepEqual(f.outcome(h, { kind: 'timeout' }), { change: null, wasInit: false });
  assert.equal(lines.at(-1), 'VRRP_Script(chk) succeeded');
});

test('unweighted vrrp_script: FAULT until it succeeds, FAULT again when it fails', () => {
  const { lan, node } = one({ priority: 150, trackScripts: [{ name: 'chk', weight: 0, reverse: false }] }, [{ name: 'chk', rise: 1, fall: 1, initFail: false }]);
  node.start();
  lan.run(1_000);
  node.script('chk', { kind: 'exit', status: 0 });
  lan.run(4_000);
  node.script('chk', { kind: 'exit', status: 2 });
  lan.run(1_000);
  assert.deepEqual(lan.lines(['log', 'transition', 'notify']).filter((l) => !l.includes('debug:')), [
    '0 A info: (VI_1) Entering FAULT STATE (init)',
    '0 A VI_1 INIT->FAULT',
    '1000 A info: Script `chk` now returning 0',
    '1000 A info: VRRP_Script(chk) succeeded',
    '1000 A info: (VI_1) Entering BACKUP STATE',
    '1000 A VI_1 FAULT->BACKUP',
    '1000 A notify INSTANCE VI_1 BACKUP 150',
    '4414.062 A VI_1 BACKUP->MASTER',
    '4414.062 A info: (VI_1) Entering MASTER STATE',
    '4414.062 A notify INSTANCE VI_1 MASTER 150',
    '5000 A info: Script `chk` now returning 2',
    '5000 A info: VRRP_Script(chk) failed (exited with status 2)',
    '5000 A info: (VI_1) Entering FAULT STATE',
    '5000 A VI_1 MASTER->FAULT',
    '5000 A notify INSTANCE VI_1 FAULT 150',
  ]);
});

test('weighted vrrp_script: +weight while OK, −|weight| while failed; owners ignore weights', () => {
  const scripts = [{ name: 'up', rise: 1, fall: 1, initFail: false }, { name: 'down', rise: 1, fall: 1, initFail: false }];
  const { lan, node } = one(
    { priority: 100, trackScripts: [{ name: 'up', weight: 20, reverse: false }, { name: 'down', weight: -50, reverse: false }] },
    scripts,
  );
  node.start();
  node.script('up', { kind: 'exit', status: 0 });
  node.script('down', { kind: 'exit', status: 1 });
  node.script('down', { kind: 'exit', status: 0 });
  node.script('up', { kind: 'exit', status: 1 });
  assert.deepEqual(lan.lines(['log']).filter((l) => l.includes('Changing')), [
    '0 A info: (VI_1) Changing effective priority from 100 to 120',
    '0 A info: (VI_1) Changing effective priority from 120 to 70',
    '0 A info: (VI_1) Changing effective priority from 70 to 120',
    '0 A info: (VI_1) Changing effective priority from 120 to 100',
  ]);
  const owner = one({ priority: 255, wantMaster: true, trackScripts: [{ name: 'down', weight: -50, reverse: false }] }, scripts);
  owner.node.start();
  owner.node.script('down', { kind: 'exit', status: 1 });
  assert.equal(owner.node.vrrp.status()[0]!.effectivePriority, 255);
});

test('priority is clamped to [1, 254]; reverse flips the direction', () => {
  const scripts = [{ name: 's', rise: 1, fall: 1, initFail: false }];
  const { node } = one({ priority: 240, trackScripts: [{ name: 's', weight: 50, reverse: false }] }, scripts);
  node.start();
  node.script('s', { kind: 'exit', status: 0 });
  assert.equal(node.vrrp.status()[0]!.effectivePriority, 254);
  const r = one({ priority: 20, trackScripts: [{ name: 's', weight: 50, reverse: true }] }, scripts);
  r.node.start();
  r.node.script('s', { kind: 'exit', status: 0 });
  assert.equal(r.node.vrrp.status()[0]!.effectivePriority, 1);
});

test('no IPv4 address on the interface: FAULT until one appears', () => {
  const { lan, node } = one({}, [], { eth0: facts(null) });
  node.start();
  node.facts.set('eth0', facts('10.0.0.7'));
  node.apply(node.vrrp.interfaceChanged(1_000, 'eth0', facts('10.0.0.7')));
  assert.deepEqual(lan.lines(['log', 'transition']).filter((l) => !l.includes('debug:')), [
    '0 A info: (VI_1) entering FAULT state (no IPv4 address for interface)',
    '0 A VI_1 INIT->FAULT',
    '0 A info: (VI_1) Entering BACKUP STATE',
    '0 A VI_1 FAULT->BACKUP',
  ]);
});
