// ipvsadm argv scanning and command selection: popt forms (clusters, long forms, `=` forms, the
// optional -p value), "the first option must be the command", second commands, leftovers, and
// the command each invocation produces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ServiceKey } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { DEFAULT_LIST_OPTIONS, type IpvsadmCommand } from './command.js';
import { parseIpvsadmArgs } from './parse.js';

const VIP: ServiceKey = { kind: 'addr', family: 4, protocol: 'tcp', addr: '1.2.3.4', port: 80 };
const TRY = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.";

function command(argv: string[]): IpvsadmCommand {
  const r = parseIpvsadmArgs(argv);
  if (!r.ok) assert.fail(`${argv.join(' ')} → ${r.error.message}`);
  return r.command;
}
function op(argv: string[]): Op {
  const c = command(argv);
  if (c.kind !== 'op') assert.fail(`${argv.join(' ')} is not a change`);
  return c.op;
}
function error(argv: string[], message: string, exitCode = 2, exits = true): void {
  assert.deepEqual(parseIpvsadmArgs(argv), { ok: false, error: { message, exitCode, exits } }, argv.join(' '));
}
const addWlc = (key: ServiceKey = VIP): Op => ({ type: 'add-service', service: { key, scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } });

test('short options cluster, and an argument-taking option swallows the rest of its cluster', () => {
  assert.deepEqual(command(['-Ln']), command(['-L', '-n']));
  assert.deepEqual(command(['-Lnc']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, numeric: true, connection: true } });
  assert.deepEqual(op(['-At', '1.2.3.4:80']), addWlc());
  assert.deepEqual(op(['-At1.2.3.4:80']), addWlc());
  assert.deepEqual(op(['-A', '-t=1.2.3.4:80']), addWlc());
  // -list is the cluster l, i, s with "t" as the scheduler: scheduler is checked before ipip.
  error(['-list'], "Illegal 'scheduler' option with the 'list' command");
});

test('long options take --opt=value or the next word; flags refuse a value', () => {
  assert.deepEqual(op(['--add-service', '--tcp-service=1.2.3.4:80']), addWlc());
  assert.deepEqual(op(['--add-service', '--tcp-service', '1.2.3.4:80']), addWlc());
  const w = (argv: string[]): number => {
    const o = op(['-a', '-t', '1.2.3.4:80', '-r', '5.6.7.8', ...argv]);
    return o.type === 'add-dest' ? o.dest.weight : -1;
  };
  assert.equal(w(['-w', '3']), 3);
  assert.equal(w(['-w3']), 3);
  assert.equal(w(['-w=3']), 3);
  assert.equal(w(['--weight=3']), 3);
  assert.equal(w(['--weight', '3']), 3);
  assert.equal(w(['-gw', '4']), 4);
  error(['-A', '-t', '1.2.3.4:80', '--ops=1'], '--ops=1: option does not take an argument', 255, false);
  error(['-L', '-n=1'], '-n=1: option does not take an argument', 255, false);
  error(['-L', '--list'], "invalid option `--list'");
  assert.deepEqual(command(['--list', '-X']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, exact: true } });
  assert.deepEqual(command(['-l']), { kind: 'list', options: DEFAULT_LIST_OPTIONS });
});

test('popt errors after the command: unknown option, missing argument (exit 255, no exit)', () => {
  error(['-Lq'], '-Lq: unknown option', 255, false);
  error(['-A', '--foo'], '--foo: unknown option', 255, false);
  error(['-A', '-t'], '-t: missing argument', 255, false);
  error(['-A', '--tcp-service'], '--tcp-service: missing argument', 255, false);
  error(['-A', '-t', '1.2.3.4:80', '-gw'], '-gw: missing argument', 255, false);
  // In a cluster the letters are read in turn: here -A (a second command) comes before t.
  error(['-A', '-t', '1.2.3.4:80', '-At'], "invalid option `-At'");
  // A required argument is taken even when it looks like an option.
  error(['-A', '-t', '-L'], 'illegal virtual server address[:port] specified');
});

