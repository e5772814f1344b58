// Every cell of ipvsadm's command × option matrix and tunnel-type × option matrix, checked end to
// end through the argv parser. The expectations come from an encoding of ipvs.md §6.3's prose
// written here independently of legality.ts (lists of allowed options per command).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandName } from './command.js';
import { checkCommandOptions } from './legality.js';
import { parseIpvsadmArgs } from './parse.js';

// §6.3 "Option names used in messages (in checking order)".
const ORDER = [
  'numeric', 'connection', 'service-address', 'scheduler', 'persistent', 'netmask', 'real-server',
  'forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'mcast-interface', 'timeout', 'daemon',
  'stats', 'rate', 'thresholds', 'persistent-conn', 'nosort', 'syncid', 'exact', 'ops', 'pe',
  'sched-flags', 'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen', 'tun-info', 'tun-type',
  'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum',
] as const;
type Opt = (typeof ORDER)[number];

interface Rule {
  readonly flag: readonly string[];
  readonly required: readonly Opt[];
  readonly optional: readonly Opt[];
  /** At most one of these. */
  readonly oneOf: readonly Opt[];
}
const rule = (flag: string[], required: Opt[], optional: Opt[] = [], oneOf: Opt[] = []): Rule => ({ flag, required, optional, oneOf });

// §6.3 "Command × option legality".
const RULES: Record<CommandName, Rule> = {
  'add-service': rule(['-A'], ['service-address'], ['scheduler', 'persistent', 'netmask', 'ops', 'pe', 'sched-flags']),
  'edit-service': rule(['-E'], ['service-address'], ['scheduler', 'persistent', 'netmask', 'ops', 'pe', 'sched-flags']),
  'delete-service': rule(['-D'], ['service-address']),
  flush: rule(['-C'], []),
  restore: rule(['-R'], []),
  set: rule(['--set', '1', '2', '3'], []),
  list: rule(
    ['-L'],
    [],
    ['numeric', 'stats', 'rate', 'thresholds', 'persistent-conn', 'tun-info', 'nosort', 'exact', 'syncid'],
    ['connection', 'service-address', 'timeout', 'daemon'],
  ),
  'add-server': rule(['-a'], ['service-address', 'real-server'], ['forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum']),
  'edit-server': rule(['-e'], ['service-address', 'real-server'], ['forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum']),
  'delete-server': rule(['-d'], ['service-address', 'real-server']),
  'start-daemon': rule(['--start-daemon', 'master'], [], ['mcast-interface', 'syncid', 'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen']),
  'stop-daemon': rule(['--stop-daemon', 'master'], [], ['syncid']),
  save: rule(['-S'], [], ['numeric']),
  zero: rule(['-Z'], [], ['service-address']),
};

/** One way to write each option on a command line, with a value every command accepts. */
const WRITE: Record<Opt, string[]> = {
  numeric: ['-n'],
  connection: ['-c'],
  'service-address': ['-u', '10.0.0.1:53'],
  scheduler: ['-s', 'rr'],
  persistent: ['-p'],
  netmask: ['-M', '255.255.255.0'],
  'real-server': ['-r', '192.168.1.1:53'],
  'forwarding-method': ['-m'],
  weight: ['-w', '2'],
  'u-threshold': ['-x', '10'],
  'l-threshold': ['-y', '5'],
  'mcast-interface': ['--mcast-interface', 'eth1'],
  timeout: ['--timeout'],
  daemon: ['--daemon'],
  stats: ['--stats'],
  rate: ['--rate'],
  thresholds: ['--thresholds'],
  'persistent-conn': ['--persistent-conn'],
  nosort: ['--nosort'],
  syncid: ['--syncid', '3'],
  exact: ['--exact'],
  ops: ['-o'],
  pe: ['--pe', 'sip'],
  'sched-flags': ['-b', 'flag-1'],
  'mcast-group': ['--mcast-group', '224.0.0.81'],
  'mcast-port': ['--mcast-port', '8848'],
  'mcast-ttl': ['--mcast-ttl', '1'],
  'sync-maxlen': ['--sync-maxlen', '1472'],
  'tun-info': ['--tun-info'],
  'tun-type': ['--tun-type', 'ipip'],
  'tun-port': ['--tun-port', '6080'],
  'tun-nocsum': ['--tun-nocsum'],
  'tun-csum': ['--tun-csum'],
  'tun-remcsum': ['--tun-remcsum'],
};

