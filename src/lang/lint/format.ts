/**
 * Text and JSON rendering of lint diagnostics, in the compiler convention editors understand:
 * `file:line:col: error|warning: message [code]`, then the hint (if any) on an indented line.
 */
import type { LintDiagnostic } from './types.js';

const SEVERITY_RANK: Readonly<Record<LintDiagnostic['severity'], number>> = { error: 0, warning: 1, info: 2 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order by file, line, column; then severity, code and message so the order is total. */
export function compareDiagnostics(a: LintDiagnostic, b: LintDiagnostic): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.col - b.col ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

export function sortDiagnostics(list: readonly LintDiagnostic[]): LintDiagnostic[] {
  return [...list].sort(compareDiagnostics);
}

/** Drop exact repeats (the same finding reported twice, e.g. by the parser and by a lint pass). */
export function dedupeDiagnostics(list: readonly LintDiagnostic[]): LintDiagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.severity}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `info` prints as `note`, the word compilers use for the lowest level. */
function severityWord(s: LintDiagnostic['severity']): string {
  return s === 'info' ? 'note' : s;
}

export function formatDiagnostic(d: LintDiagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${severityWord(d.severity)}: ${d.message} [${d.code}]\n`;
  return d.hint === undefined || d.hint === '' ? head : `${head}    hint: ${d.hint}\n`;
}

export function formatText(list: readonly LintDiagnostic[]): string {
  return sortDiagnostics(list).map(formatDiagnostic).join('');
}

/** The `--json` form: the sorted list, one object per diagnostic, keys in a fixed order. */
export function formatJson(list: readonly LintDiagnostic[]): string {
  const rows = sortDiagnostics(list).map((d) => ({
    file: d.file,
    line: d.line,
    col: d.col,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function hasErrors(list: readonly LintDiagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}
