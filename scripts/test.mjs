#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test and tsx.
// Node 20's `--test` does not expand globs, so the files are listed here. Files named
// `*.serial.test.ts` use fixed well-known ports (the demo's) and run afterwards, one at a time.
// Usage: node scripts/test.mjs [substring-filter...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// Each run also writes TAP to a temporary file, so the two runs can be summed into one closing line.
const tapDir = mkdtempSync(join(tmpdir(), 'tsvs-test-'));
const totals = { pass: 0, fail: 0, skipped: 0 };
function run(list, concurrency, name) {
  if (list.length === 0) return 0;
  const tap = join(tapDir, `${name}.tap`);
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...list];
  const status = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return status;
}
const serial = files.filter((f) => f.endsWith('.serial.test.ts'));
const parallel = files.filter((f) => !serial.includes(f));
const a = run(parallel, 2, 'parallel');
const b = run(serial, 1, 'serial');
rmSync(tapDir, { recursive: true, force: true });
console.log(`\ntotal: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(a || b);
