/**
 * Comment stripping as keepalived's decomment() does it (lib/parser.c): leading blanks go, `#` or
 * `!` outside double quotes starts a comment, `\#` and `\!` outside quotes lose their backslash,
 * a trailing `\` survives (it only means something in a multi-line `$NAME=` definition), and
 * trailing blanks go. Quote state is toggled by each `"` that is not backslash-protected.
 */
import type { Piece } from './piece.js';

export interface Decommented {
  readonly piece: Piece;
  /** Offset of an opening `"` left unterminated, or -1. */
  readonly openQuote: number;
  /** The line text as keepalived quotes it in "Unterminated quote '%s'". */
  readonly quotedText: string;
  /** True when an escaped `\#` / `\!` was unescaped (keepalived's child processes then see a comment). */
  readonly unescapedComment: boolean;
}

const SPECIAL = /["#!\\]/;

export function decomment(input: Piece): Decommented {
  if (!SPECIAL.test(input.text)) return plain(input);
  let lead = 0;
  while (lead < input.text.length && (input.text[lead] === ' ' || input.text[lead] === '\t')) lead++;
  let p = lead === 0 ? input : input.slice(lead);
  let quote = false;
  let openQuote = -1;
  let cont = false;
  let skip = -1;
  let unescapedComment = false;
  let i = 0;
  while (i < p.text.length) {
    const c = p.text[i];
    if (c === '"') {
      if (skip < 0) {
        quote = !quote;
        openQuote = quote ? i : -1;
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 < p.text.length) {
        const n = p.text[i + 1];
        if (!quote && (n === '#' || n === '!')) {
          p = p.splice(i, i + 1, '');
          unescapedComment = true;
          i++;
        } else i += 2;
      } else {
        p = p.slice(0, i);
        cont = true;
        break;
      }
    } else {
      if (!quote && skip < 0 && (c === '!' || c === '#')) skip = i;
      i++;
    }
  }
  const quotedText = p.text;
  if (skip >= 0) p = p.slice(0, skip);
  p = p.trimEnd();
  if (cont) p = p.splice(p.text.length, p.text.length, '\\');
  return { piece: p, openQuote: quote ? openQuote : -1, quotedText, unescapedComment };
}

/** The common case: no quotes, comments or escapes, only blanks to trim. */
function plain(input: Piece): Decommented {
  const t = input.text;
  let start = 0;
  while (start < t.length && (t.charCodeAt(start) === 32 || t.charCodeAt(start) === 9)) start++;
  let end = t.length;
  while (end > start && (t.charCodeAt(end - 1) === 32 || t.charCodeAt(end - 1) === 9)) end--;
  const piece = start === 0 && end === t.length ? input : input.slice(start, end);
  return { piece, openQuote: -1, quotedText: t, unescapedComment: false };
}
