// `ipvsadm -R` input and the ipvsadm-restore wrapper (ipvs.md §6.10): word splitting, dropped
// `ipvsadm` words, no comments in -R, the wrapper's comment filter and flush, and which failures
// end the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceKey } from '../../core/model.js';
import type { IpvsadmCommand } from './command.js';
import { parseRestoreInput, splitRestoreLines } from './restore.js';

const TRY = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.";
const FLUSH: IpvsadmCommand = { kind: 'op', name: 'flush', op: { type: 'flush' } };
const ZERO: IpvsadmCommand = { kind: 'op', name: 'zero', op: { type: 'zero' } };
const NAT: ServiceKey = { kind: 'addr', family: 4, protocol: 'tcp', addr: '172.18.0.100', port: 80 };

/** `[line, kind or error message]` per entry, for compact expectations. */
function summary(text: string, mode?: 'ipvsadm-R' | 'ipvsadm-restore'): Array<[number, string]> {
  return parseRestoreInput(text, { mode }).entries.map((e) => [e.line, e.ok ? (e.command.kind === 'op' ? e.command.op.type : e.command.kind) : `${e.error.message} (${e.error.exitCode}${e.error.exits ? ', stops' : ''})`]);
}

test('the save output of seed 003 (ipvsadm-save -n) restores through ipvsadm-restore', () => {
  const saved = ['-A -t 172.18.0.100:80 -s wrr', '-a -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 1', '-a -t 172.18.0.100:80 -r 192.168.59.132:80 -m -w 1', ''].join('\n');
  const r = parseRestoreInput(saved, { mode: 'ipvsadm-restore' });
  assert.deepEqual(r.errors, []);
  const dest = (addr: string) => ({ family: 4, addr, port: 80, fwd: 'nat', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' }) as const;
  assert.deepEqual(r.commands, [
    { line: 0, argv: ['-C'], command: FLUSH },
    { line: 1, argv: ['-A', '-t', '172.18.0.100:80', '-s', 'wrr'], command: { kind: 'op', name: 'add-service', op: { type: 'add-service', service: { key: NAT, scheduler: 'wrr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } } } },
    { line: 2, argv: ['-a', '-t', '172.18.0.100:80', '-r', '192.168.59.131:80', '-m', '-w', '1'], command: { kind: 'op', name: 'add-server', op: { type: 'add-dest', service: NAT, dest: dest('192.168.59.131') } } },
    { line: 3, argv: ['-a', '-t', '172.18.0.100:80', '-r', '192.168.59.132:80', '-m', '-w', '1'], command: { kind: 'op', name: 'add-server', op: { type: 'add-dest', service: NAT, dest: dest('192.168.59.132') } } },
  ]);
  // Raw -R does not flush first.
  assert.deepEqual(summary(saved), [[1, 'add-service'], [2, 'add-dest'], [3, 'add-dest']]);
});

test('words split on space, tab and CR; `ipvsadm` words are dropped; empty lines skipped', () => {
  assert.deepEqual(splitRestoreLines('ipvsadm -A\t-t  1.2.3.4:80 ipvsadm\r\n\n  \t\nipvsadm\n /sbin/ipvsadm -C\n'), [
    { line: 1, argv: ['-A', '-t', '1.2.3.4:80'] },
    { line: 5, argv: ['/sbin/ipvsadm', '-C'] },
  ]);
  assert.deepEqual(summary('ipvsadm -A -t 1.2.3.4:80 ipvsadm\r\n\n-C\r\n'), [[1, 'add-service'], [3, 'flush']]);
});

test('-R has no comments: a # line is an invocation without a command and ends the run', () => {
  assert.deepEqual(summary('-C\n# saved rules\n-Z\n'), [[1, 'flush'], [2, `${TRY} (255, stops)`]]);
  assert.deepEqual(summary('-A -t 1.2.3.4:80 # web\n-Z\n'), [[1, 'unexpected argument # (2, stops)']]);
  // The wrapper drops lines that start with '#', and only those.
  assert.deepEqual(summary('# saved rules\n-Z\n', 'ipvsadm-restore'), [[0, 'flush'], [2, 'zero']]);
  assert.deepEqual(summary('  # indented\n-Z\n', 'ipvsadm-restore'), [[0, 'flush'], [1, `${TRY} (255, stops)`]]);
});

test('popt complaints let the run go on; fail() messages, -R and -h end it', () => {
  const r = parseRestoreInput('-A --foo\n-Z\n-A -t 1234\n-C\n');
  assert.deepEqual(r.commands, [{ line: 2, argv: ['-Z'], command: ZERO }]);
  assert.deepEqual(r.errors, [
    { line: 1, argv: ['-A', '--foo'], error: { message: '--foo: unknown option', exitCode: 255, exits: false } },
    { line: 3, argv: ['-A', '-t', '1234'], error: { message: 'illegal virtual server address[:port] specified', exitCode: 2, exits: true } },
  ]);
  assert.deepEqual(summary('-C\n-R\n-Z\n'), [[1, 'flush'], [2, `${TRY} (255, stops)`]]);
  assert.deepEqual(summary('-R -n\n'), [[1, "Illegal 'numeric' option with the 'restore' command (2, stops)"]]);
  assert.deepEqual(summary('-C\n-h\n-Z\n'), [[1, 'flush'], [2, 'help']]);
  assert.deepEqual(summary('-v\n-Z\n'), [[1, 'version']]);
  assert.deepEqual(summary('-L -n\n-S\n-Z\n'), [[1, 'list'], [2, 'save'], [3, 'zero']]);
});

test('end of input: a last line without newline survives one trailing blank, not two', () => {
  assert.deepEqual(summary('-C\n-Z'), [[1, 'flush'], [2, 'zero']]);
  assert.deepEqual(summary('-C\n-Z '), [[1, 'flush'], [2, 'zero']]);
  assert.deepEqual(summary('-C\n  -Z'), [[1, 'flush'], [2, 'zero']]);
  assert.deepEqual(summary('-C\n-Z  '), [[1, 'flush']]);
  assert.deepEqual(summary('-C\n-Z \t'), [[1, 'flush']]);
  // The wrapper's echo always ends the input with a newline.
  assert.deepEqual(summary('-C\n-Z  ', 'ipvsadm-restore'), [[0, 'flush'], [1, 'flush'], [2, 'zero']]);
  assert.deepEqual(summary(''), []);
});

test('words longer than 4096 characters are cut into several words', () => {
  const long = 'a'.repeat(5000);
  assert.deepEqual(splitRestoreLines(`-A -s ${long}\n`), [{ line: 1, argv: ['-A', '-s', 'a'.repeat(4096), 'a'.repeat(904)] }]);
  assert.deepEqual(summary(`-A -t 1.2.3.4:80 -s ${long}\n`), [[1, `unexpected argument ${'a'.repeat(904)} (2, stops)`]]);
});
