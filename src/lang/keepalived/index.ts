/**
 * keepalived.conf as a language: parse and validate (parse.ts), the typed frozen model
 * (model.ts), located diagnostics with stable codes (diagnostics.ts), and the IPVS operations a
 * configuration programs (to-ops.ts).
 */
export { parseKeepalivedConfig, type ParseOptions, type ParseResult } from './parse.js';
export { toIpvsOps, initialDests, serviceSpec, serviceKey, destSpec } from './to-ops.js';
export { configTestExitCode, hasErrors, type Diagnostic, type DiagnosticCode, type Loc, type Severity } from './diagnostics.js';
export type * from './model.js';
export { memoryFiles, type MemoryFiles } from './memory-files.js';
