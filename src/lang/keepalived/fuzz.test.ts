// Property tests: the parser never throws (and never reports an internal error) on arbitrary text
// or on mutated seed configurations, and every diagnostic points inside the file it names.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { DiagnosticSink } from './diagnostics.js';
import { Lexer } from './lexer.js';
import { memoryFiles } from './memory-files.js';
import { parseKeepalivedConfig } from './parse.js';

const SEED_DIR = new URL('../../../test/golden/keepalived/seeds/', import.meta.url).pathname;
const SEEDS = readdirSync(SEED_DIR)
  .filter((f) => f.endsWith('.conf'))
  .sort()
  .map((f) => readFileSync(`${SEED_DIR}${f}`, 'utf8'));

const MAIN = '/k/keepalived.conf';
const INC = '/k/inc.conf';

/** Fragments that exercise the lexer's special cases. */
const PIECES = [
  '{', '}', '"', '\\', '#', '!', '$', '$X=', '${X}', '${_RANDOM 1 9}', '~SEQ(i, 3) ', '~LST(a, 1, 2) ', '@node ', '@^node ', 'include inc.conf',
  'includea missing.conf', '\n', ' ', '\t', '\r\n', 'vrrp_instance VI {', 'virtual_server 10.0.0.1 80 {', 'real_server 10.0.0.2 80 {',
  'TCP_CHECK {', 'HTTP_GET {', 'url {', 'virtual_ipaddress {', 'priority', 'state MASTER', 'virtual_router_id 5', 'protocol TCP',
  'lb_algo rr', 'lb_kind DR', 'weight 300', 'global_defs {', 'notify_master "/bin/true x"', 'virtual_server_group G {', '10.0.0.1-5 80',
  'fwmark 7', 'track_script {', 'vrrp_script s {', 'script', '\0', 'é', '中文', `x${'y'.repeat(1100)}`,
];

const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), { maxLength: 40 }).map((parts) => parts.join(''));

/** Apply a few edits (delete, insert, duplicate a line) to a seed configuration. */
const mutatedSeed = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...PIECES), fc.constantFrom('delete', 'insert', 'dup')), { minLength: 1, maxLength: 6 }),
  )
  .map(([seed, edits]) => {
    let s = seed;
    for (const [pos, len, piece, kind] of edits) {
      const at = s.length === 0 ? 0 : pos % s.length;
      if (kind === 'delete') s = s.slice(0, at) + s.slice(at + len);
      else if (kind === 'insert') s = s.slice(0, at) + piece + s.slice(at);
      else {
        const lines = s.split('\n');
        const i = at % Math.max(1, lines.length);
        lines.splice(i, 0, lines[i] ?? '');
        s = lines.join('\n');
      }
    }
    return s;
  });

function checkInside(files: Record<string, string>, main: string, inc: string): void {
  const r = parseKeepalivedConfig(MAIN, { ...memoryFiles(files), configId: 'node', interfaces: ['eth0'], maxGeneratedLines: 500 });
  for (const d of r.diagnostics) {
    assert.notEqual(d.code, 'internal-error', d.message);
    const text = d.file === MAIN ? main : d.file === INC ? inc : null;
    assert.notEqual(text, null, `diagnostic names an unknown file ${d.file}`);
    const lines = text!.split('\n');
    assert.ok(d.line >= 1 && d.line <= lines.length, `${d.code} line ${d.line} outside 1..${lines.length}`);
    assert.ok(d.col >= 1 && d.col <= lines[d.line - 1]!.length + 1, `${d.code} col ${d.col} outside line ${d.line}`);
  }
}

test('arbitrary text: no throw, no internal error, locations inside the files', () => {
  fc.assert(
    fc.property(text, text, (main, inc) => {
      checkInside({ [MAIN]: main, [INC]: inc }, main, inc);
    }),
    { numRuns: 250, seed: 20260101 },
  );
});

test('mutated seed configurations: no throw, no internal error, locations inside the files', () => {
  fc.assert(
    fc.property(mutatedSeed, text, (main, inc) => {
      checkInside({ [MAIN]: main, [INC]: inc }, main, inc);
    }),
    { numRuns: 250, seed: 20260102 },
  );
});

test('the lexer alone never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      const lx = new Lexer({ ...memoryFiles({ [MAIN]: s }), configId: null, random: () => 0, maxIncludeDepth: 4, maxGeneratedLines: 100 }, new DiagnosticSink());
      lx.open(MAIN);
      let n = 0;
      while (lx.next() !== null && n < 10_000) n++;
      assert.ok(n < 10_000);
    }),
    { numRuns: 300, seed: 20260103 },
  );
});
