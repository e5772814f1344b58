/**
 * Splitting a logical line into words, as keepalived's alloc_strvec_r(): words are separated by
 * blanks, a word starting with `"` runs to the next `"` (quotes removed, blanks kept), a `"` inside
 * an unquoted word ends it, single quotes are ordinary characters.
 */
import type { Piece } from './piece.js';

export interface Word {
  readonly text: string;
  /** 1-based column of the word's first character (its opening quote when quoted). */
  readonly col: number;
  readonly quoted: boolean;
}

export interface SplitResult {
  readonly words: Word[];
  /** Column of an opening `"` with no closing one, or -1. */
  readonly unmatchedQuoteCol: number;
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

export function splitWords(p: Piece): SplitResult {
  const s = p.text;
  const words: Word[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i >= s.length) break;
    const start = i;
    if (s.charCodeAt(i) === 34) {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return { words, unmatchedQuoteCol: p.col(start) };
      words.push({ text: s.slice(i + 1, close), col: p.col(start), quoted: true });
      i = close + 1;
      continue;
    }
    while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 34) i++;
    words.push({ text: s.slice(start, i), col: p.col(start), quoted: false });
  }
  return { words, unmatchedQuoteCol: -1 };
}