test('-p takes the next word only when it does not start with "-"; alone it means 360 s', () => {
  const persist = (argv: string[]): [number, number] => {
    const o = op(['-A', '-t', '1.2.3.4:80', ...argv]);
    return o.type === 'add-service' ? [o.service.flags, o.service.timeout] : [-1, -1];
  };
  assert.deepEqual(persist(['-p']), [1, 360]);
  assert.deepEqual(persist(['-p', '-s', 'rr']), [1, 360]);
  assert.deepEqual(persist(['-p', '20']), [1, 20]);
  assert.deepEqual(persist(['-p20']), [1, 20]);
  assert.deepEqual(persist(['-p=20']), [1, 20]);
  assert.deepEqual(persist(['--persistent=20']), [1, 20]);
  assert.deepEqual(persist(['--persistent', '20']), [1, 20]);
  assert.deepEqual(persist(['--persistent', '--']), [1, 360]);
  assert.deepEqual(persist(['-p', '2678400']), [1, 2678400]);
  assert.deepEqual(persist([]), [0, 0]);
  error(['-A', '-t', '1.2.3.4:80', '-p', '0'], "invalid timeout value `0' specified");
  error(['-A', '-t', '1.2.3.4:80', '-p', '2678401'], "invalid timeout value `2678401' specified");
  error(['-A', '-t', '1.2.3.4:80', '-p='], "invalid timeout value `' specified");
  error(['-A', '-t', '1.2.3.4:80', '-p', 'abc'], "invalid timeout value `abc' specified");
  error(['-A', '-t', '1.2.3.4:80', '--persistent', '-'], 'unexpected argument -');
});

test('the first option must be the command', () => {
  for (const argv of [['-t', '1.2.3.4:80', '-A'], ['-n', '-L'], ['foo'], ['--foo'], ['-qL'], ['-'], ['--'], ['--start-daemon'], ['-tA']]) {
    error(argv, TRY, 255, true);
  }
  assert.deepEqual(parseIpvsadmArgs(['-n'], undefined, { program: '/sbin/ipvsadm' }), {
    ok: false,
    error: { message: "Try `/sbin/ipvsadm -h' or '/sbin/ipvsadm --help' for more information.", exitCode: 255, exits: true },
  });
  // Words that are not options may come first: they are leftovers.
  error(['foo', '-A', '-t', '1.2.3.4:80'], 'unexpected argument foo');
  // No arguments at all: list everything with names resolved.
  assert.deepEqual(command([]), { kind: 'list', options: DEFAULT_LIST_OPTIONS });
});

test('a second command is an invalid option named by the last word read', () => {
  error(['-A', '-t', '1.2.3.4:80', '-E'], "invalid option `-E'");
  error(['-AE'], "invalid option `-AE'");
  error(['-L', '-h'], "invalid option `-h'");
  error(['-L', '--version'], "invalid option `--version'");
  error(['-A', '-t', '1.2.3.4:80', '--set'], "invalid option `--set'");
  // --start-daemon consumed its argument, so that is the word named.
  error(['-A', '-t', '1.2.3.4:80', '--start-daemon', 'master'], "invalid option `master'");
  // The seed's `-S wrr` typo (meant -s): -S is the save command.
  error(['-A', '-t', '192.168.30.254:80', '-S', 'wrr'], "invalid option `-S'");
});

