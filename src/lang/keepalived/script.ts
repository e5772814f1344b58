/**
 * Script and notify command strings (keepalived.md §1.10; lib/parser.c
 * alloc_strvec_quoted_escaped, lib/notify.c notify_script_init): the raw line is re-split with
 * shell-like quoting ('...' and "...") and C escapes; its second word is the command, which is split
 * again into arguments; further words name the user and group to run it as.
 */

import type { Loc } from './diagnostics.js';

/** A configured command. */
export interface Script {
  /** The command as written (its second word on the line). */
  readonly text: string;
  /** Arguments after quote and escape processing; args[0] is the program. */
  readonly args: readonly string[];
  /** User (and group) to run it as, when given on the line. */
  readonly user: string | null;
  readonly group: string | null;
  /** Where the command was written. */
  readonly loc: Loc;
}

const SPACE = ' \t\f\n\r\v';

function escape(s: string, i: number): { ch: string; next: number } {
  const c = s[i]!;
  if (c === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
    let j = i + 1;
    let v = 0;
    while (j < s.length && /[0-9a-fA-F]/.test(s[j]!)) v = ((v << 4) | parseInt(s[j++]!, 16)) & 0xff;
    return { ch: String.fromCharCode(v), next: j };
  }
  if (c === 'c' && i + 1 < s.length) return { ch: String.fromCharCode(s.charCodeAt(i + 1) & 0x1f), next: i + 2 };
  if (c >= '0' && c <= '7') {
    let j = i;
    let v = 0;
    while (j < s.length && j < i + 3 && s[j]! >= '0' && s[j]! <= '7') v = (v * 8 + Number(s[j++])) & 0xff;
    return { ch: String.fromCharCode(v), next: j };
  }
  const simple: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return { ch: simple[c] ?? c, next: i + 1 };
}

/**
 * alloc_strvec_quoted_escaped(): words with '...' / "..." grouping and backslash escapes. Null
 * when a quote is not closed or the text ends in a lone backslash (keepalived then ignores it).
 */
export function splitQuotedEscaped(s: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && SPACE.includes(s[i]!)) i++;
    if (i >= s.length) break;
    let word = '';
    let quote = '';
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        if (i + 1 >= s.length) return null;
        const e = escape(s, i + 1);
        word += e.ch;
        i = e.next;
        continue;
      }
      if (quote) {
        if (c === quote) quote = '';
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (SPACE.includes(c)) break;
      word += c;
      i++;
    }
    if (quote) return null;
    words.push(word);
  }
  return words;
}

export type ScriptResult =
  | { readonly ok: true; readonly script: Script }
  | { readonly ok: false; readonly reason: string };

/**
 * Read a script keyword line (keyword included). With `userWords` the third and fourth words are
 * user and group (notify scripts); without, they are ignored (vrrp_script `script`, `misc_path`).
 */
export function readScriptLine(line: string, userWords: boolean, loc: Loc): ScriptResult {
  const words = splitQuotedEscaped(line);
  if (words === null) return { ok: false, reason: `Unable to parse script line '${line}'` };
  const text = words[1];
  if (text === undefined) return { ok: false, reason: 'No command given' };
  const args = splitQuotedEscaped(text);
  if (args === null || args.length === 0) return { ok: false, reason: `Unable to parse script '${text}'` };
  const user = userWords ? (words[2] ?? null) : null;
  const group = userWords ? (words[3] ?? null) : null;
  return { ok: true, script: { text, args, user, group, loc } };
}
