/**
 * The diagnostic shape lint reports. It is the keepalived parser's diagnostic shape; lint adds
 * findings of its own (cross-node checks, health-check port) in the same form.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface LintDiagnostic {
  readonly severity: Severity;
  /** Stable identifier, e.g. `unknown-keyword`, `cluster-vrid-mismatch`. */
  readonly code: string;
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly hint?: string;
}
