// Golden suite for keepalived.conf: every `x.conf` here (outside folders whose name starts with
// `_`, which hold included fragments) is parsed as /etc/keepalived/<path> and its model and
// diagnostics are compared exactly with `x.model.json` and `x.diagnostics.json`. Run with
// UPDATE_GOLDEN=1 to (re)write those files. `x.options.json` may set configId, hostname,
// interfaces and the programs that exist (`programs`).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseKeepalivedConfig, type ParseOptions } from '../../../src/lang/keepalived/parse.js';

const ROOT = new URL('.', import.meta.url).pathname;
const VIRTUAL = '/etc/keepalived';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const real = (virtualPath: string): string | null =>
  virtualPath.startsWith(`${VIRTUAL}/`) ? join(ROOT, virtualPath.slice(VIRTUAL.length + 1)) : null;

/** glob(3) over the golden folder: `*` and `?` within one path segment, `[...]` classes. */
function glob(pattern: string): string[] {
  const rx = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c === '[' || c === ']' ? c : c.replace(/[.+^${}()|\\]/g, '\\$&')))
      .join('')}$`,
  );
  return walk(ROOT)
    .map((p) => `${VIRTUAL}/${relative(ROOT, p)}`)
    .filter((v) => rx.test(v));
}

interface GoldenOptions {
  readonly configId?: string | null;
  readonly hostname?: string;
  readonly interfaces?: string[];
  readonly programs?: string[];
}

function options(confPath: string): ParseOptions {
  const sidecar = confPath.replace(/\.conf$/, '.options.json');
  const o: GoldenOptions = existsSync(sidecar) ? JSON.parse(readFileSync(sidecar, 'utf8')) : {};
  const base: ParseOptions = {
    readFile: (p) => {
      const r = real(p);
      return r !== null && existsSync(r) && statSync(r).isFile() ? readFileSync(r, 'utf8') : null;
    },
    glob,
    configId: o.configId === undefined ? 'node1' : o.configId,
    hostname: o.hostname ?? 'node1.example.com',
  };
  const programs = o.programs;
  return {
    ...base,
    ...(o.interfaces ? { interfaces: o.interfaces } : {}),
    ...(programs ? { scriptExists: (p: string) => programs.includes(p) } : {}),
  };
}

const SEED_DOCS = '/work/shared/seeds';

test('the seed configurations are copied verbatim from the seed documents', { skip: !existsSync(SEED_DOCS) }, () => {
  const docs = readdirSync(SEED_DOCS)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(SEED_DOCS, f), 'utf8'));
  const seeds = walk(join(ROOT, 'seeds')).filter((p) => p.endsWith('.conf'));
  assert.equal(seeds.length, 5);
  for (const s of seeds) assert.ok(docs.some((d) => d.includes(readFileSync(s, 'utf8'))), `${relative(ROOT, s)} is not in a seed document`);
});

const cases = walk(ROOT).filter((p) => p.endsWith('.conf') && !relative(ROOT, p).split('/').some((seg) => seg.startsWith('_')));

test('the golden suite has cases', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} golden cases`);
});

for (const conf of cases) {
  const rel = relative(ROOT, conf);
  test(`golden ${rel}`, () => {
    const result = parseKeepalivedConfig(`${VIRTUAL}/${rel}`, options(conf));
    const got = {
      model: `${JSON.stringify(result.model, null, 2)}\n`,
      diagnostics: `${JSON.stringify(result.diagnostics, null, 2)}\n`,
    };
    for (const kind of ['model', 'diagnostics'] as const) {
      const file = conf.replace(/\.conf$/, `.${kind}.json`);
      if (UPDATE) writeFileSync(file, got[kind]);
      else {
        assert.ok(existsSync(file), `${relative(ROOT, file)} is missing: run with UPDATE_GOLDEN=1`);
        assert.equal(got[kind], readFileSync(file, 'utf8'), `${relative(ROOT, file)} differs`);
      }
    }
  });
}
