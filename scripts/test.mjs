#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test and tsx.
// Node 20's `--test` does not expand globs, so the files are listed here. Files named
// `*.serial.test.ts` use fixed well-known ports (the demo's) and run afterwards, one at a time.
// Usage: node scripts/test.mjs [substring-filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = ['src', 'test']
  .flatMap((d) => {
    try {
      return walk(join(root, d), []);
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
function run(list, concurrency) {
  if (list.length === 0) return 0;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...list];
  return spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
}
const serial = files.filter((f) => f.endsWith('.serial.test.ts'));
const parallel = files.filter((f) => !serial.includes(f));
const a = run(parallel, 2);
const b = run(serial, 1);
process.exit(a || b);
