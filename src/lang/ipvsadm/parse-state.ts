/**
 * The state one ipvsadm invocation builds while its options are read (ipvsadm.c's
 * `ipvs_command_entry` plus the option set), with every default ipvsadm starts from, and the
 * handler for each option. Handlers run in command-line order, so an option sees only what came
 * before it (`-M` reads the address family known at that point).
 */
import type { Family } from '../../core/addr.js';
import { DEFAULT_PERSISTENCE_TIMEOUT, SVC_F, type FwdMethod, type Protocol, type TunnelType } from '../../core/model.js';
import type { IpvsadmError } from './command.js';
import { atoi, inetPton4, inetPton6, ipv4Text, ipv6Text, isIPv4Multicast, isIPv6Multicast, stringToNumber, strtol10 } from './inet.js';
import type { ModifierTag, OptionName, OptionSpec } from './options.js';
import type { Resolver } from './resolver.js';
import { parseHostPort, resolveIPv4Number } from './service-arg.js';

/** Longest persistence timeout: 31 days. */
export const MAX_TIMEOUT = 86400 * 31;
/**
 * Largest `-w`.
 * COMPAT(ipvsadm): upstream 1.31 stops at 65535; Debian's build (the packaged ipvsadm, whose man
 * page documents it) accepts up to INT_MAX, and so does tsvs.
 */
export const WEIGHT_MAX = 2147483647;
export const INT_MAX = 2147483647;
/** IP_VS_SCHEDNAME_MAXLEN, IP_VS_PENAME_MAXLEN, IP_VS_IFNAME_MAXLEN minus room for the NUL. */
const SCHED_NAME_KEPT = 15;
const PE_NAME_KEPT = 16;
const IFNAME_KEPT = 15;
/** ipvsadm copies `-b` into a 128-byte buffer. */
const SCHED_FLAGS_KEPT = 127;

/** Thrown by handlers to stop at the first problem, as ipvsadm's fail() exits. */
export class ParseFailure extends Error {
  constructor(readonly error: IpvsadmError) {
    super(error.message);
  }
}

/** fail(2, ...): message to stderr, exit status 2, at once. */
export function fail(message: string): never {
  throw new ParseFailure({ message, exitCode: 2, exits: true });
}

export interface ServiceState {
  /** 0 until a service option sets it. */
  family: Family | 0;
  protocol: Protocol | null;
  addr: string;
  port: number;
  fwmark: number;
  scheduler: string;
  flags: number;
  timeout: number;
  netmask: number;
  pe: string;
}

export interface DestState {
  family: Family | 0;
  addr: string;
  port: number;
  fwd: FwdMethod;
  weight: number;
  uThreshold: number;
  lThreshold: number;
  tunType: TunnelType;
  tunPort: number;
  /** Bits: 1 csum, 2 remcsum (nocsum adds nothing). */
  tunFlags: number;
}

export interface DaemonState {
  state: 'master' | 'backup';
  mcastIfn: string;
  syncid: number;
  mcastGroup: string;
  mcastPort: number;
  mcastTtl: number;
  maxlen: number;
}

export class ParseState {
  readonly given = new Set<OptionName>();
  readonly svc: ServiceState = {
    family: 0,
    protocol: null,
    addr: '',
    port: 0,
    fwmark: 0,
    scheduler: '',
    flags: 0,
    timeout: 0,
    netmask: 0xffffffff,
    pe: '',
  };
  readonly dest: DestState = {
    family: 0,
    addr: '',
    port: 0,
    fwd: 'dr',
    weight: 1,
    uThreshold: 0,
    lThreshold: 0,
    tunType: 'ipip',
    tunPort: 0,
    tunFlags: 0,
  };
  readonly daemon: DaemonState = { state: 'master', mcastIfn: '', syncid: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0, maxlen: 0 };
  /** The raw `-b` text, applied once the final scheduler is known. */
  schedFlags = '';

  constructor(private readonly resolver: Resolver) {}

  /** Record an option, refusing a second one of the same column (ipvsadm's set_option). */
  mark(option: OptionSpec): void {
    const name = option.column;
    if (name === null) return;
    if (this.given.has(name)) fail(`multiple '${name}' options specified`);
    this.given.add(name);
  }

  /** Apply one modifier option (its column is already marked). */
  apply(tag: ModifierTag, arg: string | null): void {
    const a = arg ?? '';
    switch (tag) {
      case 'tcp-service':
        return this.service('tcp', a);
      case 'udp-service':
        return this.service('udp', a);
      case 'sctp-service':
        return this.service('sctp', a);
      case 'fwmark-service':
        return this.fwmarkService(a);
      case 'scheduler':
        this.svc.scheduler = a.slice(0, SCHED_NAME_KEPT);
        return;
      case 'persistent':
        this.svc.flags |= SVC_F.PERSISTENT;
        this.svc.timeout = arg === null ? DEFAULT_PERSISTENCE_TIMEOUT : parseTimeout(arg, 1, MAX_TIMEOUT);
        return;
      case 'netmask':
        return this.netmask(a);
      case 'real-server':
        return this.realServer(a);
      case 'ipv6':
        return this.ipv6();
      case 'ops':
        this.svc.flags |= SVC_F.ONEPACKET;
        return;
      case 'pe':
        this.svc.pe = a.slice(0, PE_NAME_KEPT);
        return;
      case 'sched-flags':
        this.schedFlags = a.slice(0, SCHED_FLAGS_KEPT);
        return;
      default:
        return this.applyDestOrDaemon(tag, a);
    }
  }

