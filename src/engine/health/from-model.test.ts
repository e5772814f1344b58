import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { healthModel } from './from-model.js';

function model(text: string, followFiles = false) {
  const { model: m } = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': text }), configId: 'x' });
  return healthModel(m, followFiles);
}

const CONF = `global_defs {
  script_user nobody
  checker_log_all_failures
}
track_file tf {
  file /run/tf
}
bfd_instance x {
}
virtual_server 10.0.0.100 80 {
  delay_loop 6
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum_up "/bin/echo up"
  real_server 10.0.0.1 8080 {
    notify_down "/bin/echo down" root
    TCP_CHECK {
      connect_timeout 3
      retry 2
    }
    BFD_CHECK {
      name x
    }
    FILE_CHECK {
      track_file tf
      weight 5 reverse
    }
  }
}
virtual_server fwmark 7 {
  lb_algo rr
  lb_kind DR
  real_server 10.0.0.2 {
    MISC_CHECK {
      misc_path "/usr/bin/true"
      misc_dynamic
    }
  }
}
`;

test('names, identities and commands as keepalived writes them', () => {
  const m = model(CONF);
  const [a, b] = m.spec.virtualServers;
  assert.deepEqual([a!.id, a!.name, b!.id, b!.name], ['tcp|10.0.0.100|80', '[10.0.0.100]:tcp:80', 'fwm|4|7', 'FWM 7']);
  const rs = a!.realServers[0]!;
  assert.deepEqual([rs.id, rs.name], ['10.0.0.1|8080', '[10.0.0.1]:tcp:8080']);
  // script_user applies to commands without their own user.
  assert.deepEqual(a!.quorumUp, { text: '/bin/echo up', args: ['/bin/echo', 'up'], user: 'nobody', group: null });
  assert.deepEqual(rs.notifyDown?.user, 'root');
  assert.equal(m.spec.logAllFailures, true);
  const tcp = rs.checkers[0]!;
  assert.deepEqual([tcp.type, tcp.retry, tcp.delayLoopMs, tcp.delayBeforeRetryMs, tcp.warmupMs], ['TCP_CHECK', 2, 6000, 1000, 6000]);
  assert.deepEqual(b!.realServers[0]!.checkers[0]!.variant, { kind: 'misc', dynamic: true, program: '/usr/bin/true' });
  assert.deepEqual([...m.byService.entries()], [['tcp|10.0.0.100|80', 'tcp|10.0.0.100|80'], ['fwm|4|7', 'fwm|4|7']]);
});

test('BFD_CHECK, and FILE_CHECK where files are not followed, are left out with a reason', () => {
  const m = model(CONF);
  assert.deepEqual(m.spec.virtualServers[0]!.realServers[0]!.checkers.map((c) => c.type), ['TCP_CHECK']);
  assert.deepEqual(m.problems, [
    'BFD_CHECK for service [10.0.0.1]:tcp:8080 of VS [10.0.0.100]:tcp:80 ignored: BFD_CHECK is not supported by tsvs',
    'FILE_CHECK for service [10.0.0.1]:tcp:8080 of VS [10.0.0.100]:tcp:80 ignored: track files are not followed by this health monitor',
  ]);
  const withFile = model(CONF, true);
  assert.deepEqual(withFile.problems, ['BFD_CHECK for service [10.0.0.1]:tcp:8080 of VS [10.0.0.100]:tcp:80 ignored: BFD_CHECK is not supported by tsvs']);
  assert.deepEqual(withFile.spec.virtualServers[0]!.realServers[0]!.checkers[1]!.variant, { kind: 'file', file: '/run/tf', weight: 5, reverse: true });
});

test('FILE_CHECK: without a weight of its own it takes the track_file block\'s weight and direction; weight 0 is its own', () => {
  const text = (block: string, check: string) => `track_file tf {\n  file /run/tf\n${block}}\ntrack_file tf {\n  file /run/second\n}\n` +
    `virtual_server 10.0.0.100 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n  real_server 10.0.0.1 80 {\n    FILE_CHECK {\n      track_file tf\n${check}    }\n  }\n}\n`;
  const variant = (block: string, check: string) => model(text(block, check), true).spec.virtualServers[0]!.realServers[0]!.checkers[0]!.variant;
  // The first block of a name is the one used; its default weight is 1.
  assert.deepEqual(variant('', ''), { kind: 'file', file: '/run/tf', weight: 1, reverse: false });
  assert.deepEqual(variant('  weight -4 reverse\n', ''), { kind: 'file', file: '/run/tf', weight: -4, reverse: true });
  assert.deepEqual(variant('  weight -4 reverse\n', '      weight 3\n'), { kind: 'file', file: '/run/tf', weight: 3, reverse: false });
  assert.deepEqual(variant('  weight -4 reverse\n', '      weight 0\n'), { kind: 'file', file: '/run/tf', weight: 0, reverse: false });
});

test('a checker keeps its identity when only timing or alpha changes, not when its port does', () => {
  const id = (checker: string) => model(CONF.replace('connect_timeout 3\n      retry 2', checker)).spec.virtualServers[0]!.realServers[0]!.checkers[0]!.identity;
  const base = id('connect_timeout 3');
  assert.equal(id('connect_timeout 3\n      retry 5\n      delay_loop 2\n      alpha'), base);
  assert.notEqual(id('connect_timeout 3\n      connect_port 81'), base);
  assert.notEqual(id('connect_timeout 4'), base);
});
