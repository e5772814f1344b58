/**
 * `~SEQ(var, [start,] [step,] end) text` and `~LST(var, v1, v2...)` / `~LST({a,b}, {1,2}, ...)`
 * line generators, after keepalived 2.2.7 lib/parser.c (add_seq, add_lst, read_line).
 */
import type { Piece } from './piece.js';

export interface Generator {
  /** Variable names, in order. */
  readonly vars: readonly string[];
  /** Remaining value sets (each assigns one value per variable). */
  readonly next: () => string[] | null;
  /** The text each iteration produces. */
  readonly text: Piece;
}

export type GeneratorResult = { readonly ok: true; readonly gen: Generator } | { readonly ok: false; readonly message: string };

const BLANK = /[ \t]/;

function skipBlanks(s: string, i: number): number {
  while (i < s.length && BLANK.test(s[i]!)) i++;
  return i;
}

/** strtol(s, &end, 0): optional blanks and sign, then hex (0x), octal (leading 0) or decimal digits. */
export function strtol0(s: string, start: number): { value: number; end: number } {
  let i = start;
  while (i < s.length && /[ \t\n\v\f\r]/.test(s[i]!)) i++;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1;
    i++;
  }
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') base = 8;
  const digits = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  const from = i;
  let v = 0;
  while (i < s.length && digits.test(s[i]!)) {
    v = v * base + parseInt(s[i]!, base);
    i++;
  }
  if (i === from) return { value: 0, end: start };
  return { value: sign * v, end: i };
}

/**
 * Parse `~SEQ...` (the text begins with "~SEQ"). `substitute` applies `$NAME` substitution to the
 * parameter list, as keepalived does before reading the numbers.
 */
export function parseSeq(line: Piece, substitute: (s: string) => string): GeneratorResult {
  const s = line.text;
  const invalid = { ok: false, message: `Invalid ~SEQ definition '${s}'` } as const;
  let p = 4;
  const hex = s[p] === 'x';
  if (hex) p++;
  p = skipBlanks(s, p);
  if (s[p] !== '(') return { ok: false, message: '' };
  p = skipBlanks(s, p + 1);
  const varStart = p;
  while (p < s.length && !/[ \t,)]/.test(s[p]!)) p++;
  const name = s.slice(varStart, p);
  p = skipBlanks(s, p);
  if (p >= s.length || s[p] === ')' || name === '') return invalid;
  p = skipBlanks(s, p + 1);
  const close = s.indexOf(')', p);
  if (close < 0) return invalid;
  if (close + 1 - p + 1 > 64) return { ok: false, message: `~SEQ parameter strings too long '${s}'` };
  const params = substitute(s.slice(p, close + 1));
  const nums: number[] = [];
  let q = 0;
  for (;;) {
    const r = strtol0(params, q);
    nums.push(r.value);
    q = skipBlanks(params, r.end);
    if (params[q] === ')') break;
    if (params[q] !== ',' || nums.length === 3) return invalid;
    q++;
  }
  let start: number;
  let step: number;
  let end: number;
  if (nums.length === 1) {
    end = nums[0]!;
    step = end < 1 ? -1 : 1;
    start = end < 0 ? -1 : 1;
  } else if (nums.length === 2) {
    [start, end] = [nums[0]!, nums[1]!];
    step = start <= end ? 1 : -1;
  } else {
    [start, step, end] = [nums[0]!, nums[1]!, nums[2]!];
    if (step === 0 || (start < end && step < 0) || (start > end && step > 0)) {
      return { ok: false, message: `Invalid ~SEQ values '${s}'` };
    }
  }
  if (hex && (start < 0 || end < 0)) return { ok: false, message: `~SEQx is only valid for positive numbers '${s}'` };
  let cur = start;
  let done = false;
  const next = (): string[] | null => {
    if (done) return null;
    const v = hex ? cur.toString(16) : String(cur);
    cur += step;
    if ((step > 0 && cur > end) || (step < 0 && cur < end)) done = true;
    return [v];
  };
  return { ok: true, gen: { vars: [name], next, text: line.slice(skipBlanks(s, close + 1)) } };
}

/** Parse `~LST...` (the text begins with "~LST"). */
export function parseLst(line: Piece): GeneratorResult {
  const s = line.text;
  const bad = { ok: false, message: '' } as const;
  let p = skipBlanks(s, 4);
  if (s[p] !== '(') return bad;
  p = skipBlanks(s, p + 1);
  let endChar = ',';
  if (s[p] === '{') {
    endChar = '}';
    p = skipBlanks(s, p + 1);
  }
  const vars: string[] = [];
  for (;;) {
    const st = p;
    while (p < s.length && !/[ \t,}]/.test(s[p]!)) p++;
    vars.push(s.slice(st, p));
    p = skipBlanks(s, p);
    if (s[p] === endChar) break;
    if (s[p] !== ',') return bad;
    p = skipBlanks(s, p + 1);
  }
  if (s[p] === '}') p = skipBlanks(s, p + 1);
  if (s[p] !== ',') return bad;
  p = skipBlanks(s, p + 1);
  const sets: string[][] = [];
  for (;;) {
    endChar = ',';
    if (s[p] === '{') {
      endChar = '}';
      p = skipBlanks(s, p + 1);
    }
    const values: string[] = [];
    for (;;) {
      const st = p;
      while (p < s.length && !/[ \t,})]/.test(s[p]!)) p++;
      values.push(s.slice(st, p));
      p = skipBlanks(s, p);
      if (s[p] === endChar || (s[p] === ')' && endChar === ',')) break;
      if (s[p] !== ',') return bad;
      p = skipBlanks(s, p + 1);
      if (values.length > vars.length - 1) return { ok: false, message: `~LST specification has too many values '${s}'` };
    }
    while (values.length < vars.length) values.push('');
    sets.push(values);
    if (s[p] === '}' && endChar === '}') p = skipBlanks(s, p + 1);
    if (s[p] === ')') break;
    if (s[p] !== ',') return bad;
    p = skipBlanks(s, p + 1);
  }
  p = skipBlanks(s, p + 1);
  let i = 0;
  const next = (): string[] | null => (i < sets.length ? sets[i++]! : null);
  return { ok: true, gen: { vars, next, text: line.slice(p) } };
}
