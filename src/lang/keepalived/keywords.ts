/**
 * Builders for declarative keyword entries: each states the keyword, its value type and range, the
 * default keepalived uses when it is absent, and what to do with a good value. The messages are
 * keepalived's own (so a user can search for them), reported with a stable code.
 */
import type { DiagnosticCode } from './diagnostics.js';
import { type NumberResult, readBool, readDecimal, readInt, readTimer, readUnsigned } from './numbers.js';
import { type Script, readScriptLine } from './script.js';
import type { Block, Call, Keyword, ValueEntry } from './table.js';

export const US = 1_000_000;

interface Common {
  readonly aliases?: readonly string[];
  readonly default?: unknown;
}

/** A keyword without a value (`nopreempt`). */
export function flag<S>(name: string, set: (s: S, c: Call) => void, o: Common = {}): Keyword<S> {
  return { name, info: { type: 'flag', default: o.default ?? false }, aliases: o.aliases, maxWords: 1, run: (s, c) => set(s, c) };
}

/**
 * An optional boolean (`alpha`, `alpha yes`, `smtp_alert off`): bare means true; anything but
 * true/on/yes/false/off/no is keepalived's error `invalid(text)` and changes nothing.
 */
export function bool<S>(name: string, set: (s: S, v: boolean, c: Call) => void, invalid: (text: string) => string, o: Common = {}): Keyword<S> {
  return {
    name,
    info: { type: 'bool', default: o.default ?? false },
    aliases: o.aliases,
    maxWords: 2,
    run: (s, c) => {
      if (!c.has(1)) return set(s, true, c);
      const v = readBool(c.arg(1));
      if (v === null) return c.error('bad-value', invalid(c.arg(1)), 1, 'use yes/no, on/off or true/false (lower case)');
      set(s, v, c);
    },
  };
}

interface NumberOpts extends Common {
  readonly min: number;
  readonly max: number;
  /** keepalived's message for a bad value (omit: only the number reader's message). */
  readonly invalid?: (text: string) => string;
}

function reportNumber(c: Call, r: NumberResult & { ok: false }, o: NumberOpts, i: number): void {
  const code: DiagnosticCode = r.reason === 'range' ? 'out-of-range' : 'invalid-number';
  if (o.invalid) c.error(code, o.invalid(c.arg(i)), i, r.message);
  else c.error(code, r.message, i);
}

function numeric<S>(
  type: 'uint' | 'int' | 'timer',
  name: string,
  read: (t: string) => NumberResult,
  set: (s: S, v: number, c: Call) => void,
  o: NumberOpts,
): Keyword<S> {
  return {
    name,
    info: { type, min: o.min, max: o.max, default: o.default },
    aliases: o.aliases,
    maxWords: 2,
    run: (s, c) => {
      const r = read(c.arg(1));
      if (!r.ok) return reportNumber(c, r, o, 1);
      if (r.message) c.error('invalid-number', r.message, 1);
      set(s, r.value, c);
    },
  };
}

/** An unsigned integer in [min, max] (read_unsigned). */
export function uint<S>(name: string, set: (s: S, v: number, c: Call) => void, o: NumberOpts): Keyword<S> {
  return numeric('uint', name, (t) => readUnsigned(t, o.min, o.max), set, o);
}

/** A signed integer in [min, max] (read_int). */
export function int<S>(name: string, set: (s: S, v: number, c: Call) => void, o: NumberOpts): Keyword<S> {
  return numeric('int', name, (t) => readInt(t, o.min, o.max), set, o);
}

/** Decimal seconds (microsecond resolution) in [min, max] seconds; `set` gets seconds. */
export function timer<S>(name: string, set: (s: S, seconds: number, c: Call) => void, o: NumberOpts): Keyword<S> {
  const read = (t: string): NumberResult => readTimer(t, Math.round(o.min * US), Math.round(o.max * US));
  return numeric('timer', name, read, (s, v, c) => set(s, v / US, c), o);
}

/** Decimal seconds read with read_decimal_unsigned (10^-6 resolution) into seconds. */
export function decimal<S>(name: string, set: (s: S, seconds: number, c: Call) => void, o: NumberOpts): Keyword<S> {
  const read = (t: string): NumberResult => readDecimal(t, Math.round(o.min * US), Math.round(o.max * US), 6);
  return { ...numeric('timer', name, read, (s, v, c) => set(s, v / US, c), o), info: { type: 'decimal', min: o.min, max: o.max, default: o.default } };
}

/**
 * A single word. With `missing`, a keyword without its word is keepalived's ordinary error
 * `missing`; without, it is the fatal "missing a parameter".
 */
export function str<S>(name: string, set: (s: S, v: string, c: Call) => void, o: Common & { readonly missing?: string; readonly maxWords?: number } = {}): Keyword<S> {
  return {
    name,
    info: { type: 'string', default: o.default ?? null },
    aliases: o.aliases,
    maxWords: o.maxWords ?? 2,
    run: (s, c) => {
      if (!c.has(1) && o.missing !== undefined) return c.error('missing-required', o.missing);
      set(s, c.arg(1), c);
    },
  };
}

