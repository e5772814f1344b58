// The pure layers (src/wire, src/core, src/lang) must not reach for I/O, clocks, timers or
// unseeded randomness (design.md, "the one rule"). This test reads their sources and fails on any.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const PURE = ['src/wire', 'src/core', 'src/lang'];
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/\bfrom\s+['"]node:/, 'imports a node:* module'],
  [/\bimport\s*\(\s*['"]node:/, 'imports a node:* module'],
  [/\brequire\s*\(/, 'uses require()'],
  [/\bfrom\s+['"](fs|path|os|net|dgram|child_process|crypto|http|https|timers|process|events)['"]/, 'imports a Node built-in'],
  [/\bDate\.now\s*\(/, 'reads the wall clock (Date.now)'],
  [/\bnew\s+Date\s*\(/, 'reads the wall clock (new Date)'],
  [/\bperformance\.now\s*\(/, 'reads a clock (performance.now)'],
  [/\bprocess\./, 'touches the process object'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'starts a timer'],
  [/\bqueueMicrotask\s*\(/, 'schedules work'],
  [/\bMath\.random\s*\(/, 'uses unseeded randomness (Math.random)'],
  [/\bcrypto\.getRandomValues\s*\(/, 'uses unseeded randomness'],
];

function sources(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Strip comments and string contents so prose mentioning `Date.now()` does not count. */
function codeOnly(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/`(?:\\.|[^`\\])*`/g, '``');
}

test('pure layers use no I/O, clock, timer or unseeded randomness', () => {
  const problems: string[] = [];
  for (const dir of PURE) {
    for (const file of sources(join(root, dir))) {
      const code = codeOnly(readFileSync(file, 'utf8'));
      for (const [re, what] of FORBIDDEN) if (re.test(code)) problems.push(`${relative(root, file)} ${what}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the purity check itself catches a violation', () => {
  const bad = "import { readFileSync } from 'node:fs';\nconst t = Date.now();\nsetTimeout(() => {}, 1);\n";
  const hits = FORBIDDEN.filter(([re]) => re.test(codeOnly(bad))).map(([, w]) => w);
  assert.deepEqual(hits, ['imports a node:* module', 'reads the wall clock (Date.now)', 'starts a timer']);
  assert.equal(FORBIDDEN.some(([re]) => re.test(codeOnly('// Date.now() in a comment\n'))), false);
});
