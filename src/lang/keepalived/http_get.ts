/**
 * HTTP_GET / SSL_GET specifics and their `url { }` blocks (keepalived 2.2.7 check_http.c):
 * path (required), digest (32 hex digits), status_code N|N-M... (100..599, default 200-299),
 * virtualhost, regex options; nb_get_retry is the deprecated spelling of retry.
 */
import { block, bool, flag, words } from './keywords.js';
import { readUnsigned } from './numbers.js';
import { splitQuotedEscaped } from './script.js';
import { type CheckerDraft, type ParseState, type UrlDraft, last } from './state.js';
import type { Block, Call, Keyword } from './table.js';

type C = CheckerDraft;
type U = UrlDraft;

export function newHttpFields(): Pick<C, 'urls' | 'virtualhost' | 'httpProtocol' | 'enableSni' | 'fastRecovery'> {
  return { urls: [], virtualhost: null, httpProtocol: '1.0', enableSni: false, fastRecovery: false };
}

function statusCodes(u: U, c: Call): void {
  for (let i = 1; i < c.words.length; i++) {
    const t = c.arg(i);
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(t);
    const min = m ? Number(m[1]) : NaN;
    const max = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || min < 100 || min > 599 || max < 100 || max > 599 || min > max) {
      c.error('bad-value', `Invalid HTTP_GET status code '${t}'`, i, 'status codes are 100..599, single or as a range N-M');
      continue;
    }
    for (let v = min; v <= max; v++) u.codes.add(v);
  }
}

function digest(u: U, c: Call): void {
  const d = c.arg(1);
  if (u.digest !== null) return c.error('duplicate', `Digest '${d}' is a duplicate`, 1);
  if (d.length !== 32) return c.error('bad-value', `digest '${d}' character length should be 32 rather than ${d.length}`, 1, 'an MD5 digest is 32 hex digits (genhash computes it)');
  for (let i = 15; i >= 0; i--) {
    if (!/^[0-9a-fA-F]{2}$/.test(d.slice(2 * i, 2 * i + 2))) {
      return c.error('bad-value', `Unable to interpret hex digit in '${d.slice(0, 2 * i + 2)}' at offset ${2 * i}/${2 * i + 1}`, 1);
    }
  }
  u.digest = d.toLowerCase();
}

/** Inclusive ranges from a set of codes (default 200-299 when empty). */
export function codeRanges(codes: ReadonlySet<number>): [number, number][] {
  if (codes.size === 0) return [[200, 299]];
  const sorted = [...codes].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const v of sorted) {
    const lastRange = out[out.length - 1];
    if (lastRange && lastRange[1] === v - 1) lastRange[1] = v;
    else out.push([v, v]);
  }
  return out;
}

function urlBlock(s: ParseState, cur: () => C | null): Block<U> {
  const url = (): U | null => last(cur()?.urls ?? []);
  return {
    name: 'url',
    target: url,
    keywords: [
      words<U>('path', (u, c) => void (u.path = c.arg(1)), { maxWords: 2 }),
      words<U>('digest', digest, { maxWords: 2 }),
      words<U>('status_code', statusCodes),
      words<U>('virtualhost', (u, c) => {
        if (!c.has(1)) return c.error('missing-required', 'Missing HTTP_GET virtualhost name');
        u.virtualhost = c.arg(1);
      }, { maxWords: 2 }),
      words<U>('regex', (u, c) => {
        const w = splitQuotedEscaped(c.line.piece.text);
        if (!w || w.length !== 2) return c.warning('ignored', 'regex missing or too many fields', 0, 'keepalived only logs this and ignores the regex');
        u.regex = w[1]!;
      }),
      flag<U>('regex_no_match', (u) => (u.regexNoMatch = true)),
      words<U>('regex_options', () => undefined),
      words<U>('regex_min_offset', (_u, c) => regexOffset(c, 'min')),
      words<U>('regex_max_offset', (_u, c) => regexOffset(c, 'max')),
      words<U>('regex_stack', (_u, c) => {
        if (c.words.length !== 3) c.warning('ignored', 'regex_stack requires start and max values');
      }),
    ],
    close: (u) => {
      const ch = cur();
      if (u.path === null) {
        s.sink.error('missing-required', 'HTTP/SSL_GET checker url has no path - ignoring', u.loc, "add 'path /...'");
        ch?.urls?.pop();
        return;
      }
      if (u.regex === null && u.regexNoMatch) {
        s.sink.warning('ignored', 'regex parameters specified without regex', u.loc, 'keepalived only logs this');
        u.regexNoMatch = false;
      }
    },
  };
}

function regexOffset(c: Call, which: 'min' | 'max'): void {
  if (c.words.length !== 2) return c.warning('ignored', `Missing or too may options for regex_${which}_offset`);
  if (!/^[0-9]+$/.test(c.arg(1))) c.warning('ignored', `Invalid regex_${which}_offset ${c.arg(1)} specified`, 1);
}

export function httpKeywords(s: ParseState, cur: () => C | null): Keyword<C>[] {
  return [
    words<C>('nb_get_retry', (ch, c) => {
      c.error('deprecated', "nb_get_retry is deprecated - please use 'retry'", 0, "write 'retry' instead");
      const r = readUnsigned(c.arg(1), 0, 4294967295);
      if (!r.ok) return c.error('invalid-number', `Invalid nb_get_retry value '${c.arg(1)}'`, 1, r.message);
      ch.retry = r.value;
    }, { maxWords: 2 }),
    words<C>('virtualhost', (ch, c) => {
      if (!c.has(1)) return c.error('missing-required', 'HTTP_GET virtualhost name missing');
      ch.virtualhost = c.arg(1);
    }, { maxWords: 2 }),
    words<C>('http_protocol', (ch, c) => {
      if (!c.has(1)) return c.error('missing-required', 'Missing http_protocol version');
      const t = c.arg(1);
      if (t === '1.0' || t === '1.1') ch.httpProtocol = t;
      else if (t === '1.0C' || t === '1.0c') ch.httpProtocol = '1.0C';
      else c.error('bad-value', `Invalid http_protocol version ${t}`, 1, 'expected 1.0, 1.0C or 1.1');
    }, { maxWords: 2 }),
    bool<C>('enable_sni', (ch, v) => (ch.enableSni = v), (t) => `Invalid enable_sni parameter ${t}`),
    bool<C>('fast_recovery', (ch, v) => (ch.fastRecovery = v), (t) => `Invalid fast_recovery parameter ${t}`),
    block<C>('url', () => urlBlock(s, cur) as Block<unknown>, (ch, c) => {
      (ch.urls ??= []).push({ path: null, digest: null, codes: new Set(), virtualhost: null, regex: null, regexNoMatch: false, loc: c.at(0) });
    }),
  ];
}
