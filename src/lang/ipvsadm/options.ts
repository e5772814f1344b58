/**
 * ipvsadm 1.31's option table: every command-line option (short form, long form, argument kind)
 * in the order ipvsadm hands its table to popt, and the internal option names its messages use,
 * in the order it checks them (ipvs.md §6.2, §6.3).
 */
import type { CommandName } from './command.js';

/** Option names as printed in messages, in checking order (the legality matrix columns). */
export const OPTION_NAMES = [
  'numeric',
  'connection',
  'service-address',
  'scheduler',
  'persistent',
  'netmask',
  'real-server',
  'forwarding-method',
  'weight',
  'u-threshold',
  'l-threshold',
  'mcast-interface',
  'timeout',
  'daemon',
  'stats',
  'rate',
  'thresholds',
  'persistent-conn',
  'nosort',
  'syncid',
  'exact',
  'ops',
  'pe',
  'sched-flags',
  'mcast-group',
  'mcast-port',
  'mcast-ttl',
  'sync-maxlen',
  'tun-info',
  'tun-type',
  'tun-port',
  'tun-nocsum',
  'tun-csum',
  'tun-remcsum',
] as const;

export type OptionName = (typeof OPTION_NAMES)[number];

/** Position of each option name in the checking order. */
export const OPTION_INDEX: Readonly<Record<OptionName, number>> = Object.fromEntries(
  OPTION_NAMES.map((n, i) => [n, i]),
) as Record<OptionName, number>;

/** Options that select what ipvsadm does; only the first option may be one of these. */
export type CommandTag =
  | 'add-service'
  | 'edit-service'
  | 'delete-service'
  | 'clear'
  | 'list'
  | 'zero'
  | 'add-server'
  | 'edit-server'
  | 'delete-server'
  | 'set'
  | 'help'
  | 'version'
  | 'restore'
  | 'save'
  | 'start-daemon'
  | 'stop-daemon';

export type ModifierTag =
  | 'tcp-service'
  | 'udp-service'
  | 'sctp-service'
  | 'fwmark-service'
  | 'scheduler'
  | 'persistent'
  | 'netmask'
  | 'real-server'
  | 'masquerading'
  | 'ipip'
  | 'gatewaying'
  | 'weight'
  | 'u-threshold'
  | 'l-threshold'
  | 'numeric'
  | 'connection'
  | 'mcast-interface'
  | 'syncid'
  | 'timeout'
  | 'daemon'
  | 'stats'
  | 'rate'
  | 'thresholds'
  | 'persistent-conn'
  | 'nosort'
  | 'sort'
  | 'exact'
  | 'ipv6'
  | 'ops'
  | 'pe'
  | 'sched-flags'
  | 'mcast-group'
  | 'mcast-port'
  | 'mcast-ttl'
  | 'sync-maxlen'
  | 'tun-info'
  | 'tun-type'
  | 'tun-port'
  | 'tun-nocsum'
  | 'tun-csum'
  | 'tun-remcsum';

export type OptionTag = CommandTag | ModifierTag;

/** `none`: a flag; `required`: takes the next word (or `=value`); `optional`: only `-p`. */
export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  readonly long: OptionTag;
  readonly short: string | null;
  readonly arg: ArgKind;
  /** What the option does: its long name (`-l` shares `list` with `-L`). */
  readonly tag: OptionTag;
  /**
   * The matrix column the option marks as given, which also refuses a second occurrence
   * (ipvsadm's set_option); null for commands and for `--sort` and `-6`, which mark nothing.
   */
  readonly column: OptionName | null;
}

function o(long: OptionTag, short: string | null, arg: ArgKind, column: OptionName | null = null): OptionSpec {
  return { long, short, arg, tag: long, column };
}

/**
 * The table in ipvsadm's order. popt takes the first match, so `--list` means `-L`; `-l` is the
 * same command under another letter. `--exact` also has the undocumented short form `-X`.
 */
