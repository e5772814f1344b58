#!/usr/bin/env node
// Runs the real `keepalived -t` (Debian's 2.2.7) over every configuration in the keepalived corpus
// and records its exit status and (deduplicated) messages in test/corpus/keepalived/verdicts.json,
// so the differential test can compare `tsvs lint` against it without the binary, and so the file
// can be regenerated after the corpus changes.
//
// keepalived -t checks that interfaces exist in the current network namespace, so the verdicts
// would depend on the host. To make them reproducible the runs happen inside a network namespace
// this script creates (and removes) holding exactly the interfaces in INTERFACE_PAIRS. Likewise
// keepalived looks script programs up (a missing one is skipped, which changes the verdict), so
// keepalived runs with PATH = a scratch directory holding PROVIDED_PROGRAMS (links to /bin/true;
// -t never runs them) followed by SCRIPT_PATH: the samples' `killall` then exists whether or not
// psmisc is installed. Needs root and iproute2.
//
// Usage: node scripts/keepalived-verdicts.mjs [--out FILE] [--corpus DIR] [--keepalived PATH]
// Exit: 0 written; 3 keepalived binary missing; 4 cannot create the namespace (not root?); 2 usage.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
/** The config-id every run uses (`-i`); tsvs lint is run with the same `--config-id`. */
export const CONFIG_ID = 'lvs1';
/** veth pairs created in the namespace: the names the samples and the seeds use. */
const INTERFACE_PAIRS = [
  ['eth0', 'eth1'],
  ['eth2', 'eth3'],
  ['ens33', 'ens34'],
  ['ens160', 'ens192'],
];
/** Bare program names the corpus's scripts use, made to exist for every run. */
const PROVIDED_PROGRAMS = ['killall'];
/** Where keepalived looks for other bare program names. */
const SCRIPT_PATH = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const RUN_TIMEOUT_MS = 20_000;
/** Names under the corpus directory that are not configurations to test. */
const NOT_CORPUS = new Set(['verdicts.json', 'README.md', 'inc']);

function parseArgs(argv) {
  const opts = {
    out: join(ROOT, 'test/corpus/keepalived/verdicts.json'),
    corpus: join(ROOT, 'test/corpus/keepalived'),
    keepalived: '/usr/sbin/keepalived',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!(key in opts) || value === undefined) {
      process.stderr.write(`usage: keepalived-verdicts.mjs [--out FILE] [--corpus DIR] [--keepalived PATH]\n`);
      process.exit(2);
    }
    opts[key] = resolve(value);
  }
  return opts;
}

/** Every corpus configuration, relative to the corpus directory, sorted. */
export function corpusFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (NOT_CORPUS.has(name) || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p, base));
    else out.push(relative(base, p));
  }
  return out.sort();
}

function run(cmd, args, options = {}) {
  // A big maxBuffer: a self-including file makes keepalived print ~20 000 lines before it gives up.
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, ...options });
  return { status: r.status, signal: r.signal, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

function createNamespace(name) {
  const steps = [['netns', 'add', name]];
  for (const [a, b] of INTERFACE_PAIRS) {
    steps.push(['-n', name, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    steps.push(['-n', name, 'link', 'set', a, 'up'], ['-n', name, 'link', 'set', b, 'up']);
  }
  steps.push(['-n', name, 'link', 'set', 'lo', 'up']);
  for (const step of steps) {
    const r = run('ip', step);
    if (r.status !== 0) return `ip ${step.join(' ')}: ${r.out.trim() || r.error?.message || 'failed'}`;
  }
  return undefined;
}

/**
 * keepalived prints each message once per process that parses the section (parent, VRRP,
 * checker), so the same line appears 1–3 times; keep the first of each, and make paths relative.
 */
function messages(output, corpusDir) {
  const seen = new Set();
  const lines = [];
  for (const raw of output.split('\n')) {
    const line = raw.split(`${corpusDir}/`).join('').trimEnd();
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines;
}

function checkOne(ns, opts, scratch, rel) {
  const file = join(opts.corpus, rel);
  const pid = (p) => join(scratch, p);
  const args = ['netns', 'exec', ns, opts.keepalived, '-t', '-l', '-D', '-n', '-i', CONFIG_ID,
    '-p', pid('p.pid'), '-r', pid('r.pid'), '-c', pid('c.pid'), '-b', pid('b.pid'), '-f', file];
  const PATH = [join(scratch, 'bin'), ...SCRIPT_PATH].join(':');
  const r = run('ip', args, { cwd: scratch, env: { ...process.env, PATH } });
  if (r.status === null) {
    // Killed: a crash (keepalived 2.2.7 segfaults on some configurations) or our timeout.
    const signal = r.error?.code === 'ETIMEDOUT' ? 'timeout' : (r.signal ?? String(r.error?.code));
    return { exit: null, signal, messages: messages(r.out, opts.corpus) };
  }
  return { exit: r.status, messages: messages(r.out, opts.corpus) };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.keepalived)) {
    process.stderr.write(`keepalived-verdicts: ${opts.keepalived} not found (Debian package keepalived)\n`);
    return 3;
  }
  const version = run(opts.keepalived, ['--version']).out.split('\n')[0].trim();
  const ns = `tsvs-kv-${process.pid}`;
  const scratch = mkdtempSync(join(tmpdir(), 'tsvs-kv-'));
  try {
    mkdirSync(join(scratch, 'bin'));
    for (const name of PROVIDED_PROGRAMS) symlinkSync('/bin/true', join(scratch, 'bin', name));
    const problem = createNamespace(ns);
    if (problem) {
      process.stderr.write(`keepalived-verdicts: cannot prepare network namespace: ${problem}\n`);
      return 4;
    }
    const files = {};
    for (const rel of corpusFiles(opts.corpus)) files[rel] = checkOne(ns, opts, scratch, rel);
    const record = {
      generator: 'scripts/keepalived-verdicts.mjs',
      keepalived: version,
      command: `keepalived -t -l -D -n -i ${CONFIG_ID} -f FILE`,
      configId: CONFIG_ID,
      interfaces: INTERFACE_PAIRS.flat(),
      providedPrograms: PROVIDED_PROGRAMS,
      scriptPath: SCRIPT_PATH,
      files,
    };
    writeFileSync(opts.out, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`keepalived-verdicts: ${Object.keys(files).length} files -> ${relative(process.cwd(), opts.out)}\n`);
    return 0;
  } finally {
    run('ip', ['netns', 'del', ns]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
