import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabArgs } from './args.js';

test('parseLabArgs: every command with its defaults', () => {
  assert.deepEqual(parseLabArgs(['list']), { cmd: 'list' });
  assert.deepEqual(parseLabArgs(['up', 'seed-004-ha']), { cmd: 'up', scenario: 'seed-004-ha', configDir: null });
  assert.deepEqual(parseLabArgs(['up', 'seed-004-ha', '--config', '/etc/k']), { cmd: 'up', scenario: 'seed-004-ha', configDir: '/etc/k' });
  assert.deepEqual(parseLabArgs(['up', '--config=/etc/k', 'seed-004-ha']), { cmd: 'up', scenario: 'seed-004-ha', configDir: '/etc/k' });
  assert.deepEqual(parseLabArgs(['probe']), { cmd: 'probe', intervalMs: 100, timeoutMs: 1000, count: null });
  assert.deepEqual(parseLabArgs(['probe', '--interval', '1s', '--count', '20', '--timeout=500ms']), { cmd: 'probe', intervalMs: 1000, timeoutMs: 500, count: 20 });
  assert.deepEqual(parseLabArgs(['fail', 'director', 'lvs1']), { cmd: 'fail', target: 'director', node: 'lvs1', how: 'stop' });
  assert.deepEqual(parseLabArgs(['fail', 'realserver', 'rs1', '--how', 'link']), { cmd: 'fail', target: 'realserver', node: 'rs1', how: 'link' });
  assert.deepEqual(parseLabArgs(['heal', 'director', 'lvs1']), { cmd: 'heal', target: 'director', node: 'lvs1' });
  assert.deepEqual(parseLabArgs(['test', 'seed-000-dr']), { cmd: 'test', scenario: 'seed-000-dr', configDir: null });
  assert.deepEqual(parseLabArgs(['test', 'seed-004-ha', '--config', 'mine']), { cmd: 'test', scenario: 'seed-004-ha', configDir: 'mine' });
  assert.deepEqual(parseLabArgs(['down']), { cmd: 'down', scenario: null });
  assert.deepEqual(parseLabArgs(['down', 'seed-000-dr']), { cmd: 'down', scenario: 'seed-000-dr' });
});

test('parseLabArgs: usage errors as exact messages', () => {
  const cases: Array<[string[], string]> = [
    [[], "unknown lab command ''"],
    [['start'], "unknown lab command 'start'"],
    [['up'], 'up: which scenario? (tsvs lab list)'],
    [['test'], 'test: which scenario? (tsvs lab list)'],
    [['up', 'a', 'b'], "unexpected argument 'b'"],
    [['up', 'a', '--how', 'kill'], "unknown option '--how'"],
    [['up', 'a', '--config'], "option '--config' needs a value"],
    [['probe', '--interval', 'fast'], "bad --interval 'fast' (e.g. 100ms, 1s)"],
    [['probe', '--count', '0'], "bad --count '0'"],
    [['probe', '--timeout', '-1'], "bad --timeout '-1' (e.g. 1s)"],
    [['fail', 'router', 'r'], 'fail: director or realserver?'],
    [['fail', 'director'], 'fail director: which node?'],
    [['fail', 'director', 'lvs1', '--how', 'reboot'], "bad --how 'reboot' (kill, stop or link)"],
    [['heal', 'director', 'lvs1', '--how', 'kill'], "unknown option '--how'"],
    [['list', 'x'], "unexpected argument 'x'"],
    [['down', 'a', 'b'], "unexpected argument 'b'"],
  ];
  for (const [argv, msg] of cases) assert.equal(parseLabArgs(argv), msg, argv.join(' '));
});
