import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareDiagnostics } from './format.js';
import { lintFiles } from './lint-files.js';

const SEEDS = new URL('../../../test/corpus/keepalived/seeds/', import.meta.url);
const MASTER = readFileSync(new URL('seed-004-master.conf', SEEDS), 'utf8').split('\n');
const BACKUP = readFileSync(new URL('seed-004-backup.conf', SEEDS), 'utf8').split('\n');

/** A seed file with some lines dropped, duplicated or swapped: realistic damage. */
const damaged = (lines: readonly string[]) =>
  fc.array(fc.tuple(fc.constantFrom('drop', 'dup', 'swap'), fc.nat(lines.length - 1), fc.nat(lines.length - 1)), { maxLength: 6 }).map((edits) => {
    const out = [...lines];
    for (const [kind, i, j] of edits) {
      if (i >= out.length || j >= out.length) continue;
      if (kind === 'drop') out.splice(i, 1);
      else if (kind === 'dup') out.splice(i, 0, out[i] as string);
      else [out[i], out[j]] = [out[j] as string, out[i] as string];
    }
    return out.join('\n');
  });

function lintPair(master: string, backup: string) {
  const files = new Map([
    ['m.conf', master],
    ['b.conf', backup],
  ]);
  return lintFiles(['m.conf', 'b.conf'], { configId: 'lvs1', io: { readFile: (p) => files.get(p) ?? null, glob: () => [] } });
}

test('damaged cluster pairs: lint never throws, locations stay in the files, output is sorted and unique', () => {
  fc.assert(
    fc.property(damaged(MASTER), damaged(BACKUP), (m, b) => {
      const list = lintPair(m, b);
      const lines = new Map([
        ['m.conf', m.split('\n').length],
        ['b.conf', b.split('\n').length],
      ]);
      for (const d of list) {
        const count = lines.get(d.file);
        assert.ok(count !== undefined, `unexpected file ${d.file}`);
        assert.ok(d.line >= 1 && d.line <= count && d.col >= 1, `${d.file}:${d.line}:${d.col}`);
      }
      for (let i = 1; i < list.length; i++) assert.ok(compareDiagnostics(list[i - 1]!, list[i]!) < 0);
    }),
    { numRuns: 60, seed: 4 },
  );
});

test('the seed 004 pair, undamaged, has only the nb_get_retry errors and no cluster findings', () => {
  const list = lintPair(MASTER.join('\n'), BACKUP.join('\n'));
  assert.deepEqual(
    list.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`),
    ['b.conf:30:13 unknown-keyword', 'm.conf:31:13 unknown-keyword'],
  );
});