test('leftover words: --set takes three, anything else is unexpected', () => {
  assert.deepEqual(op(['--set', '30', '5', '60']), { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  assert.deepEqual(op(['--set', '0', '0', '2678400']), { type: 'set-timeouts', tcp: 0, tcpfin: 0, udp: 2678400 });
  assert.deepEqual(op(['30', '--set', '5', '60']), { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  error(['--set', '30', '5'], '--set option requires 3 timeout values');
  error(['--set', '30', 'x', '60'], "invalid timeout value `x' specified");
  error(['--set', '30', '5', '60', '70'], 'unexpected argument 70');
  error(['--set', '1', '2', '3', '-n'], "Illegal 'numeric' option with the 'set' command");
  error(['-A', '-t', '1.2.3.4:80', 'foo', 'bar'], 'unexpected argument foo');
  error(['-A', '-t', '1.2.3.4:80', '--', '-p'], 'unexpected argument -p');
  error(['-C', ''], 'unexpected argument ');
  // Leftovers are reported before the matrix is checked.
  error(['-C', '-n', 'x'], 'unexpected argument x');
});

test('help and version end parsing at once', () => {
  assert.deepEqual(command(['-h']), { kind: 'help' });
  assert.deepEqual(command(['--help', 'whatever', '--foo']), { kind: 'help' });
  assert.deepEqual(command(['-v']), { kind: 'version' });
  assert.deepEqual(command(['--version']), { kind: 'version' });
  assert.deepEqual(command(['-hL']), { kind: 'help' });
});

test('each command maps to its operation or display request', () => {
  assert.deepEqual(command(['-C']), { kind: 'op', name: 'flush', op: { type: 'flush' } });
  assert.deepEqual(command(['--clear']), { kind: 'op', name: 'flush', op: { type: 'flush' } });
  assert.deepEqual(command(['-Z']), { kind: 'op', name: 'zero', op: { type: 'zero' } });
  assert.deepEqual(command(['-Z', '-t', '1.2.3.4:80']), { kind: 'op', name: 'zero', op: { type: 'zero', service: VIP } });
  assert.deepEqual(command(['-D', '-t', '1.2.3.4:80']), { kind: 'op', name: 'delete-service', op: { type: 'delete-service', service: VIP } });
  assert.deepEqual(command(['-S']), { kind: 'save', numeric: false });
  assert.deepEqual(command(['-Sn']), { kind: 'save', numeric: true });
  assert.deepEqual(command(['--save', '--numeric']), { kind: 'save', numeric: true });
  assert.deepEqual(command(['-R']), { kind: 'restore' });
  assert.deepEqual(parseIpvsadmArgs(['-R'], undefined, { readingStdin: true }), { ok: false, error: { message: TRY, exitCode: 255, exits: true } });
  assert.deepEqual(parseIpvsadmArgs(['-R', '-n'], undefined, { readingStdin: true }), {
    ok: false,
    error: { message: "Illegal 'numeric' option with the 'restore' command", exitCode: 2, exits: true },
  });
});

test('-L display options and the listed service', () => {
  assert.deepEqual(command(['-Ln', '--stats']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, numeric: true, stats: true } });
  assert.deepEqual(command(['-L', '--timeout']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, timeout: true } });
  assert.deepEqual(command(['-L', '--daemon']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, daemon: true } });
  assert.deepEqual(command(['-L', '--rate', '--thresholds', '--persistent-conn', '--tun-info', '--nosort', '--sort', '--sort', '--exact', '--syncid', '9']), {
    kind: 'list',
    options: { ...DEFAULT_LIST_OPTIONS, rate: true, thresholds: true, persistentConn: true, tunInfo: true, nosort: true, exact: true },
  });
  assert.deepEqual(command(['-L', '-n', '-t', '1.2.3.4:80']), { kind: 'list', options: { ...DEFAULT_LIST_OPTIONS, numeric: true }, service: VIP });
  assert.deepEqual(command(['-Lf', '7', '-6']), { kind: 'list', options: DEFAULT_LIST_OPTIONS, service: { kind: 'fwmark', family: 6, fwmark: 7 } });
});

test('sync daemons: state word, defaults and every daemon option', () => {
  assert.deepEqual(op(['--start-daemon', 'master']), {
    type: 'start-daemon',
    daemon: { state: 'master', mcastIfn: 'eth0', syncid: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0, maxlen: 0 },
  });
  const argv = ['--start-daemon=backup', '--mcast-interface', 'eth1', '--syncid', '5', '--mcast-group', '239.1.1.1', '--mcast-port', '9000', '--mcast-ttl', '2', '--sync-maxlen', '1400'];
  assert.deepEqual(op(argv), {
    type: 'start-daemon',
    daemon: { state: 'backup', mcastIfn: 'eth1', syncid: 5, mcastGroup: '239.1.1.1', mcastPort: 9000, mcastTtl: 2, maxlen: 1400 },
  });
  const group = op(['--start-daemon', 'master', '--mcast-group', 'FF02:0::8000:81']);
  assert.equal(group.type === 'start-daemon' && group.daemon.mcastGroup, 'ff02::8000:81');
  const ifn = op(['--start-daemon', 'master', '--mcast-interface', 'a-very-long-interface-name']);
  assert.equal(ifn.type === 'start-daemon' && ifn.daemon.mcastIfn, 'a-very-long-int');
  assert.deepEqual(op(['--stop-daemon', 'backup', '--syncid', '4']), { type: 'stop-daemon', state: 'backup' });
  error(['--start-daemon', 'primary'], 'illegal start-daemon parameter specified');
  error(['--stop-daemon', 'primary'], 'illegal start_daemon specified');
  error(['--stop-daemon', 'master', '--mcast-ttl', '1'], "Illegal 'mcast-ttl' option with the 'stop-daemon' command");
});

test('property: the parser never throws, whatever the words', () => {
  const word = fc.oneof(
    fc.constantFrom('-A', '-E', '-a', '-e', '-d', '-L', '-Z', '-C', '-S', '-R', '--set', '-t', '-u', '-f', '-r', '-s', '-p', '-M', '-b', '-w', '-6', '-i', '-g', '-m', '--tun-type', '--mcast-group', '--start-daemon', '--', '-', '='),
    fc.constantFrom('1.2.3.4:80', '[::1]:80', '::1', '[1.2.3.4]:80', 'sh', 'sh-port,', ',', '0', '65536', 'gue', 'master', 'ff02::1'),
    fc.string({ maxLength: 12 }),
  );
  fc.assert(
    fc.property(fc.array(word, { maxLength: 10 }), (argv) => {
      const r = parseIpvsadmArgs(argv);
      return r.ok ? typeof r.command.kind === 'string' : r.error.message.length >= 0 && [1, 2, 255].includes(r.error.exitCode);
    }),
    { numRuns: 3000 },
  );
});
