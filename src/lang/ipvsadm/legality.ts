/**
 * Which options each command accepts (ipvs.md §6.3), as ipvsadm 1.31 checks them after parsing:
 * walk the options in checking order; the first problem wins.
 */
import type { TunnelType } from '../../core/model.js';
import type { CommandName, IpvsadmError } from './command.js';
import { OPTION_NAMES, type OptionName } from './options.js';

/**
 * One character per option, columns in {@link OPTION_NAMES} order:
 * `+` required, `x` illegal, `1` at most one of the row's `1` options, ` ` optional.
 */
export type MatrixRow = string;

//                                          1111111111222222222233333
//                                01234567890123456789012345678901234
export const COMMAND_OPTION_MATRIX: Readonly<Record<CommandName, MatrixRow>> = {
  'add-service': /*           */ 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  'edit-service': /*          */ 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  'delete-service': /*        */ 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  flush: /*                   */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  list: /*                    */ ' 11xxxxxxxxx11       xxxxxxx xxxxx',
  'add-server': /*            */ 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  'delete-server': /*         */ 'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'edit-server': /*           */ 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  set: /*                     */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'start-daemon': /*          */ 'xxxxxxxxxxx xxxxxxx xxxx    xxxxxx',
  'stop-daemon': /*           */ 'xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx',
  restore: /*                 */ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  save: /*                    */ ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  zero: /*                    */ 'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
};

/** The tunnel options, in checking order, and which each tunnel type takes. */
export const TUNNEL_OPTIONS: readonly OptionName[] = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];

export const TUNNEL_OPTION_MATRIX: Readonly<Record<TunnelType, MatrixRow>> = {
  ipip: 'xxxx',
  gue: '+111',
  gre: 'x11x',
};

/** ipvsadm exits with status 2 on every legality problem. */
const EXIT_LEGALITY = 2;

function problem(message: string): IpvsadmError {
  return { message, exitCode: EXIT_LEGALITY, exits: true };
}

/**
 * Check `given` against one matrix row; `subject` completes the messages ("the 'list' command",
 * "the 'gue' tunnel type").
 */
function checkRow(row: MatrixRow, columns: readonly OptionName[], given: ReadonlySet<OptionName>, subject: string, inSubject: string): IpvsadmError | null {
  let exclusive: OptionName | null = null;
  for (let j = 0; j < columns.length; j++) {
    const name = columns[j]!;
    const rule = row[j];
    if (!given.has(name)) {
      if (rule === '+') return problem(`You need to supply the '${name}' option for ${subject}`);
      continue;
    }
    if (rule === 'x') return problem(`Illegal '${name}' option with ${subject}`);
    if (rule === '1') {
      if (exclusive !== null) return problem(`The option '${name}' conflicts with the '${exclusive}' option ${inSubject}`);
      exclusive = name;
    }
  }
  return null;
}

/** ipvsadm's generic_opt_check. */
export function checkCommandOptions(command: CommandName, given: ReadonlySet<OptionName>): IpvsadmError | null {
  return checkRow(COMMAND_OPTION_MATRIX[command], OPTION_NAMES, given, `the '${command}' command`, `in the '${command}' command`);
}

/** ipvsadm's tunnel_opt_check, run for -a/-e with the (possibly default) tunnel type. */
export function checkTunnelOptions(type: TunnelType, given: ReadonlySet<OptionName>): IpvsadmError | null {
  return checkRow(TUNNEL_OPTION_MATRIX[type], TUNNEL_OPTIONS, given, `the '${type}' tunnel type`, `in the '${type}' tunnel type`);
}

/**
 * The extra -L rule: connections, timeouts or daemons cannot be shown with stats, rates or
 * thresholds, nor timeouts or daemons with persistent-connection counts.
 */
export function checkListConflicts(given: ReadonlySet<OptionName>): IpvsadmError | null {
  const has = (...names: OptionName[]): boolean => names.some((n) => given.has(n));
  if ((has('connection', 'timeout', 'daemon') && has('stats', 'rate', 'thresholds')) || (has('timeout', 'daemon') && has('persistent-conn'))) {
    return problem('options conflicts in the list command');
  }
  return null;
}
