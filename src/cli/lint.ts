/**
 * `tsvs lint FILE... [--json] [--config-id ID]`: check keepalived.conf files the way
 * `keepalived -t` does, with locations and hints; given several files (the nodes of one cluster),
 * also check that they agree with each other.
 *
 * Exit status: 0 no errors (warnings alone are fine), 1 errors found, 2 usage error or a FILE
 * that cannot be read.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { globSync } from '../adapters/fs-glob.js';
import { formatJson, formatText, hasErrors } from '../lang/lint/format.js';
import { lintFiles } from '../lang/lint/lint-files.js';

export const LINT_USAGE = 'usage: tsvs lint FILE... [--json] [--config-id ID]\n';

export interface LintIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** config-id when --config-id is not given (keepalived: the node name up to the first '.'). */
  readonly defaultConfigId: () => string;
}

const processIo: LintIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  defaultConfigId: () => hostname().split('.')[0] ?? '',
};

interface LintArgs {
  readonly files: string[];
  readonly json: boolean;
  readonly configId: string | undefined;
}

/** Parse the arguments; a string is the usage error to report. */
export function parseLintArgs(args: readonly string[]): LintArgs | string {
  const files: string[] = [];
  let json = false;
  let configId: string | undefined;
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (optionsDone || !a.startsWith('-') || a === '-') files.push(a);
    else if (a === '--') optionsDone = true;
    else if (a === '--json') json = true;
    else if (a === '--config-id') {
      const v = args[++i];
      if (v === undefined || v === '') return `option '${a}' needs a value`;
      configId = v;
    } else if (a.startsWith('--config-id=')) {
      configId = a.slice('--config-id='.length);
      if (configId === '') return "option '--config-id' needs a value";
    } else return `unknown option '${a}'`;
  }
  if (files.length === 0) return 'no FILE given';
  return { files, json, configId };
}

/** Reads a file as keepalived would open it: a regular file, or null (missing, directory...). */
function readConfig(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Why FILE cannot be linted, or undefined when it can be read. */
function unreadable(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`;
  }
}

export async function lintCommand(args: string[], io: LintIo = processIo): Promise<number> {
  const parsed = parseLintArgs(args);
  if (typeof parsed === 'string') {
    io.err(`tsvs lint: ${parsed}\n${LINT_USAGE}`);
    return 2;
  }
  const problems = parsed.files.flatMap((f) => {
    const why = unreadable(f);
    return why === undefined ? [] : [`tsvs lint: ${f}: ${why}\n`];
  });
  if (problems.length > 0) {
    io.err(problems.join(''));
    return 2;
  }
  // COMPAT(keepalived): keepalived -t also checks the host it runs on (interfaces exist, script
  // programs exist). tsvs lint checks the files only, as if every named interface and program
  // exists, so the same cluster files give the same answer on any machine
  // (test/keepalived-diff.test.ts lists the corpus files where this changes the verdict).
  const diagnostics = lintFiles(parsed.files, {
    configId: parsed.configId ?? io.defaultConfigId(),
    io: { readFile: readConfig, glob: globSync },
  });
  io.out(parsed.json ? formatJson(diagnostics) : formatText(diagnostics));
  return hasErrors(diagnostics) ? 1 : 0;
}
