/**
 * The entry point: parseKeepalivedConfig(path, options) → { model, diagnostics }. Pure: files are
 * read through the injected `readFile` / `glob`, randomness (${_RANDOM}) comes from a seed, and
 * nothing throws — every problem is a located diagnostic.
 */
import { SeededRng } from '../../core/rng.js';
import { completeGroups, completeServers } from './complete_lvs.js';
import { completeVrrp } from './complete_vrrp.js';
import { type Diagnostic, DiagnosticSink } from './diagnostics.js';
import { Engine } from './engine.js';
import { RULE_START_PRIORITY } from './ip-rule.js';
import { newGlobal } from './global_defs.js';
import { Lexer } from './lexer.js';
import { type GlobalDefs, type KeepalivedConfig, deepFreeze } from './model.js';
import { rootBlock } from './root.js';
import { checkScriptSecurity } from './security.js';
import type { GlobalDraft, ParseState } from './state.js';
import { completeTrackFiles } from './track_file.js';

export interface ParseOptions {
  /** File contents, or null when the file cannot be read. */
  readonly readFile: (path: string) => string | null;
  /** Paths matching a glob pattern (*, ?, [...]; braces are expanded before the call). */
  readonly glob: (pattern: string) => string[];
  /** `-i` config id for `@id` lines; defaults to the host name up to its first dot, else none. */
  readonly configId?: string | null;
  /** Host name (default router_id and config id). */
  readonly hostname?: string | null;
  /** Interfaces that exist; when given, interface names are checked as keepalived -t does. */
  readonly interfaces?: readonly string[];
  /** Whether a script's program exists (default: assume it does). */
  readonly scriptExists?: (program: string) => boolean;
  /** Seed for ${_RANDOM} (default 0). */
  readonly seed?: number;
  readonly maxIncludeDepth?: number;
  readonly maxGeneratedLines?: number;
}

export interface ParseResult {
  readonly model: KeepalivedConfig;
  readonly diagnostics: readonly Diagnostic[];
}

function shortHost(h: string | null | undefined): string | null {
  return h ? (h.split('.')[0] ?? null) : null;
}

function finishGlobal(g: GlobalDraft, hostname: string | null | undefined): GlobalDefs {
  // `loc` (where global_defs first appeared) and `vrrpVersionLoc` are parse-time only.
  const { loc, vrrpVersionLoc, ...rest } = g;
  return {
    ...rest,
    routerId: g.routerId ?? shortHost(hostname),
    vrrpGarpLowerPrioDelay: g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay,
    vrrpGarpLowerPrioRepeat: g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat,
  };
}

/** Start offsets of the lines of a text (computed only for files that have diagnostics). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Keep every location inside the file it names (1-based line and column within the text). */
function clamp(d: Diagnostic, texts: ReadonlyMap<string, string>, starts: Map<string, number[]>): Diagnostic {
  const text = texts.get(d.file);
  if (text === undefined) return d.line >= 1 && d.col >= 1 ? d : { ...d, line: Math.max(1, d.line), col: Math.max(1, d.col) };
  let st = starts.get(d.file);
  if (!st) starts.set(d.file, (st = lineStarts(text)));
  const line = Math.min(Math.max(1, d.line), st.length);
  const lineEnd = line < st.length ? st[line]! - 1 : text.length;
  const col = Math.min(Math.max(1, d.col), lineEnd - st[line - 1]! + 1);
  return line === d.line && col === d.col ? d : { ...d, line, col };
}

function run(path: string, opts: ParseOptions, sink: DiagnosticSink, texts: Map<string, string>): KeepalivedConfig {
  const rng = new SeededRng(opts.seed ?? 0);
  const configId = opts.configId !== undefined ? opts.configId : shortHost(opts.hostname);
  // The lexer reports into the same list through a sink of its own: reading a line (quotes,
  // includes...) is never skipped by keepalived, so its findings stay errors in skipped blocks.
  const lexer = new Lexer(
    { readFile: opts.readFile, glob: opts.glob, configId, random: () => rng.next32() >>> 1, maxIncludeDepth: opts.maxIncludeDepth ?? 32, maxGeneratedLines: opts.maxGeneratedLines ?? 100_000 },
    new DiagnosticSink(sink.items),
  );
  const state: ParseState = {
    sink, global: newGlobal(), scripts: [], syncGroups: [], instances: [], vsGroups: [], servers: [], otherBlocks: [], trackFiles: [],
    interfaces: opts.interfaces ? new Set(opts.interfaces) : null,
    missingInterface: false,
    scriptExists: opts.scriptExists ?? null,
    include: { setCheck: (b) => (lexer.files.includeCheck = b), getCheck: () => lexer.files.includeCheck },
    nextRulePriority: { 4: RULE_START_PRIORITY, 6: RULE_START_PRIORITY },
  };
  if (!lexer.open(path)) {
    // COMPAT(keepalived): `keepalived -t -f missing.conf` prints "Config files missing" and exits 0
    // (keepalived issue #955); tsvs treats an unreadable main file as an error.
    sink.error('file-not-found', `Config files missing '${path}'.`, { file: path, line: 1, col: 1 });
  } else new Engine(lexer, sink).run(rootBlock(state));
  // keepalived -t stops its VRRP process when an interface does not exist, before the checks
  // that complete VRRP instances; the model is still built but those findings are not reported.
  const vrrpSink = state.missingInterface ? new DiagnosticSink() : sink;
  if (state.missingInterface) {
    const first = sink.items.find((d) => d.code === 'unknown-interface')!;
    sink.error('unknown-interface', 'Non-existent interface specified in configuration', first, 'keepalived -t checks the interfaces of the host it runs on');
  }
  const vrrp = completeVrrp({ ...state, sink: vrrpSink });
  const body = {
    globalDefs: finishGlobal(state.global, opts.hostname),
    vrrpScripts: vrrp.scripts,
    vrrpSyncGroups: vrrp.syncGroups,
    vrrpInstances: vrrp.instances,
    virtualServerGroups: completeGroups(state),
    virtualServers: completeServers(state),
    trackFiles: completeTrackFiles(state),
    otherBlocks: state.otherBlocks.map((b) => ({ keyword: b.keyword, name: b.name, loc: b.loc })),
  };
  for (const [p, text] of lexer.files.texts) texts.set(p, text);
  checkScriptSecurity(body, state.scripts, state.instances.length > 0 && !state.missingInterface, state.servers.length > 0, sink, state.scriptExists);
  return { files: [...new Set(lexer.files.opened)], ...body };
}

const EMPTY_MODEL = (path: string): KeepalivedConfig => ({
  files: [path], globalDefs: finishGlobal(newGlobal(), null), vrrpScripts: [], vrrpSyncGroups: [], vrrpInstances: [],
  virtualServerGroups: [], virtualServers: [], trackFiles: [], otherBlocks: [],
});

/** Parse and validate a keepalived.conf (and what it includes). Never throws. */
export function parseKeepalivedConfig(path: string, opts: ParseOptions): ParseResult {
  const sink = new DiagnosticSink();
  const texts = new Map<string, string>();
  let model: KeepalivedConfig;
  try {
    model = run(path, opts, sink, texts);
  } catch (e) {
    sink.error('internal-error', `Internal parser error: ${e instanceof Error ? e.message : String(e)}`, { file: path, line: 1, col: 1 });
    model = EMPTY_MODEL(path);
  }
  const starts = new Map<string, number[]>();
  return { model: deepFreeze(model), diagnostics: deepFreeze(sink.items.map((d) => clamp(d, texts, starts))) };
}