export const OPTIONS: readonly OptionSpec[] = [
  o('add-service', 'A', 'none'),
  o('edit-service', 'E', 'none'),
  o('delete-service', 'D', 'none'),
  o('clear', 'C', 'none'),
  o('list', 'L', 'none'),
  o('list', 'l', 'none'),
  o('zero', 'Z', 'none'),
  o('add-server', 'a', 'none'),
  o('edit-server', 'e', 'none'),
  o('delete-server', 'd', 'none'),
  o('set', null, 'none'),
  o('help', 'h', 'none'),
  o('version', 'v', 'none'),
  o('restore', 'R', 'none'),
  o('save', 'S', 'none'),
  o('start-daemon', null, 'required'),
  o('stop-daemon', null, 'required'),
  o('tcp-service', 't', 'required', 'service-address'),
  o('udp-service', 'u', 'required', 'service-address'),
  o('sctp-service', null, 'required', 'service-address'),
  o('fwmark-service', 'f', 'required', 'service-address'),
  o('scheduler', 's', 'required', 'scheduler'),
  o('persistent', 'p', 'optional', 'persistent'),
  o('netmask', 'M', 'required', 'netmask'),
  o('real-server', 'r', 'required', 'real-server'),
  o('masquerading', 'm', 'none', 'forwarding-method'),
  o('ipip', 'i', 'none', 'forwarding-method'),
  o('gatewaying', 'g', 'none', 'forwarding-method'),
  o('weight', 'w', 'required', 'weight'),
  o('u-threshold', 'x', 'required', 'u-threshold'),
  o('l-threshold', 'y', 'required', 'l-threshold'),
  o('numeric', 'n', 'none', 'numeric'),
  o('connection', 'c', 'none', 'connection'),
  o('mcast-interface', null, 'required', 'mcast-interface'),
  o('syncid', null, 'required', 'syncid'),
  o('timeout', null, 'none', 'timeout'),
  o('daemon', null, 'none', 'daemon'),
  o('stats', null, 'none', 'stats'),
  o('rate', null, 'none', 'rate'),
  o('thresholds', null, 'none', 'thresholds'),
  o('persistent-conn', null, 'none', 'persistent-conn'),
  o('nosort', null, 'none', 'nosort'),
  o('sort', null, 'none'),
  o('exact', 'X', 'none', 'exact'),
  o('ipv6', '6', 'none'),
  o('ops', 'o', 'none', 'ops'),
  o('pe', null, 'required', 'pe'),
  o('sched-flags', 'b', 'required', 'sched-flags'),
  o('mcast-group', null, 'required', 'mcast-group'),
  o('mcast-port', null, 'required', 'mcast-port'),
  o('mcast-ttl', null, 'required', 'mcast-ttl'),
  o('sync-maxlen', null, 'required', 'sync-maxlen'),
  o('tun-info', null, 'none', 'tun-info'),
  o('tun-type', null, 'required', 'tun-type'),
  o('tun-port', null, 'required', 'tun-port'),
  o('tun-nocsum', null, 'none', 'tun-nocsum'),
  o('tun-csum', null, 'none', 'tun-csum'),
  o('tun-remcsum', null, 'none', 'tun-remcsum'),
];

/** The command each command option selects (`help`/`version` are handled before any command). */
export const COMMAND_OF_TAG: Readonly<Record<Exclude<CommandTag, 'help' | 'version'>, CommandName>> = {
  'add-service': 'add-service',
  'edit-service': 'edit-service',
  'delete-service': 'delete-service',
  clear: 'flush',
  list: 'list',
  zero: 'zero',
  'add-server': 'add-server',
  'edit-server': 'edit-server',
  'delete-server': 'delete-server',
  set: 'set',
  restore: 'restore',
  save: 'save',
  'start-daemon': 'start-daemon',
  'stop-daemon': 'stop-daemon',
};

export function isCommandTag(tag: OptionTag): tag is CommandTag {
  return tag === 'help' || tag === 'version' || tag in COMMAND_OF_TAG;
}

export function findLongOption(name: string): OptionSpec | undefined {
  return OPTIONS.find((opt) => opt.long === name);
}

export function findShortOption(ch: string): OptionSpec | undefined {
  return OPTIONS.find((opt) => opt.short === ch);
}