/** Tunnel options only pass the later tunnel checks with -i and a type that takes them. */
const TUNNEL_CONTEXT: Partial<Record<Opt, string[]>> = {
  'tun-type': ['-i'],
  'tun-port': ['-i', '--tun-type', 'gue'],
  'tun-nocsum': ['-i', '--tun-type', 'gue', '--tun-port', '6080'],
  'tun-csum': ['-i', '--tun-type', 'gue', '--tun-port', '6080'],
  'tun-remcsum': ['-i', '--tun-type', 'gue', '--tun-port', '6080'],
};

function argvFor(cmd: CommandName, opts: readonly Opt[]): string[] {
  const r = RULES[cmd];
  const argv = [...r.flag];
  for (const req of r.required) if (!opts.includes(req)) argv.push(...WRITE[req]);
  const tunnelDest = cmd === 'add-server' || cmd === 'edit-server';
  for (const o of opts) argv.push(...(tunnelDest ? (TUNNEL_CONTEXT[o] ?? []) : []), ...WRITE[o]);
  return argv;
}

function expectError(argv: string[], message: string): void {
  assert.deepEqual(parseIpvsadmArgs(argv), { ok: false, error: { message, exitCode: 2, exits: true } }, argv.join(' '));
}

function expectOk(argv: string[]): void {
  const r = parseIpvsadmArgs(argv);
  assert.equal(r.ok, true, `${argv.join(' ')} → ${r.ok ? '' : r.error.message}`);
}

const COMMANDS = Object.keys(RULES) as CommandName[];

test('every command × option cell: allowed options parse, others give the exact Illegal message', () => {
  let cells = 0;
  for (const cmd of COMMANDS) {
    const r = RULES[cmd];
    for (const opt of ORDER) {
      cells++;
      const argv = argvFor(cmd, [opt]);
      if (r.required.includes(opt) || r.optional.includes(opt) || r.oneOf.includes(opt)) expectOk(argv);
      else expectError(argv, `Illegal '${opt}' option with the '${cmd}' command`);
    }
  }
  assert.equal(cells, 14 * 34);
});

test('the matrix function agrees with the rules cell by cell', () => {
  for (const cmd of COMMANDS) {
    const r = RULES[cmd];
    for (const opt of ORDER) {
      const given = new Set<Opt>([...r.required, opt]);
      const legal = r.required.includes(opt) || r.optional.includes(opt) || r.oneOf.includes(opt);
      const expected = legal ? null : { message: `Illegal '${opt}' option with the '${cmd}' command`, exitCode: 2, exits: true };
      assert.deepEqual(checkCommandOptions(cmd, given), expected, `${cmd} ${opt}`);
    }
  }
});

test('a missing required option is named for its command', () => {
  for (const cmd of COMMANDS) {
    const r = RULES[cmd];
    for (const missing of r.required) {
      const present = r.required.filter((o) => o !== missing);
      const argv = [...r.flag, ...present.flatMap((o) => WRITE[o])];
      expectError(argv, `You need to supply the '${missing}' option for the '${cmd}' command`);
    }
  }
  // Both missing: service-address comes first in checking order.
  expectError(['-d'], "You need to supply the 'service-address' option for the 'delete-server' command");
  expectError(['-a', '-t', '10.0.0.1:80'], "You need to supply the 'real-server' option for the 'add-server' command");
});

test('the -L exclusive group reports the later option (by checking order) against the earlier', () => {
  const group = RULES.list.oneOf;
  for (const a of group) {
    for (const b of group) {
      if (a === b) continue;
      const [earlier, later] = ORDER.indexOf(a) < ORDER.indexOf(b) ? [a, b] : [b, a];
      expectError(['-L', ...WRITE[a], ...WRITE[b]], `The option '${later}' conflicts with the '${earlier}' option in the 'list' command`);
    }
  }
  expectError(['-L', '--daemon', '--timeout', '-c'], "The option 'timeout' conflicts with the 'connection' option in the 'list' command");
});

