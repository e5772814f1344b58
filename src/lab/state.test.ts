import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { currentScenario, removeStateDirs, stateDir, stateDirs } from './state.js';

test('stateDir: a scenario name under the root; anything that could leave it is refused', () => {
  assert.equal(stateDir('seed-004-ha', '/run/tsvs/lab'), '/run/tsvs/lab/seed-004-ha');
  for (const bad of ['', '.', '..', '../../../etc', 'a/b', '/etc', '.hidden', '-x']) {
    assert.throws(() => stateDir(bad, '/run/tsvs/lab'), { message: `not a scenario name: '${bad}'` }, bad);
  }
});

test('removeStateDirs: every scenario directory goes (a stale scenario.json no longer names a lab); the root and plain files stay', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsvs-labroot-'));
  try {
    for (const s of ['seed-000-dr', 'seed-004-ha']) {
      mkdirSync(join(root, s));
      writeFileSync(join(root, s, 'scenario.json'), '{}');
    }
    writeFileSync(join(root, 'note'), '');
    assert.deepEqual(stateDirs(root).sort(), [join(root, 'seed-000-dr'), join(root, 'seed-004-ha')]);
    assert.equal(currentScenario(root), 'seed-000-dr');
    removeStateDirs(root);
    assert.deepEqual(readdirSync(root), ['note']);
    assert.equal(currentScenario(root), null);
    assert.deepEqual(stateDirs(join(root, 'missing')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
