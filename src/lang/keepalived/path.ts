/**
 * POSIX path helpers for include resolution (pure; the lang layer may not use node:path), and the
 * GLOB_BRACE expansion keepalived asks glob(3) for.
 */

/** Directory part of a path ("." when there is none), like dirname(3). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i).replace(/\/+$/, '') || '/';
}

/** Collapse "." and ".." segments and repeated slashes. */
export function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const body = out.join('/');
  return abs ? `/${body}` : body || '.';
}

/** Resolve `p` against directory `dir` (keepalived chdir()s into the including file's directory). */
export function resolve(dir: string, p: string): string {
  return normalize(p.startsWith('/') ? p : `${dir}/${p}`);
}

/** True when the pattern holds glob(3) wildcard characters (an unescaped *, ? or [). */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** Index of the `}` matching the `{` at `open`, or -1. Backslash escapes are honoured. */
function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Split the inside of a brace group at top-level commas. */
function splitAlternatives(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/**
 * Expand `{a,b}` alternatives left to right, as GLOB_BRACE does; a group without a comma or without
 * its closing brace is literal. The result is capped to keep hostile patterns cheap.
 */
export function expandBraces(pattern: string, limit = 256): string[] {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '{') continue;
    const close = matchingBrace(pattern, i);
    if (close < 0) return [pattern];
    const alts = splitAlternatives(pattern.slice(i + 1, close));
    if (alts.length < 2) continue;
    const head = pattern.slice(0, i);
    const tail = pattern.slice(close + 1);
    const out: string[] = [];
    for (const alt of alts) {
      for (const e of expandBraces(head + alt + tail, limit)) {
        if (out.length >= limit) return out;
        out.push(e);
      }
    }
    return out;
  }
  return [pattern];
}

/** True when the pattern contains a brace group that GLOB_BRACE would expand. */
export function hasBrace(pattern: string): boolean {
  return expandBraces(pattern, 2).length > 1;
}

/** Byte-wise (C locale) string order, which is how glob(3) sorts under keepalived. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
