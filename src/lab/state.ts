/**
 * The lab's state directory (/run/tsvs/lab/<scenario>/ as root): configuration files, logs, API
 * sockets, and one record per process the lab started (pid + kernel start time, so `down` from
 * another shell or after a crash stops exactly those processes and never a recycled pid).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function labRoot(): string {
  if (process.getuid?.() === 0) return '/run/tsvs/lab';
  return join(process.env['XDG_RUNTIME_DIR'] || tmpdir(), 'tsvs', 'lab');
}

/** A scenario's state directory; the name must be a plain file name (`down` removes this directory). */
export function stateDir(scenario: string, root = labRoot()): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(scenario)) throw new Error(`not a scenario name: '${scenario}'`);
  return join(root, scenario);
}

/** Every scenario's state directory under the lab root. */
export function stateDirs(root = labRoot()): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name));
}

/**
 * Remove every state directory: once the namespaces are gone no scenario is up, and a stale
 * scenario.json would make currentScenario() (probe, fail, heal) name a lab that is not there.
 */
export function removeStateDirs(root = labRoot()): void {
  for (const dir of stateDirs(root)) rmSync(dir, { recursive: true, force: true });
}

export interface ProcRecord {
  readonly node: string;
  /** What it is: tsvs, http, decap, probe. */
  readonly name: string;
  readonly pid: number;
  /** Field 22 of /proc/PID/stat: tells this process from a later one with the same pid. */
  readonly startTime: string;
  readonly argv: readonly string[];
}

const RECORD = '.proc.json';

export function recordProcess(dir: string, p: ProcRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${p.node}-${p.name}.pid`), `${p.pid}\n`);
  writeFileSync(join(dir, `${p.node}-${p.name}${RECORD}`), JSON.stringify(p));
}

export function forgetProcess(dir: string, node: string, name: string): void {
  rmSync(join(dir, `${node}-${name}.pid`), { force: true });
  rmSync(join(dir, `${node}-${name}${RECORD}`), { force: true });
}

export function processRecord(dir: string, node: string, name: string): ProcRecord | null {
  try {
    return JSON.parse(readFileSync(join(dir, `${node}-${name}${RECORD}`), 'utf8')) as ProcRecord;
  } catch {
    return null;
  }
}

export function processRecords(dir: string): ProcRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(RECORD))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcRecord];
      } catch {
        return [];
      }
    });
}

/** The scenario the lab is up with (from the state files), or null. */
export function currentScenario(root = labRoot()): string | null {
  if (!existsSync(root)) return null;
  const up = readdirSync(root).filter((d) => existsSync(join(root, d, 'scenario.json')));
  return up[0] ?? null;
}

export interface UpRecord {
  readonly scenario: string;
  /** Director node → keepalived.conf path actually used (the scenario's or --config DIR's). */
  readonly configs: Readonly<Record<string, string>>;
}

export function writeUpRecord(dir: string, r: UpRecord): void {
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(r, null, 2));
}

export function readUpRecord(dir: string): UpRecord | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as UpRecord;
  } catch {
    return null;
  }
}