/** One of a fixed set of words (case-sensitive unless `caseless`). */
export function oneOf<S, V extends string>(
  name: string,
  values: readonly V[],
  set: (s: S, v: V, c: Call) => void,
  invalid: (text: string) => string,
  o: Common & { readonly caseless?: boolean } = {},
): Keyword<S> {
  return {
    name,
    info: { type: 'enum', values, default: o.default ?? null },
    aliases: o.aliases,
    maxWords: 2,
    run: (s, c) => {
      const t = c.arg(1);
      const v = values.find((x) => (o.caseless ? x.toLowerCase() === t.toLowerCase() : x === t));
      if (v === undefined) {
        const near = values.find((x) => x.toLowerCase() === t.toLowerCase());
        return c.error('bad-value', invalid(t), 1, near ? `keepalived is case-sensitive here: did you mean '${near}'?` : `expected one of: ${values.join(', ')}`);
      }
      set(s, v, c);
    },
  };
}

/**
 * A command (notify scripts, vrrp_script `script`, misc_path, quorum_up...). With `userWords`, the
 * words after the command name the user and group; without, they are ignored (and warned about).
 */
export function script<S>(
  name: string,
  set: (s: S, v: Script, c: Call) => void,
  o: Common & { readonly userWords: boolean; readonly already?: (s: S) => boolean; readonly alreadyMessage?: (text: string) => string },
): Keyword<S> {
  return {
    name,
    info: { type: 'script', default: null },
    aliases: o.aliases,
    maxWords: o.userWords ? 4 : 2,
    run: (s, c) => {
      if (o.already?.(s)) {
        c.error('duplicate', o.alreadyMessage ? o.alreadyMessage(c.arg(1)) : `${name} script already specified - ignoring ${c.arg(1)}`, 1);
        return;
      }
      const r = readScriptLine(c.line.piece.text, o.userWords, c.at(1));
      if (!r.ok) {
        c.warning('ignored', `${r.reason}; keepalived ignores this ${name}`, c.has(1) ? 1 : 0);
        return;
      }
      if (o.userWords && c.words.length > 2 && !c.words[1]!.quoted) {
        const who = c.words.slice(2, 4).map((w) => `'${w.text}'`).join(' and ');
        c.info('extra-words', `${who} ${c.words.length > 3 ? 'are the user and group' : 'is the user'} to run '${r.script.text}' as`, 2,
          `to pass arguments instead, quote the whole command: ${name} "${c.words.slice(1).map((w) => w.text).join(' ')}"`);
      }
      if (!o.userWords && c.words.length > 2 && !c.words[1]!.quoted) {
        c.warning('extra-words', `Only '${r.script.text}' is run: the rest of the line is ignored`, 2, `quote the whole command: ${name} "${c.words.slice(1).map((w) => w.text).join(' ')}"`);
      }
      set(s, r.script, c);
    },
  };
}

/** A keyword whose handler reads all its words itself. */
export function words<S>(name: string, run: (s: S, c: Call) => void, o: Common & { readonly maxWords?: number } = {}): Keyword<S> {
  return { name, info: { type: 'words', default: o.default ?? null }, aliases: o.aliases, maxWords: o.maxWords ?? Infinity, run };
}

/** A value block: `name { entry \n entry ... }`, each entry handled by `entry`. */
export function values<S>(name: string, entry: (s: S, e: ValueEntry, c: Call) => void, o: Common & { readonly empty?: (s: S, c: Call) => void } = {}): Keyword<S> {
  return {
    name,
    info: { type: 'values', default: [] },
    aliases: o.aliases,
    maxWords: Infinity,
    run: (s, c) => {
      const entries = c.valueBlock();
      if (entries.length === 0) o.empty?.(s, c);
      for (const e of entries) entry(s, e, c);
    },
  };
}

/** A keyword that opens a block of its own keywords; `open` runs first (and may skip the block). */
export function block<S>(name: string, sub: () => Block<unknown>, open?: (s: S, c: Call) => void, o: Common & { readonly maxWords?: number } = {}): Keyword<S> {
  // Built on first use and then reused: a table is the same for every occurrence of its block.
  let built: Block<unknown> | null = null;
  const once = (): Block<unknown> => (built ??= sub());
  const k: Keyword<S> = { name, info: { type: 'block' }, aliases: o.aliases, maxWords: o.maxWords ?? Infinity, sub: once };
  return open ? { ...k, run: open } : k;
}

/** Accepted keyword kept for structure only: its words are recorded, nothing else is checked. */
export function known<S>(name: string, record?: (s: S, c: Call) => void): Keyword<S> {
  return { name, info: { type: 'words' }, maxWords: Infinity, run: (s, c) => record?.(s, c) };
}
