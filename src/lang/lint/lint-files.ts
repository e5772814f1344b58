/**
 * `tsvs lint` without the I/O: parse each file (the parser's diagnostics are keepalived -t's
 * findings), add lint's own per-node checks, and cross-check the files as the nodes of one
 * cluster when there are two or more. File reading and globbing are injected.
 */
import { parseKeepalivedConfig } from '../keepalived/index.js';
import { crossCheck } from './cross-check.js';
import { dedupeDiagnostics, sortDiagnostics } from './format.js';
import { nodeView } from './from-model.js';
import { checkHealthPorts } from './health-port.js';
import { refineOldNameHints } from './old-names.js';
import type { NodeView } from './node-view.js';
import type { LintDiagnostic } from './types.js';

export interface LintFileIo {
  /** File contents, or null when it cannot be read. */
  readonly readFile: (path: string) => string | null;
  /** Paths matching a brace-free glob pattern. */
  readonly glob: (pattern: string) => string[];
}

/**
 * Facts about the host keepalived would run on. `tsvs lint` leaves them out (it checks the files,
 * not the machine it runs on); the differential test supplies the ones keepalived -t saw.
 */
export interface HostFacts {
  /** Interfaces that exist (unknown interface names become errors, as in keepalived -t). */
  readonly interfaces?: readonly string[];
  /** Whether a script's program exists (missing ones are skipped, as keepalived does). */
  readonly scriptExists?: (program: string) => boolean;
}

export interface LintOptions {
  /** config-id for `@id` conditional lines (keepalived's `-i`). */
  readonly configId: string;
  readonly io: LintFileIo;
  readonly host?: HostFacts;
}

export interface NodeLint {
  readonly diagnostics: LintDiagnostic[];
  readonly node: NodeView;
}

/** Lint one file on its own: parser findings (old keyword names get a better hint) plus the per-node checks. */
export function lintNode(path: string, opts: LintOptions): NodeLint {
  const { model, diagnostics } = parseKeepalivedConfig(path, {
    readFile: opts.io.readFile,
    glob: opts.io.glob,
    configId: opts.configId,
    ...(opts.host?.interfaces === undefined ? {} : { interfaces: opts.host.interfaces }),
    ...(opts.host?.scriptExists === undefined ? {} : { scriptExists: opts.host.scriptExists }),
  });
  return { diagnostics: [...refineOldNameHints(diagnostics), ...checkHealthPorts(model)], node: nodeView(path, model) };
}

/** Lint every file, then cross-check them as one cluster; sorted, exact repeats removed. */
export function lintFiles(paths: readonly string[], opts: LintOptions): LintDiagnostic[] {
  const results = paths.map((p) => lintNode(p, opts));
  const all = results.flatMap((r) => r.diagnostics);
  if (results.length >= 2) all.push(...crossCheck(results.map((r) => r.node)));
  return sortDiagnostics(dedupeDiagnostics(all));
}
