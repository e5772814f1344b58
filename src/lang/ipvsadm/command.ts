/**
 * What one ipvsadm invocation asks for, after argv parsing and validation (parse.ts) and before
 * execution. Changes reduce to core `Op`s; listings and save carry their display options.
 */
import type { ServiceKey } from '../../core/model.js';
import type { Op } from '../../core/ops.js';

/** ipvsadm's internal command names, as used in its messages. */
export type CommandName =
  | 'add-service'
  | 'edit-service'
  | 'delete-service'
  | 'flush'
  | 'list'
  | 'add-server'
  | 'delete-server'
  | 'edit-server'
  | 'set'
  | 'start-daemon'
  | 'stop-daemon'
  | 'restore'
  | 'save'
  | 'zero';

/** Display modifiers of `-L` (ipvsadm.c FMT_* bits and list flags). */
export interface ListOptions {
  readonly numeric: boolean;
  readonly connection: boolean;
  readonly timeout: boolean;
  readonly daemon: boolean;
  readonly stats: boolean;
  readonly rate: boolean;
  readonly thresholds: boolean;
  readonly persistentConn: boolean;
  readonly tunInfo: boolean;
  readonly nosort: boolean;
  readonly exact: boolean;
}

export const DEFAULT_LIST_OPTIONS: ListOptions = {
  numeric: false,
  connection: false,
  timeout: false,
  daemon: false,
  stats: false,
  rate: false,
  thresholds: false,
  persistentConn: false,
  tunInfo: false,
  nosort: false,
  exact: false,
};

export type IpvsadmCommand =
  /** A change: one core operation (add/edit/delete service or server, flush, zero, set, daemons). */
  | { readonly kind: 'op'; readonly name: CommandName; readonly op: Op }
  /** `-L`: everything, one service, connections, timeouts or daemons. */
  | { readonly kind: 'list'; readonly options: ListOptions; readonly service?: ServiceKey }
  /** `-S`: print the rules in `-R` syntax. */
  | { readonly kind: 'save'; readonly numeric: boolean }
  /** `-R`: read commands from standard input. */
  | { readonly kind: 'restore' }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/**
 * A failed invocation: the exact text ipvsadm prints to stderr (without the final newline, so
 * stderr receives `message + "\n"`) and its exit status.
 */
export interface IpvsadmError {
  readonly message: string;
  readonly exitCode: number;
  /**
   * True when ipvsadm exits on the spot (its fail()/usage paths); false when the command returns
   * its failure (popt errors after the command, kernel errors). Inside `-R` input this decides
   * whether the remaining lines still run.
   */
  readonly exits: boolean;
}

export type ParseResult = { readonly ok: true; readonly command: IpvsadmCommand } | { readonly ok: false; readonly error: IpvsadmError };
