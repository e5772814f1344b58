/**
 * ipvsadm 1.31 command lines → {@link IpvsadmCommand} (ipvs.md §6.1–6.5), checked in ipvsadm's
 * order: options left to right (parse errors and "multiple" errors at once) → `--set` values →
 * leftover words → `-b` against the final scheduler → the command/option matrix → service
 * sanity checks → real-server checks → list conflicts. The first problem wins.
 */
import type { Family } from '../../core/addr.js';
import { SVC_F, type DestSpec, type ServiceKey, type ServiceSpec, type TunnelCsum } from '../../core/model.js';
import type { Op } from '../../core/ops.js';
import { DEFAULT_LIST_OPTIONS, type CommandName, type IpvsadmCommand, type ListOptions, type ParseResult } from './command.js';
import { tryHelpError } from './errors.js';
import { checkCommandOptions, checkListConflicts, checkTunnelOptions } from './legality.js';
import { COMMAND_OF_TAG, isCommandTag } from './options.js';
import { fail, MAX_TIMEOUT, ParseFailure, ParseState, parseTimeout } from './parse-state.js';
import { POPT_ERROR_TEXT, PoptScanner } from './popt.js';
import { BUILTIN_RESOLVER, type Resolver } from './resolver.js';
import { parseSchedFlags } from './sched-flags.js';

export interface ParseOptions {
  /** argv[0] as ipvsadm would print it in the usage hint (default `ipvsadm`). */
  readonly program?: string;
  /** True for a line read by `-R`: a nested `-R` is then refused. */
  readonly readingStdin?: boolean;
}

/**
 * Parse the words after the program name. Never throws: every problem becomes the exact message
 * and exit status ipvsadm would give.
 */