  private applyDestOrDaemon(tag: ModifierTag, a: string): void {
    switch (tag) {
      case 'masquerading':
        this.dest.fwd = 'nat';
        return;
      case 'ipip':
        this.dest.fwd = 'tun';
        return;
      case 'gatewaying':
        this.dest.fwd = 'dr';
        return;
      case 'weight':
        this.dest.weight = numberOrFail(a, 0, WEIGHT_MAX, 'illegal weight specified');
        return;
      case 'u-threshold':
        this.dest.uThreshold = numberOrFail(a, 0, INT_MAX, 'illegal u_threshold specified');
        return;
      case 'l-threshold':
        this.dest.lThreshold = numberOrFail(a, 0, INT_MAX, 'illegal l_threshold specified');
        return;
      case 'tun-type':
        return this.tunnelType(a);
      case 'tun-port':
        this.dest.tunPort = numberOrFail(a, 1, 65535, 'illegal tunnel port specified');
        return;
      case 'tun-csum':
        this.dest.tunFlags |= 1;
        return;
      case 'tun-remcsum':
        this.dest.tunFlags |= 2;
        return;
      default:
        return this.applyDaemon(tag, a);
    }
  }

  private applyDaemon(tag: ModifierTag, a: string): void {
    switch (tag) {
      case 'mcast-interface':
        this.daemon.mcastIfn = a.slice(0, IFNAME_KEPT);
        return;
      case 'syncid':
        this.daemon.syncid = numberOrFail(a, 0, 255, 'illegal syncid specified');
        return;
      case 'mcast-group':
        this.daemon.mcastGroup = parseMcastGroup(a);
        return;
      case 'mcast-port':
        this.daemon.mcastPort = numberOrFail(a, 1, 65535, 'illegal mcast-port specified');
        return;
      case 'mcast-ttl':
        this.daemon.mcastTtl = numberOrFail(a, 1, 255, 'illegal mcast-ttl specified');
        return;
      case 'sync-maxlen':
        this.daemon.maxlen = numberOrFail(a, 1, 65535 - 20 - 8, 'illegal sync-maxlen specified');
        return;
      default:
        // List modifiers, --tun-nocsum and --sort only mark their column.
        return;
    }
  }

  private service(protocol: Protocol, word: string): void {
    this.svc.protocol = protocol;
    const hp = parseHostPort(word, protocol, this.resolver);
    if (!hp) fail('illegal virtual server address[:port] specified');
    this.svc.family = hp.family;
    this.svc.addr = hp.addr;
    if (hp.port !== null) this.svc.port = hp.port;
    if (hp.family === 6) this.svc.netmask = 128;
  }

  private fwmarkService(word: string): void {
    this.svc.family = 4;
    this.svc.protocol = 'tcp';
    const r = strtol10(word);
    if (r.end === 0 || r.end !== word.length || r.overflow || r.value <= 0n || r.value > 0xffffffffn) {
      fail(`invalid fwmark value \`${word}' specified`);
    }
    this.svc.fwmark = Number(r.value);
  }

  /** `-M` is read by the family known now: dotted (or a host name) unless IPv6 is already set. */
  private netmask(word: string): void {
    if (this.svc.family !== 6) {
      const mask = resolveIPv4Number(word, this.resolver);
      if (mask === null) fail('illegal virtual server persistent mask specified');
      this.svc.netmask = mask;
      return;
    }
    const prefix = atoi(word) >>> 0;
    if (prefix < 1 || prefix > 128) fail('illegal ipv6 netmask specified');
    this.svc.netmask = prefix;
  }

  private realServer(word: string): void {
    const hp = parseHostPort(word, this.svc.protocol, this.resolver);
    if (!hp) fail('illegal real server address[:port] specified');
    this.dest.family = hp.family;
    this.dest.addr = hp.addr;
    // No port: the service port as known at this point.
    this.dest.port = hp.port ?? this.svc.port;
  }

  private ipv6(): void {
    // ipvsadm's message carries its own newline, so a blank line follows it.
    if (this.svc.fwmark === 0) fail('-6 used before -f\n');
    this.svc.family = 6;
    this.svc.netmask = 128;
  }

  private tunnelType(word: string): void {
    if (word !== 'ipip' && word !== 'gue' && word !== 'gre') fail('illegal tunnel type specified');
    this.dest.tunType = word;
  }
}

function numberOrFail(word: string, min: number, max: number, message: string): number {
  const n = stringToNumber(word, min, max);
  if (n === null) fail(message);
  return n;
}

/** ipvsadm's parse_timeout for a given value (`-p N`, `--set`). */
export function parseTimeout(word: string, min: number, max: number): number {
  const n = stringToNumber(word, min, max);
  if (n === null) fail(`invalid timeout value \`${word}' specified`);
  return n;
}

/** A word with ':' must be an IPv6 multicast address, anything else an IPv4 one (strict inet_pton). */
function parseMcastGroup(word: string): string {
  if (word.includes(':')) {
    const g = inetPton6(word);
    if (!g || !isIPv6Multicast(g)) fail(`invalid IPv6 mcast-group \`${word}'`);
    return ipv6Text(g);
  }
  const v = inetPton4(word);
  if (v === null || !isIPv4Multicast(v)) fail(`invalid IPv4 mcast-group \`${word}'`);
  return ipv4Text(v);
}
