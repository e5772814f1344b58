/**
 * A small glob(3) for keepalived's `include` lines (Node 20 has no fs.glob). Supports `*`, `?`,
 * `[...]` (with `!`/`^` negation and ranges) in any path component, backslash escapes, and
 * GLOB_BRACE alternatives `{a,b}` as keepalived enables them. As glob(3) does, a leading `.` in a
 * name is matched only by a literal `.`, matches of each brace alternative are sorted bytewise
 * (the C locale order) and the alternatives are concatenated in the order written, and a pattern
 * without wildcards yields the path only when it exists.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';

/** Expand `{a,b}` alternatives (nested allowed, `\{` escaped) into plain patterns, in order. */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && --depth === 0) {
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const cuts = [open, ...commas, i];
      const out: string[] = [];
      for (let k = 0; k + 1 < cuts.length; k++) {
        const alt = pattern.slice((cuts[k] as number) + 1, cuts[k + 1]);
        out.push(...expandBraces(head + alt + tail));
      }
      return out;
    }
  }
  return [pattern]; // an unclosed `{` is an ordinary character
}

function findUnescaped(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

export function hasWildcard(component: string): boolean {
  for (let i = 0; i < component.length; i++) {
    const c = component[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** Translate one path component into an anchored RegExp (null: a literal `[` with no `]`). */
export function componentRegExp(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i] as string;
    if (c === '\\' && i + 1 < component.length) re += escapeRe(component[++i] as string);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = bracketEnd(component, i);
      if (end === -1) re += '\\[';
      else {
        re += bracketRe(component.slice(i + 1, end));
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

/** Index of the `]` closing the bracket expression at `start` (a `]` first is literal). */
function bracketEnd(s: string, start: number): number {
  let i = start + 1;
  if (s[i] === '!' || s[i] === '^') i++;
  if (s[i] === ']') i++;
  for (; i < s.length; i++) if (s[i] === ']') return i;
  return -1;
}

function bracketRe(body: string): string {
  let negate = false;
  if (body.startsWith('!') || body.startsWith('^')) {
    negate = true;
    body = body.slice(1);
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      out += `${escapeClass(c)}-${escapeClass(body[i + 2] as string)}`;
      i += 2;
    } else out += escapeClass(c);
  }
  return `[${negate ? '^' : ''}${out}]`;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}

function unescape(component: string): string {
  return component.replace(/\\(.)/g, '$1');
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Match one brace-free pattern, component by component. */
function globOne(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let bases = [absolute ? '/' : ''];
  for (const [idx, part] of parts.entries()) {
    if (idx === 0 && absolute) continue;
    const last = idx === parts.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      const join = (name: string) => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
      if (!hasWildcard(part)) {
        const p = join(unescape(part));
        if (last ? exists(p) : isDirectory(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      const re = componentRegExp(part);
      const dotOk = part.startsWith('.');
      for (const name of names.sort(bytewise)) {
        if (name.startsWith('.') && !dotOk) continue;
        if (!re.test(name)) continue;
        const p = join(name);
        if (last || isDirectory(p)) next.push(p);
      }
    }
    bases = next;
  }
  return bases.sort(bytewise);
}

/**
 * Paths matching `pattern` (absolute, or relative to the process's working directory; results keep
 * the pattern's form). Brace alternatives are matched in order; duplicates are kept, as glob(3)
 * with GLOB_BRACE keeps them.
 */
export function globSync(pattern: string): string[] {
  return expandBraces(pattern).flatMap(globOne);
}