test('the first problem in checking order wins, whatever the command-line order', () => {
  expectError(['-a', '-n'], "Illegal 'numeric' option with the 'add-server' command");
  expectError(['-A', '-u', '10.0.0.1:53', '--tun-info', '-w', '1', '-n'], "Illegal 'numeric' option with the 'add-service' command");
  expectError(['-D', '--mcast-ttl', '1', '-s', 'rr'], "You need to supply the 'service-address' option for the 'delete-service' command");
  expectError(['-D', '--mcast-ttl', '1', '-s', 'rr', '-t', '10.0.0.1:80'], "Illegal 'scheduler' option with the 'delete-service' command");
  expectError(['-L', '--tun-type', 'gre', '-c', '-t', '10.0.0.1:80'], "The option 'service-address' conflicts with the 'connection' option in the 'list' command");
});

test('list conflicts beyond the matrix: connections/timeouts/daemons with stats/rate/thresholds', () => {
  const msg = 'options conflicts in the list command';
  for (const a of ['-c', '--timeout', '--daemon']) for (const b of ['--stats', '--rate', '--thresholds']) expectError(['-L', a, b], msg);
  expectError(['-L', '--timeout', '--persistent-conn'], msg);
  expectError(['-L', '--daemon', '--persistent-conn'], msg);
  expectOk(['-L', '-c', '--persistent-conn']);
  expectOk(['-L', '--stats', '--rate', '--thresholds', '--persistent-conn', '--tun-info', '--exact', '--nosort', '-n']);
});

// §6.3: gue needs --tun-port and takes one checksum option; gre takes --tun-nocsum or --tun-csum;
// ipip takes none.
const TUNNEL: Record<'ipip' | 'gue' | 'gre', { required: Opt[]; oneOf: Opt[] }> = {
  ipip: { required: [], oneOf: [] },
  gue: { required: ['tun-port'], oneOf: ['tun-nocsum', 'tun-csum', 'tun-remcsum'] },
  gre: { required: [], oneOf: ['tun-nocsum', 'tun-csum'] },
};
const TUNNEL_OPTS: readonly Opt[] = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];

test('every tunnel type × tunnel option cell', () => {
  for (const [type, t] of Object.entries(TUNNEL)) {
    for (const opt of TUNNEL_OPTS) {
      const base = ['-a', '-t', '10.0.0.1:80', '-r', '192.168.1.1', '-i', '--tun-type', type];
      const needPort = t.required.includes('tun-port') && opt !== 'tun-port' ? WRITE['tun-port'] : [];
      const argv = [...base, ...needPort, ...WRITE[opt]];
      if (t.required.includes(opt) || t.oneOf.includes(opt)) expectOk(argv);
      else expectError(argv, `Illegal '${opt}' option with the '${type}' tunnel type`);
    }
  }
  expectError(['-a', '-t', '10.0.0.1:80', '-r', '192.168.1.1', '-i', '--tun-type', 'gue'], "You need to supply the 'tun-port' option for the 'gue' tunnel type");
  expectError(
    ['-e', '-t', '10.0.0.1:80', '-r', '192.168.1.1', '-i', '--tun-type', 'gue', '--tun-port', '1', '--tun-remcsum', '--tun-csum'],
    "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type",
  );
  expectError(['-a', '-t', '10.0.0.1:80', '-r', '192.168.1.1', '-i', '--tun-type', 'gre', '--tun-csum', '--tun-nocsum'], "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type");
  // The default type is ipip, so a bare --tun-port is refused by the tunnel matrix.
  expectError(['-a', '-t', '10.0.0.1:80', '-r', '192.168.1.1', '-i', '--tun-port', '6080'], "Illegal 'tun-port' option with the 'ipip' tunnel type");
});
