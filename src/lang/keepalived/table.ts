/**
 * Keyword tables: for each block, the keywords it accepts, what value each takes (type, range,
 * default), accepted alternative spellings, and keepalived's deprecation message. The generic walker
 * (engine.ts) drives them; value-typed keywords are built with the helpers in keywords.ts.
 */
import type { Loc } from './diagnostics.js';
import type { Line } from './lexer.js';
import type { Word } from './words.js';

/** What a keyword takes, for documentation and for the generic handlers. */
export interface ValueInfo {
  readonly type:
    | 'flag'
    | 'bool'
    | 'uint'
    | 'int'
    | 'timer'
    | 'decimal'
    | 'string'
    | 'enum'
    | 'address'
    | 'script'
    | 'words'
    | 'values'
    | 'block';
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** keepalived's default when the keyword is absent (in model units: seconds, counts...). */
  readonly default?: unknown;
}

/** A handler's view of the line it was called for. */
export interface Call {
  readonly line: Line;
  readonly words: readonly Word[];
  /** Word i's text; a missing word is keepalived's fatal "missing a parameter" (exit 2). */
  arg(i: number): string;
  has(i: number): boolean;
  /** Location of word i (the keyword when i is out of range). */
  at(i?: number): Loc;
  error(code: import('./diagnostics.js').DiagnosticCode, message: string, word?: number, hint?: string): void;
  warning(code: import('./diagnostics.js').DiagnosticCode, message: string, word?: number, hint?: string): void;
  info(code: import('./diagnostics.js').DiagnosticCode, message: string, word?: number, hint?: string): void;
  /**
   * Read a "value block" (one entry per line until `}`), as alloc_value_block() does. `from` is the
   * index of the first word after the keyword's own parameters (1 unless the keyword takes a name).
   */
  valueBlock(from?: number): ValueEntry[];
  /** Skip this keyword's block (skip_block(true)): nothing inside it is parsed. */
  skipBlock(): void;
  /**
   * keepalived skips this keyword's block (skip_block(true)), but tsvs reads it anyway so that
   * mistakes in it are found: its errors are reported as warnings with `note`.
   */
  readSkippedBlock(note: string): void;
}

export interface ValueEntry {
  readonly words: readonly Word[];
  readonly line: Line;
  at(i?: number): Loc;
}

export interface Keyword<S> {
  readonly name: string;
  readonly info: ValueInfo;
  /** Other spellings keepalived accepts for the same keyword (silently, e.g. lb_algo). */
  readonly aliases?: readonly string[];
  /** Words (keyword included) that mean something; more are ignored (warned). */
  readonly maxWords: number;
  /** The block this keyword opens, if any. */
  readonly sub?: () => Block<unknown>;
  /** Handle one occurrence. `s` is the block's current target. */
  run?(s: S, c: Call): void;
}

export interface Block<S> {
  /** The keyword that opens this block (for messages). */
  readonly name: string;
  readonly keywords: readonly Keyword<S>[];
  /** The object keywords of this block apply to (null: the block's opener failed). */
  readonly target: () => S | null;
  /** Called when the block ends normally (keepalived's sub-level end handler). */
  close?(s: S): void;
  /**
   * Parsed by keepalived's parent process (global_defs), which de-comments lines once; the VRRP and
   * checker processes de-comment their copy a second time (keepalived.md §1.2).
   */
  readonly parentProcess?: boolean;
}

const INDEX = Symbol('keyword index');
type Indexed = { [INDEX]?: Map<string, Keyword<unknown>> };

/** Look a keyword up by name or alternative spelling (case-sensitive, as keepalived). */
export function lookup<S>(block: Block<S>, name: string): Keyword<S> | undefined {
  const b = block as Block<S> & Indexed;
  let idx = b[INDEX];
  if (!idx) {
    idx = new Map();
    for (const k of block.keywords as readonly Keyword<unknown>[]) {
      if (!idx.has(k.name)) idx.set(k.name, k);
      for (const a of k.aliases ?? []) if (!idx.has(a)) idx.set(a, k);
    }
    b[INDEX] = idx;
  }
  return idx.get(name) as Keyword<S> | undefined;
}

/** All names (keywords and alternative spellings) accepted in a block. */
export function names(block: Block<unknown>): string[] {
  const out: string[] = [];
  for (const k of block.keywords) out.push(k.name, ...(k.aliases ?? []));
  return out;
}
