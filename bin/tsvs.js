#!/usr/bin/env node
// Entry point. Runs the compiled build (dist/, made by `npm run build`, which `npm ci` runs via
// `prepare`); falls back to the TypeScript sources through tsx when no build is present or
// TSVS_FROM_SOURCE is set (tests run the sources they test).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

const built = new URL('../dist/cli/main.js', import.meta.url);
const invokedAs = basename(process.argv[1] ?? 'tsvs').replace(/\.js$/, '');
let mod;
if (existsSync(built) && !process.env.TSVS_FROM_SOURCE) {
  mod = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv.slice(2), invokedAs);