export function parseIpvsadmArgs(argv: readonly string[], resolver: Resolver = BUILTIN_RESOLVER, options: ParseOptions = {}): ParseResult {
  const program = options.program ?? 'ipvsadm';
  // A bare `ipvsadm` lists everything, with names resolved.
  if (argv.length === 0) return { ok: true, command: { kind: 'list', options: DEFAULT_LIST_OPTIONS } };
  try {
    return { ok: true, command: parseCommandLine(argv, resolver, program, options.readingStdin === true) };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}

function parseCommandLine(argv: readonly string[], resolver: Resolver, program: string, readingStdin: boolean): IpvsadmCommand {
  const scanner = new PoptScanner(argv, program);
  const first = scanner.nextOption();
  // The first option must be the command.
  if (first.kind !== 'option' || !isCommandTag(first.option.tag)) throw new ParseFailure(tryHelpError(program));
  const tag = first.option.tag;
  if (tag === 'help') return { kind: 'help' };
  if (tag === 'version') return { kind: 'version' };
  const command = COMMAND_OF_TAG[tag];
  const st = new ParseState(resolver);
  if (command === 'start-daemon') st.daemon.state = daemonState(first.arg, 'illegal start-daemon parameter specified');
  if (command === 'stop-daemon') st.daemon.state = daemonState(first.arg, 'illegal start_daemon specified');
  readModifiers(scanner, st);
  const timeouts = command === 'set' ? readTimeouts(scanner) : null;
  const extra = scanner.getArg();
  if (extra !== undefined) fail(`unexpected argument ${extra}`);
  if (st.schedFlags !== '') {
    st.svc.flags = (st.svc.flags & ~(SVC_F.SCHED1 | SVC_F.SCHED2 | SVC_F.SCHED3)) | parseSchedFlags(st.svc.scheduler, st.schedFlags);
  }
  const illegal = checkCommandOptions(command, st.given);
  if (illegal) throw new ParseFailure(illegal);
  checkByCommand(command, st, program, readingStdin);
  return buildCommand(command, st, timeouts);
}

function daemonState(word: string | null, message: string): 'master' | 'backup' {
  if (word === 'master' || word === 'backup') return word;
  return fail(message);
}

/** Everything after the command, left to right. */
function readModifiers(scanner: PoptScanner, st: ParseState): void {
  for (;;) {
    const ev = scanner.nextOption();
    if (ev.kind === 'end') return;
    if (ev.kind === 'error') {
      // popt's own complaint: ipvsadm returns (does not exit) with status 255.
      throw new ParseFailure({ message: `${scanner.badOption()}: ${POPT_ERROR_TEXT[ev.code]}`, exitCode: 255, exits: false });
    }
    const tag = ev.option.tag;
    // A second command (or -h/-v) after the first is just an option ipvsadm does not handle here.
    if (isCommandTag(tag)) fail(`invalid option \`${scanner.badOption()}'`);
    st.mark(ev.option);
    st.apply(tag, ev.arg);
  }
}

function readTimeouts(scanner: PoptScanner): { tcp: number; tcpfin: number; udp: number } {
  const tcp = scanner.getArg();
  const tcpfin = scanner.getArg();
  const udp = scanner.getArg();
  if (tcp === undefined || tcpfin === undefined || udp === undefined) fail('--set option requires 3 timeout values');
  return { tcp: parseTimeout(tcp, 0, MAX_TIMEOUT), tcpfin: parseTimeout(tcpfin, 0, MAX_TIMEOUT), udp: parseTimeout(udp, 0, MAX_TIMEOUT) };
}

/** The checks ipvsadm makes after the matrix, per command. */
function checkByCommand(command: CommandName, st: ParseState, program: string, readingStdin: boolean): void {
  const { svc, dest, given } = st;
  if (command === 'add-service' || command === 'edit-service') {
    if (svc.fwmark === 0 && svc.port === 0 && (svc.flags & SVC_F.PERSISTENT) === 0) fail('Zero port specified for non-persistent service');
    if ((svc.flags & SVC_F.ONEPACKET) !== 0 && svc.fwmark === 0 && svc.protocol !== 'udp') fail('One-Packet Scheduling is only for UDP virtual services');
    if (svc.scheduler === '') svc.scheduler = 'wlc';
  }
  if (command === 'start-daemon' && st.daemon.mcastIfn === '') st.daemon.mcastIfn = 'eth0';
  if (command === 'add-server' || command === 'edit-server') {
    // DR and tunnelled real servers answer on the service port (not so for fwmark services).
    if (svc.fwmark === 0 && (dest.fwd === 'tun' || dest.fwd === 'dr')) dest.port = svc.port;
    if (dest.family !== svc.family && dest.fwd !== 'tun') fail('Different address family is allowed only for tunneling servers');
    const tunnelOptions = ['tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'] as const;
    if (tunnelOptions.some((n) => given.has(n)) && dest.fwd !== 'tun') fail('Tunnel options conflict with forward method');
    const tunnelProblem = checkTunnelOptions(dest.tunType, given);
    if (tunnelProblem) throw new ParseFailure(tunnelProblem);
  }
  if (command === 'list') {
    const conflict = checkListConflicts(given);
    if (conflict) throw new ParseFailure(conflict);
  }
  // A `-R` line inside `-R` input would loop: ipvsadm stops with the usage hint.
  if (command === 'restore' && readingStdin) throw new ParseFailure(tryHelpError(program));
}

function buildCommand(command: CommandName, st: ParseState, timeouts: { tcp: number; tcpfin: number; udp: number } | null): IpvsadmCommand {
  const hasService = st.given.has('service-address');
  switch (command) {
    case 'list':
      return hasService ? { kind: 'list', options: listOptions(st), service: serviceKey(st) } : { kind: 'list', options: listOptions(st) };
    case 'save':
      return { kind: 'save', numeric: st.given.has('numeric') };
    case 'restore':
      return { kind: 'restore' };
    case 'zero':
      return change(command, hasService ? { type: 'zero', service: serviceKey(st) } : { type: 'zero' });
    case 'set':
      return change(command, { type: 'set-timeouts', ...timeouts! });
    default:
      return change(command, changeOp(command, st));
  }
}

function change(name: CommandName, op: Op): IpvsadmCommand {
  return { kind: 'op', name, op };
}

function changeOp(command: CommandName, st: ParseState): Op {
  switch (command) {
    case 'add-service':
      return { type: 'add-service', service: serviceSpec(st) };
    case 'edit-service':
      return { type: 'edit-service', service: serviceSpec(st) };
    case 'delete-service':
      return { type: 'delete-service', service: serviceKey(st) };
    case 'add-server':
      return { type: 'add-dest', service: serviceKey(st), dest: destSpec(st) };
    case 'edit-server':
      return { type: 'edit-dest', service: serviceKey(st), dest: destSpec(st) };
    case 'delete-server':
      return { type: 'delete-dest', service: serviceKey(st), dest: { family: family(st.dest.family), addr: st.dest.addr, port: st.dest.port } };
    case 'start-daemon':
      // Port, TTL, group and maxlen stay 0/'' when not given, as ipvsadm sends them: the kernel
      // then applies its defaults (8848, 1, 224.0.0.81, a length from the MTU).
      return { type: 'start-daemon', daemon: { ...st.daemon } };
    case 'stop-daemon':
      return { type: 'stop-daemon', state: st.daemon.state };
    default:
      return { type: 'flush' };
  }
}

function family(f: Family | 0): Family {
  // The matrix guarantees the address was given whenever a key is built.
  return f === 0 ? 4 : f;
}

function serviceKey(st: ParseState): ServiceKey {
  const { svc } = st;
  if (svc.fwmark !== 0) return { kind: 'fwmark', family: family(svc.family), fwmark: svc.fwmark };
  return { kind: 'addr', family: family(svc.family), protocol: svc.protocol ?? 'tcp', addr: svc.addr, port: svc.port };
}

function serviceSpec(st: ParseState): ServiceSpec {
  const { svc } = st;
  return { key: serviceKey(st), scheduler: svc.scheduler, flags: svc.flags, timeout: svc.timeout, netmask: svc.netmask, pe: svc.pe };
}

const TUN_FLAGS: readonly TunnelCsum[] = ['nocsum', 'csum', 'remcsum'];

function destSpec(st: ParseState): DestSpec {
  const { dest } = st;
  return {
    family: family(dest.family),
    addr: dest.addr,
    port: dest.port,
    fwd: dest.fwd,
    weight: dest.weight,
    uThreshold: dest.uThreshold,
    lThreshold: dest.lThreshold,
    tunType: dest.tunType,
    tunPort: dest.tunPort,
    // The tunnel matrix lets at most one checksum option through.
    tunFlags: TUN_FLAGS[dest.tunFlags] ?? 'nocsum',
  };
}

function listOptions(st: ParseState): ListOptions {
  const g = st.given;
  return {
    numeric: g.has('numeric'),
    connection: g.has('connection'),
    timeout: g.has('timeout'),
    daemon: g.has('daemon'),
    stats: g.has('stats'),
    rate: g.has('rate'),
    thresholds: g.has('thresholds'),
    persistentConn: g.has('persistent-conn'),
    tunInfo: g.has('tun-info'),
    nosort: g.has('nosort'),
    exact: g.has('exact'),
  };
}
