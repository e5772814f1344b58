// Kernel failures in ipvsadm's words (ipvs.md §6.4, §6.5), end to end through the core reducer,
// and the -h / -v texts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import type { CommandName } from './command.js';
import { initFailureError, kernelErrorMessage, tryHelpMessage, type IpvsadmErrno } from './errors.js';
import { usageText, VERSION_LINE, versionText } from './help.js';
import { parseIpvsadmArgs } from './parse.js';

test('errno + command → the exact libipvs words and exit status', () => {
  const cases: Array<[IpvsadmErrno, CommandName, string, number]> = [
    ['EEXIST', 'add-service', 'Service already exists', 255],
    ['ENOENT', 'add-service', 'Scheduler or persistence engine not found', 255],
    ['ENOENT', 'edit-service', 'Scheduler or persistence engine not found', 255],
    ['ESRCH', 'edit-service', 'No such service', 255],
    ['ESRCH', 'delete-service', 'No such service', 255],
    ['ESRCH', 'zero', 'No such service', 255],
    ['ESRCH', 'add-server', 'Service not defined', 255],
    ['ESRCH', 'edit-server', 'Service not defined', 255],
    ['ESRCH', 'delete-server', 'Service not defined', 255],
    ['EEXIST', 'add-server', 'Destination already exists', 255],
    ['ENOENT', 'edit-server', 'No such destination', 255],
    ['ENOENT', 'delete-server', 'No such destination', 255],
    ['EEXIST', 'start-daemon', 'Daemon has already run', 255],
    ['ESRCH', 'stop-daemon', 'No daemon is running', 255],
    ['ESRCH', 'list', 'No such service', 1],
    ['EPERM', 'add-service', 'Permission denied (you must be root)', 255],
    ['EINVAL', 'add-server', 'Invalid operation.  Possibly wrong module version, address not unicast, ...', 255],
    ['ERANGE', 'edit-server', 'Numerical result out of range', 255],
    ['ENODEV', 'start-daemon', 'No such device', 255],
    ['EAFNOSUPPORT', 'add-service', 'Operation not supported with specified address family', 255],
    ['ENOMEM', 'add-server', 'Memory allocation problem', 255],
    ['ENOPROTOOPT', 'list', 'Protocol not available', 1],
    ['EOPNOTSUPP', 'add-service', 'Operation not supported with IPv6', 255],
    ['EMSGSIZE', 'set', 'Module is wrong version', 255],
    // No libipvs words for these pairs: the C library's strerror text.
    ['ENOENT', 'flush', 'No such file or directory', 255],
    ['ESRCH', 'set', 'No such process', 255],
    ['EEXIST', 'delete-service', 'File exists', 255],
    ['EBUSY', 'add-service', 'Device or resource busy', 255],
  ];
  for (const [errno, command, message, exitCode] of cases) {
    assert.deepEqual(kernelErrorMessage(errno, command), { message, exitCode, exits: false }, `${errno} ${command}`);
  }
});

/** Run command lines against one reducer; return what ipvsadm would print for each failure. */
function session(lines: string[][]): string[] {
  const ipvs = new Ipvs();
  const out: string[] = [];
  for (const argv of lines) {
    const r = parseIpvsadmArgs(argv);
    assert.ok(r.ok && r.command.kind === 'op', argv.join(' '));
    const res = ipvs.apply(r.command.op);
    out.push(res.ok ? 'ok' : `${kernelErrorMessage(res.errno, r.command.name).message} (${kernelErrorMessage(res.errno, r.command.name).exitCode})`);
  }
  return out;
}

