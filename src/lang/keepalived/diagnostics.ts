/**
 * Located configuration diagnostics with stable codes.
 *
 * Severity rule (keepalived.md §1.11, §1.12): a finding is an `error` exactly when keepalived 2.2.7
 * itself reports it through `report_config_error` with a status that makes `keepalived -t` exit
 * non-zero (any reported configuration error does: exit 5; a missing parameter aborts with 2; a
 * failed checked include or a script-security violation gives 6). Findings keepalived accepts
 * silently, or only logs, are `warning` (probably a mistake) or `info` (worth knowing).
 */

export type Severity = 'error' | 'warning' | 'info';

/** Stable diagnostic codes. Tools match on these; messages may be reworded. */
export type DiagnosticCode =
  // lexical and structural
  | 'unterminated-quote'
  | 'unmatched-quote'
  | 'line-too-long'
  | 'embedded-nul'
  | 'unknown-keyword'
  | 'unexpected-brace'
  | 'extra-brace'
  | 'missing-brace'
  | 'unclosed-block'
  | 'block-not-skipped'
  | 'extra-words'
  | 'block-extra-parameters'
  | 'missing-parameter'
  // include / definitions / generators
  | 'file-not-found'
  | 'include-failed'
  | 'include-missing'
  | 'include-cycle'
  | 'include-depth'
  | 'bad-definition'
  | 'substitution-too-long'
  | 'substitution-loop'
  | 'bad-generator'
  // values
  | 'invalid-number'
  | 'out-of-range'
  | 'bad-address'
  | 'bad-value'
  | 'value-adjusted'
  | 'deprecated'
  | 'duplicate'
  | 'conflict'
  | 'not-found'
  | 'missing-required'
  | 'unused'
  | 'default-applied'
  | 'ignored'
  | 'unknown-interface'
  | 'script-security'
  // surprises keepalived accepts silently
  | 'master-default-priority'
  | 'single-quote'
  // a defect in this parser (never expected; reported rather than thrown)
  | 'internal-error';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
  /** 1-based column in that line (may be one past its last character for end-of-line findings). */
  readonly col: number;
  readonly hint?: string;
}

/** Where something was written: file, 1-based line and column. */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * Collects diagnostics in the order they are found. Several sinks may share one list (the lexer's
 * and the block walker's), so that only the walker's findings are affected by skipped().
 */
export class DiagnosticSink {
  /** Notes of the blocks keepalived would skip that are being read now, outermost first. */
  private readonly skippedBlocks: string[] = [];

  constructor(readonly items: Diagnostic[] = []) {}

  add(severity: Severity, code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    let sev = severity;
    let why = hint;
    const note = this.skippedBlocks[0];
    if (note !== undefined && sev === 'error') {
      sev = 'warning';
      why = hint === undefined ? note : `${note}; ${hint}`;
    }
    const d: Diagnostic =
      why === undefined
        ? { severity: sev, code, message, file: at.file, line: at.line, col: at.col }
        : { severity: sev, code, message, file: at.file, line: at.line, col: at.col, hint: why };
    this.items.push(d);
  }

  error(code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    this.add('error', code, message, at, hint);
  }

  warning(code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    this.add('warning', code, message, at, hint);
  }

  info(code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    this.add('info', code, message, at, hint);
  }

  /**
   * Read a block keepalived skips without looking inside (skip_block): `read` reports what it
   * finds, errors as warnings carrying `note` (keepalived -t would not report them).
   */
  skipped(note: string, read: () => void): void {
    this.skippedBlocks.push(note);
    try {
      read();
    } finally {
      this.skippedBlocks.pop();
    }
  }

  /** Whether a skipped block is being read. */
  get inSkippedBlock(): boolean {
    return this.skippedBlocks.length > 0;
  }
}

/** True when any diagnostic is an error (what `keepalived -t` turns into a non-zero exit). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * The exit status `keepalived -t` (2.2.7) would give for these findings: 0 clean, 2 when a keyword
 * lacks its parameter (parsing aborts), 6 for a failed checked include or a script-security
 * violation (the highest-numbered status wins, keepalived.md §1.12), else 5 for any other error.
 */
export function configTestExitCode(diagnostics: readonly Diagnostic[]): 0 | 2 | 5 | 6 {
  let worst: 0 | 5 | 6 = 0;
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    if (d.code === 'missing-parameter') return 2;
    if (d.code === 'include-failed' || d.code === 'script-security') worst = 6;
    else if (worst === 0) worst = 5;
  }
  return worst;
}
