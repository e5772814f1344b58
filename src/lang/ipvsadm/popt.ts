/**
 * Command-line scanning as popt 1.19 does it for ipvsadm's table: short options cluster (`-Lnc`),
 * an argument-taking short option swallows the rest of its cluster (`-At1.2.3.4:80`, `-w=3`), long
 * options take `--opt=value` or the next word, `-p` takes the next word only when it does not
 * start with `-`, `--` ends option processing, and non-option words are set aside ("leftovers")
 * wherever they appear.
 *
 * COMPAT(ipvsadm): popt's `!#:+` argument substitution and the POSIXLY_CORRECT environment switch
 * (stop at the first non-option) are not reproduced.
 */
import { findLongOption, findShortOption, type OptionSpec } from './options.js';

export type PoptErrorCode = 'NOARG' | 'BADOPT' | 'UNWANTEDARG';

/** poptStrerror texts. */
export const POPT_ERROR_TEXT: Readonly<Record<PoptErrorCode, string>> = {
  NOARG: 'missing argument',
  BADOPT: 'unknown option',
  UNWANTEDARG: 'option does not take an argument',
};

export type PoptEvent =
  | { readonly kind: 'option'; readonly option: OptionSpec; readonly arg: string | null }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly code: PoptErrorCode };

const END: PoptEvent = { kind: 'end' };

export class PoptScanner {
  private next = 0;
  /** The unread rest of a short-option cluster. */
  private cluster: string | null = null;
  /** Set by `--`: every later word is a leftover. */
  private restLeftover = false;
  private readonly leftovers: string[] = [];
  private leftoverPos = 0;

  /** `argv` without the program name. */
  constructor(
    private readonly argv: readonly string[],
    private readonly program: string,
  ) {}

  nextOption(): PoptEvent {
    for (;;) {
      if (this.cluster === null && this.next === this.argv.length) return END;
      let longArg: string | null = null;
      let opt: OptionSpec | undefined;
      if (this.cluster === null) {
        const word = this.argv[this.next++]!;
        if (this.restLeftover || !word.startsWith('-') || word === '-') {
          this.leftovers.push(word);
          continue;
        }
        if (word === '--') {
          this.restLeftover = true;
          continue;
        }
        if (word.startsWith('--')) {
          const body = word.slice(2);
          const eq = body.indexOf('=');
          if (eq >= 0) longArg = body.slice(eq + 1);
          opt = findLongOption(eq >= 0 ? body.slice(0, eq) : body);
          if (!opt) return { kind: 'error', code: 'BADOPT' };
        } else {
          // A single dash never names a long option here (no option is marked ONEDASH).
          this.cluster = word.slice(1);
        }
      }
      if (this.cluster !== null) {
        const ch = this.cluster[0]!;
        const rest = this.cluster.slice(1);
        this.cluster = rest === '' ? null : rest;
        opt = findShortOption(ch);
        if (!opt) return { kind: 'error', code: 'BADOPT' };
      }
      return this.takeArgument(opt!, longArg);
    }
  }

  private takeArgument(opt: OptionSpec, longArg: string | null): PoptEvent {
    if (opt.arg === 'none') {
      if (longArg !== null || this.cluster?.startsWith('=')) return { kind: 'error', code: 'UNWANTEDARG' };
      return { kind: 'option', option: opt, arg: null };
    }
    if (longArg !== null) return { kind: 'option', option: opt, arg: longArg };
    if (this.cluster !== null) {
      const arg = this.cluster.startsWith('=') ? this.cluster.slice(1) : this.cluster;
      this.cluster = null;
      return { kind: 'option', option: opt, arg };
    }
    if (this.next === this.argv.length) {
      if (opt.arg === 'required') return { kind: 'error', code: 'NOARG' };
      return { kind: 'option', option: opt, arg: null };
    }
    if (opt.arg === 'optional' && this.argv[this.next]!.startsWith('-')) return { kind: 'option', option: opt, arg: null };
    return { kind: 'option', option: opt, arg: this.argv[this.next++]! };
  }

  /** poptBadOption: the last word consumed (an option, its cluster, or its separate argument). */
  badOption(): string {
    return this.next > 0 ? this.argv[this.next - 1]! : this.program;
  }

  /** poptGetArg: the next leftover word, in order. */
  getArg(): string | undefined {
    return this.leftoverPos < this.leftovers.length ? this.leftovers[this.leftoverPos++] : undefined;
  }
}
