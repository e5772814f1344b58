/**
 * `$NAME=value` definitions and their substitution, after keepalived 2.2.7 lib/parser.c
 * (check_definition, find_definition, replace_param) and keepalived.conf(5) "Parameter
 * substitution". Built-ins: ${_PWD}, ${_INSTANCE}, ${_RANDOM [MIN [MAX]]}, ${_HASH}, ${_BANG}.
 */
import type { Piece } from './piece.js';

/** keepalived's MAXBUF: a line may hold at most 1023 characters. */
export const MAX_LINE = 1024;

export interface Definition {
  readonly name: string;
  /** Value; a multi-line value has its lines separated by "\n". */
  value: string;
  multiline: boolean;
  /** Built-in whose value is computed at each use (params: up to maxParams numbers). */
  fn: ((params: string | null) => string) | null;
  readonly maxParams: number;
}

export interface BuiltinContext {
  /** Directory of the file being read (${_PWD}). */
  pwd(): string;
  /** The config id (${_INSTANCE}). */
  readonly instance: string;
  /** A uniformly distributed integer in [0, 2^31) for ${_RANDOM}. */
  random(): number;
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export interface Reference {
  readonly def: Definition;
  /** Length of the `$NAME` / `${NAME params}` text being replaced. */
  readonly length: number;
  readonly params: string | null;
}

export type ReplaceOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'replaced'; readonly piece: Piece; readonly rest: string | null }
  | { readonly kind: 'too-long'; readonly piece: Piece }
  | { readonly kind: 'loop'; readonly piece: Piece };

export class Definitions {
  private readonly defs = new Map<string, Definition>();

  constructor(ctx: BuiltinContext) {
    this.builtin('_PWD', () => ctx.pwd(), 0);
    this.builtin('_INSTANCE', () => ctx.instance, 0);
    this.builtin('_RANDOM', (params) => randomValue(params, ctx.random), 2);
    this.builtin('_HASH', () => '#', 0);
    this.builtin('_BANG', () => '!', 0);
  }

  private builtin(name: string, fn: (params: string | null) => string, maxParams: number): void {
    this.defs.set(name, { name, value: '', multiline: false, fn, maxParams });
  }

  /** Set (or override) a single-line definition, as ~SEQ/~LST do for their variables. */
  set(name: string, value: string): void {
    const d = this.defs.get(name);
    if (d) {
      d.value = value;
      d.multiline = false;
      d.fn = null;
    } else this.defs.set(name, { name, value, multiline: false, fn: null, maxParams: 0 });
  }

  /**
   * If `text` is a definition line (`$NAME=value`, no blank before `=`), record it and return the
   * definition; a value ending in `\` starts a multi-line definition.
   */
  define(text: string): Definition | null {
    if (text[0] !== '$' || !(isAlpha(text[1]) || text[1] === '_')) return null;
    let p = 2;
    while (p < text.length && text[p] !== '=') {
      if (!isNameChar(text[p])) return null;
      p++;
    }
    if (text[p] !== '=') return null;
    const name = text.slice(1, p);
    p++;
    while (text[p] === ' ' || text[p] === '\t') p++;
    let value = text.slice(p);
    let multiline = false;
    if (value.endsWith('\\')) {
      multiline = true;
      value = value.slice(0, -1).replace(/[ \t]+$/, '');
      value = value.length === 0 ? '' : `${value}\n`;
    }
    const existing = this.defs.get(name);
    if (existing) {
      existing.value = value;
      existing.multiline = multiline;
      existing.fn = null;
      return existing;
    }
    const d: Definition = { name, value, multiline, fn: null, maxParams: 0 };
    this.defs.set(name, d);
    return d;
  }

  /** find_definition(): the definition referenced at text[at] (just after a `$`), if any. */
  find(text: string, at: number): Reference | null {
    let i = at;
    const braces = text[i] === '{';
    if (braces) i++;
    if (!(isAlpha(text[i]) || text[i] === '_')) return null;
    const nameStart = i;
    i++;
    while (isNameChar(text[i])) i++;
    const name = text.slice(nameStart, i);
    let params: string | null = null;
    let end = i;
    if (braces) {
      let pStart = -1;
      let pEnd = -1;
      while (text[i] === ' ' || isDigit(text[i])) {
        if (text[i] !== ' ') {
          if (pStart < 0) pStart = i;
          pEnd = i;
        }
        i++;
      }
      if (pStart >= 0 && pEnd + 1 !== i) return null;
      if (text[i] !== '}') return null;
      if (pStart >= 0) params = text.slice(pStart, pEnd + 1);
      end = i + 1;
    } else {
      const c = text[i];
      if (c !== undefined && c !== ' ' && c !== '\t' && c !== ',' && c !== ')') return null;
    }
    const def = this.defs.get(name);
    if (!def) return null;
    if (def.multiline && end !== text.length) return null;
    if (params !== null && def.maxParams === 0) return null;
    return { def, length: end - (at - 1), params };
  }

  /**
   * replace_param(): substitute every reference in the line, rescanning inserted text. A multi-line
   * value replaces its reference with its first line and hands back the other lines in `rest`.
   */
  replace(piece: Piece, maxSteps: number): ReplaceOutcome {
    let p = piece;
    let found = false;
    let rest: string | null = null;
    let pos = p.text.indexOf('$');
    let steps = 0;
    while (pos >= 0 && pos + 1 < p.text.length) {
      const ref = this.find(p.text, pos + 1);
      if (!ref) {
        pos = p.text.indexOf('$', pos + 1);
        continue;
      }
      if (++steps > maxSteps) return { kind: 'loop', piece: p };
      found = true;
      const value = ref.def.fn ? ref.def.fn(ref.params) : ref.def.value;
      let insert = value;
      if (ref.def.multiline) {
        const nl = value.indexOf('\n');
        insert = nl < 0 ? value : value.slice(0, nl);
        rest = nl < 0 ? null : value.slice(nl + 1);
      }
      if (p.text.length + insert.length - ref.length >= MAX_LINE) return { kind: 'too-long', piece: p };
      p = p.splice(pos, pos + ref.length, insert);
      if (value.replace(/^[ \t]+/, '').startsWith('~')) break;
      pos = p.text.indexOf('$', pos);
    }
    return found ? { kind: 'replaced', piece: p, rest } : { kind: 'unchanged' };
  }
}

/** ${_RANDOM [MIN [MAX]]}: default range 0..32767. */
function randomValue(params: string | null, random: () => number): string {
  let min = 0;
  let max = 32767;
  if (params !== null) {
    const nums = params.trim().split(/ +/).map((s) => Number(s));
    min = nums[0] ?? 0;
    if (nums.length > 1) max = nums[1] ?? max;
  }
  const span = max - min + 1;
  if (!Number.isFinite(span) || span <= 0) return String(min);
  return String((random() % span) + min);
}