test('parsed commands applied to the core reducer fail with ipvsadm words', () => {
  const svc = ['-t', '10.0.0.1:80'];
  assert.deepEqual(
    session([
      ['-A', ...svc, '-s', 'rr'],
      ['-A', ...svc],
      ['-E', '-t', '10.0.0.1:81'],
      ['-A', '-t', '10.0.0.1:82', '-s', 'nosuch'],
      ['-a', '-t', '10.0.0.1:81', '-r', '192.168.0.1'],
      ['-a', ...svc, '-r', '192.168.0.1'],
      ['-a', ...svc, '-r', '192.168.0.1'],
      ['-e', ...svc, '-r', '192.168.0.2'],
      ['-d', ...svc, '-r', '192.168.0.2'],
      ['-e', ...svc, '-r', '192.168.0.1', '-y', '10'],
      ['-D', '-t', '10.0.0.1:81'],
      ['-Z', '-t', '10.0.0.1:81'],
      ['--stop-daemon', 'master'],
      ['--start-daemon', 'master'],
      ['--start-daemon', 'master'],
    ]),
    [
      'ok',
      'Service already exists (255)',
      'No such service (255)',
      'Scheduler or persistence engine not found (255)',
      'Service not defined (255)',
      'ok',
      'Destination already exists (255)',
      'No such destination (255)',
      'No such destination (255)',
      'Numerical result out of range (255)',
      'No such service (255)',
      'No such service (255)',
      'No daemon is running (255)',
      'ok',
      'Daemon has already run (255)',
    ],
  );
});

test('usage hint and initialisation failure', () => {
  assert.equal(tryHelpMessage('ipvsadm'), "Try `ipvsadm -h' or 'ipvsadm --help' for more information.");
  assert.deepEqual(initFailureError('Protocol not available'), {
    message: "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?",
    exitCode: 2,
    exits: true,
  });
});

test('-v prints the version line', () => {
  assert.equal(VERSION_LINE, 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)');
  assert.equal(versionText(), 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n');
});

test('-h prints the 1.31 usage text with the program name in the synopsis', () => {
  const text = usageText('/sbin/ipvsadm');
  const lines = text.split('\n');
  assert.equal(lines.length, 83);
  assert.equal(lines[82], '');
  assert.deepEqual(lines.slice(0, 16), [
    VERSION_LINE,
    'Usage:',
    '  /sbin/ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]',
    '  /sbin/ipvsadm -D virtual-service',
    '  /sbin/ipvsadm -C',
    '  /sbin/ipvsadm -R',
    '  /sbin/ipvsadm -S [-n]',
    '  /sbin/ipvsadm -a|e virtual-service -r server-address [options]',
    '  /sbin/ipvsadm -d virtual-service -r server-address',
    '  /sbin/ipvsadm -L|l [virtual-service] [options]',
    '  /sbin/ipvsadm -Z [virtual-service]',
    '  /sbin/ipvsadm --set tcp tcpfin udp',
    '  /sbin/ipvsadm --start-daemon {master|backup} [daemon-options]',
    '  /sbin/ipvsadm --stop-daemon {master|backup}',
    '  /sbin/ipvsadm -h',
    '',
  ]);
  assert.deepEqual(
    lines.filter((l) => /^[A-Za-z -]+:$/.test(l)),
    ['Usage:', 'Commands:', 'virtual-service:', 'Options:', 'Daemon Options:'],
  );
  assert.ok(lines.includes('  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,'));
  assert.ok(lines.includes('                                      the default scheduler is wlc.'));
  assert.ok(lines.includes('  --pe            engine              alternate persistence engine may be sip,'));
  assert.ok(lines.includes('                                      the default tunnel type is ipip.'));
  assert.deepEqual(lines.slice(75, 82), [
    'Daemon Options:',
    '  --syncid sid                        syncid for connection sync (default=255)',
    '  --sync-maxlen length                Max sync message length (default=1472)',
    '  --mcast-interface interface         multicast interface for connection sync',
    '  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)',
    '  --mcast-port port                   UDP port (default=8848)',
    '  --mcast-ttl ttl                     Multicast TTL (default=1)',
  ]);
  // SHA-256 of the stdout of Debian's ipvsadm 1:1.31-1+b1 `/usr/sbin/ipvsadm -h`, byte for byte.
  assert.equal(createHash('sha256').update(usageText('/usr/sbin/ipvsadm')).digest('hex'), '22f068ca0de0c8ba7ca2b206d8b2351c69a26837b75f796042fbc37417adb6cc');
  assert.equal(usageText(), usageText('ipvsadm'));
  assert.ok(usageText().includes('\n  ipvsadm -C\n'));
});
