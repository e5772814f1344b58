import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refineOldNameHints } from './old-names.js';
import type { LintDiagnostic } from './types.js';

const unknown = (word: string, hint = `'${word}' is not a keyword in TCP_CHECK`): LintDiagnostic => ({
  severity: 'error',
  code: 'unknown-keyword',
  message: `Unknown keyword '${word}'`,
  file: 'k.conf',
  line: 3,
  col: 9,
  hint,
});

test('old keyword names get a hint saying what to write instead', () => {
  assert.deepEqual(refineOldNameHints([unknown('nb_get_retry'), unknown('nat_mask'), unknown('lvs_id')]).map((d) => d.hint), [
    "nb_get_retry is the old name of 'retry', still accepted only inside HTTP_GET and SSL_GET; write 'retry' instead",
    "nat_mask is from keepalived 1.x (a virtual service has no netmask); delete it, or use 'persistence_granularity' for a persistence netmask",
    "lvs_id is the old name of 'router_id' (in global_defs)",
  ]);
});

test('other diagnostics are passed through unchanged', () => {
  const typo = unknown('delay_before_retrey', "did you mean 'delay_before_retry'?");
  const other: LintDiagnostic = { ...unknown('nb_get_retry'), code: 'deprecated', message: "nb_get_retry is deprecated - please use 'retry'" };
  const list = [typo, other];
  const out = refineOldNameHints(list);
  assert.equal(out[0], typo);
  assert.equal(out[1], other);
});

test('the note on a block keepalived skips is kept in front of the new hint', () => {
  const note = 'keepalived skips the whole virtual_server block at line 27 (its address is invalid) and does not report this';
  const inSkipped = { ...unknown('nb_get_retry', `${note}; '${'nb_get_retry'}' is not a keyword in real_server`), severity: 'warning' as const };
  assert.deepEqual(refineOldNameHints([inSkipped]).map((d) => d.hint), [
    `${note}; nb_get_retry is the old name of 'retry', still accepted only inside HTTP_GET and SSL_GET; write 'retry' instead`,
  ]);
});
