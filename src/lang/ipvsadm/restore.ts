/**
 * `ipvsadm -R` input and the `ipvsadm-restore` wrapper (ipvs.md §6.10).
 *
 * `-R` reads standard input line by line; each line is one ipvsadm invocation. Words are split on
 * space, tab and CR; a word exactly `ipvsadm` is dropped; lines left with no words are skipped.
 * There are no comments: `# x` is an invocation without a command (usage hint, exit 255). A line
 * whose parse fails with ipvsadm's fail() ends the run at once (earlier lines stay applied); popt
 * complaints and kernel errors are printed and the run goes on; the exit status is the last line's.
 *
 * `ipvsadm-restore` first drops lines starting with `#` (`grep -v '^#'`), runs `ipvsadm -C`, then
 * feeds the rest to `ipvsadm -R`.
 */
import type { IpvsadmCommand, IpvsadmError } from './command.js';
import { parseIpvsadmArgs } from './parse.js';
import { BUILTIN_RESOLVER, type Resolver } from './resolver.js';

/** ipvsadm's line reader keeps at most this many characters per word (longer words split). */
const MAX_WORD = 4096;

export interface RestoreOptions {
  /** `ipvsadm-R` (default): raw `ipvsadm -R`; `ipvsadm-restore`: the wrapper script. */
  readonly mode?: 'ipvsadm-R' | 'ipvsadm-restore';
  readonly resolver?: Resolver;
  readonly program?: string;
}

export interface RestoreCommand {
  /** 1-based input line; 0 for the wrapper's own `ipvsadm -C`. */
  readonly line: number;
  readonly argv: readonly string[];
  readonly command: IpvsadmCommand;
}

export interface RestoreError {
  readonly line: number;
  readonly argv: readonly string[];
  readonly error: IpvsadmError;
}

export type RestoreEntry = ({ readonly ok: true } & RestoreCommand) | ({ readonly ok: false } & RestoreError);

export interface RestoreInput {
  /** Every invocation in input order, up to and including the first one that ends the run. */
  readonly entries: readonly RestoreEntry[];
  /** The invocations that parsed, in order. */
  readonly commands: readonly RestoreCommand[];
  /** The invocations that did not; only the last may have `error.exits` set. */
  readonly errors: readonly RestoreError[];
}

/**
 * Split input the way ipvsadm's config_stream_read does: one argv per line, in order, with the
 * line number. Reproduces its end-of-input quirk: a last line without a newline that ends in two
 * or more blanks is lost.
 */
export function splitRestoreLines(text: string): Array<{ line: number; argv: string[] }> {
  const out: Array<{ line: number; argv: string[] }> = [];
  const rawLines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) rawLines.pop();
  rawLines.forEach((raw, i) => {
    const last = i === rawLines.length - 1 && !endsWithNewline;
    if (last && /[ \t\r]{2}$/.test(raw)) return;
    const argv = raw
      .split(/[ \t\r]+/)
      .filter((w) => w !== '')
      .flatMap(splitLongWord)
      .filter((w) => w !== 'ipvsadm');
    if (argv.length > 0) out.push({ line: i + 1, argv });
  });
  return out;
}

function splitLongWord(word: string): string[] {
  if (word.length <= MAX_WORD) return [word];
  const parts: string[] = [];
  for (let k = 0; k < word.length; k += MAX_WORD) parts.push(word.slice(k, k + MAX_WORD));
  return parts;
}

/** Parse `-R` (or `ipvsadm-restore`) input into the invocations ipvsadm would carry out. */
export function parseRestoreInput(text: string, options: RestoreOptions = {}): RestoreInput {
  const resolver = options.resolver ?? BUILTIN_RESOLVER;
  const program = options.program ?? 'ipvsadm';
  const wrapper = options.mode === 'ipvsadm-restore';
  const entries: RestoreEntry[] = [];
  if (wrapper) entries.push({ ok: true, line: 0, argv: ['-C'], command: { kind: 'op', name: 'flush', op: { type: 'flush' } } });
  const input = wrapper ? dropCommentLines(text) : text;
  for (const { line, argv } of splitRestoreLines(input)) {
    const r = parseIpvsadmArgs(argv, resolver, { program, readingStdin: true });
    if (r.ok) {
      entries.push({ ok: true, line, argv, command: r.command });
      // -h and -v print and exit 0 at once, even inside -R.
      if (r.command.kind === 'help' || r.command.kind === 'version') break;
      continue;
    }
    entries.push({ ok: false, line, argv, error: r.error });
    if (r.error.exits) break;
  }
  const commands: RestoreCommand[] = [];
  const errors: RestoreError[] = [];
  for (const e of entries) {
    if (e.ok) commands.push({ line: e.line, argv: e.argv, command: e.command });
    else errors.push({ line: e.line, argv: e.argv, error: e.error });
  }
  return { entries, commands, errors };
}

/**
 * What the wrapper pipes into `ipvsadm -R`: `grep -v '^#'` (a dropped line becomes empty here, so
 * line numbers still match the input; empty lines are skipped anyway), captured by `$(...)` (which
 * strips trailing newlines) and printed by `echo` (which adds one).
 */
function dropCommentLines(text: string): string {
  const kept = text
    .split('\n')
    .map((l) => (l.startsWith('#') ? '' : l))
    .join('\n');
  return `${kept.replace(/\n+$/, '')}\n`;
}
