import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dedupeDiagnostics, formatJson, formatText, hasErrors, sortDiagnostics } from './format.js';
import type { LintDiagnostic } from './types.js';

const d = (file: string, line: number, col: number, severity: LintDiagnostic['severity'], code: string, hint?: string): LintDiagnostic => ({
  file,
  line,
  col,
  severity,
  code,
  message: `m-${code}`,
  ...(hint === undefined ? {} : { hint }),
});

test('text form: one line per diagnostic, hint indented below, sorted by file/line/col', () => {
  const list = [
    d('b.conf', 1, 1, 'warning', 'w1'),
    d('a.conf', 10, 5, 'error', 'e2', "did you mean 'global_defs'?"),
    d('a.conf', 2, 9, 'info', 'i1'),
    d('a.conf', 10, 1, 'error', 'e1'),
  ];
  assert.equal(
    formatText(list),
    'a.conf:2:9: note: m-i1 [i1]\n' +
      'a.conf:10:1: error: m-e1 [e1]\n' +
      "a.conf:10:5: error: m-e2 [e2]\n    hint: did you mean 'global_defs'?\n" +
      'b.conf:1:1: warning: m-w1 [w1]\n',
  );
  assert.equal(formatText([]), '');
});

test('ties on position sort errors before warnings, then by code', () => {
  const list = [d('a', 1, 1, 'warning', 'b'), d('a', 1, 1, 'error', 'z'), d('a', 1, 1, 'warning', 'a')];
  assert.deepEqual(
    sortDiagnostics(list).map((x) => x.code),
    ['z', 'a', 'b'],
  );
});

test('json form: sorted array with fixed key order, hint only when present', () => {
  const out = formatJson([d('a', 3, 1, 'warning', 'w'), d('a', 1, 2, 'error', 'e', 'h')]);
  assert.equal(
    out,
    '[\n' +
      '  {\n    "file": "a",\n    "line": 1,\n    "col": 2,\n    "severity": "error",\n    "code": "e",\n    "message": "m-e",\n    "hint": "h"\n  },\n' +
      '  {\n    "file": "a",\n    "line": 3,\n    "col": 1,\n    "severity": "warning",\n    "code": "w",\n    "message": "m-w"\n  }\n' +
      ']\n',
  );
  assert.equal(formatJson([]), '[]\n');
});

test('hasErrors is true only for error severity', () => {
  assert.equal(hasErrors([d('a', 1, 1, 'warning', 'w'), d('a', 1, 1, 'info', 'i')]), false);
  assert.equal(hasErrors([d('a', 1, 1, 'warning', 'w'), d('a', 2, 1, 'error', 'e')]), true);
  assert.equal(hasErrors([]), false);
});

test('dedupe drops exact repeats only', () => {
  const a = d('a', 1, 1, 'error', 'e');
  const b = { ...a, col: 2 };
  assert.deepEqual(dedupeDiagnostics([a, { ...a }, b]), [a, b]);
});
