/**
 * The stack of open configuration files: the main file and `include` globs, after keepalived 2.2.7
 * lib/parser.c (open_glob_file, open_and_check_glob, get_next_file). Relative patterns resolve
 * against the including file's directory. Cycles and runaway nesting, which keepalived does not
 * guard against, are refused here.
 */
import type { DiagnosticSink, Loc } from './diagnostics.js';
import { compareBytes, dirname, expandBraces, hasBrace, hasWildcard, resolve } from './path.js';

/** include_t bits: readable, must match, wildcard must match, every brace alternative must match. */
export const INCLUDE_R = 1;
export const INCLUDE_M = 2;
export const INCLUDE_W = 4;
export const INCLUDE_B = 8;
export const INCLUDE_ALL = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;

export interface FileIo {
  readFile(path: string): string | null;
  /** Paths matching a brace-free glob pattern (*, ?, [..]); order does not matter. */
  glob(pattern: string): string[];
}

/** One file being read, line by line (lines are cut on demand rather than kept). */
export interface OpenFile {
  readonly path: string;
  readonly text: string;
  /** Offset of the next line in `text`. */
  pos: number;
  /** Number of lines read so far (the current line number). */
  next: number;
  /** Remaining pieces of an over-long line, read before the next line of this file. */
  readonly chunks: string[];
}

/** The next line of `f` (without its '\n'), or null at the end of the file. */
export function readLine(f: OpenFile): string | null {
  if (f.pos > f.text.length || (f.pos === f.text.length && f.next > 0)) return null;
  let end = f.text.indexOf('\n', f.pos);
  if (end < 0) end = f.text.length;
  const line = f.text.slice(f.pos, end);
  f.pos = end + 1;
  f.next++;
  return line;
}

interface Frame {
  /** The include line (or the start of the main file). */
  readonly at: Loc;
  readonly includeType: number;
  readonly savedCheck: number;
  readonly matches: readonly string[];
  nextMatch: number;
  file: OpenFile | null;
}

export class FileStack {
  private readonly frames: Frame[] = [];
  /** Texts read while resolving literal include paths, used when the file is opened. */
  private readonly prefetched = new Map<string, string>();
  /** include_check from global_defs: extra checks applied to every include. */
  includeCheck = 0;
  /** Every file opened, in order. */
  readonly opened: string[] = [];
  /** The text of every file read, by path. */
  readonly texts = new Map<string, string>();

  constructor(
    private readonly io: FileIo,
    private readonly sink: DiagnosticSink,
    private readonly maxDepth: number,
  ) {}

  get current(): OpenFile | null {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!.file;
      if (f) return f;
    }
    return null;
  }

  get depth(): number {
    return this.frames.length;
  }

  /** Open the main configuration file. False when it cannot be read. */
  openRoot(path: string): boolean {
    const text = this.io.readFile(path);
    if (text === null) return false;
    const at = { file: path, line: 1, col: 1 };
    this.frames.push({ at, includeType: INCLUDE_ALL, savedCheck: 0, matches: [path], nextMatch: 1, file: null });
    this.attach(this.frames[0]!, path, text);
    return true;
  }

  /** Handle an `include` line: glob `pattern` relative to the current file and start reading. */
  include(pattern: string, includeType: number, at: Loc): void {
    const cur = this.current;
    const dir = cur ? dirname(cur.path) : '.';
    const checks = this.includeCheck | includeType;
    const fail = (type: number, message: string): void => {
      if (checks & type) this.sink.error('include-failed', message, at, 'keepalived -t exits with status 6 when a checked include fails');
      else this.sink.warning('include-missing', message, at);
    };
    if (this.frames.length >= this.maxDepth) {
      this.sink.error('include-depth', `Includes nested more than ${this.maxDepth} deep - skipping '${pattern}'`, at);
      return;
    }
    const alternatives = expandBraces(pattern);
    const matches: string[] = [];
    let missing = 0;
    for (const alt of alternatives) {
      const abs = resolve(dir, alt);
      let found: string[];
      if (hasWildcard(abs)) found = this.io.glob(abs).slice().sort(compareBytes);
      else {
        const text = this.io.readFile(abs);
        if (text !== null) this.prefetched.set(abs, text);
        found = text !== null ? [abs] : [];
      }
      if (found.length === 0 && !hasWildcard(abs)) missing++;
      matches.push(...found);
    }
    if (matches.length === 0) {
      if (missing > 0) fail(hasBrace(pattern) ? INCLUDE_B : INCLUDE_M, `Config files missing '${pattern}'.`);
      else fail(INCLUDE_W, `No config files matched '${pattern}'.`);
      return;
    }
    if (missing > 0) {
      fail(INCLUDE_B, `Some config files missing: "${pattern}".`);
      if (checks & INCLUDE_B) return;
    }
    const frame: Frame = { at, includeType, savedCheck: this.includeCheck, matches, nextMatch: 0, file: null };
    this.frames.push(frame);
    if (!this.openNext(frame)) this.frames.pop();
  }

  /** Advance to the next file when the current one is exhausted. False at the very end. */
  advance(): boolean {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return false;
      frame.file = null;
      // keepalived restores include_check as each included file ends (end_file).
      this.includeCheck = frame.savedCheck;
      if (this.openNext(frame)) return true;
      this.frames.pop();
      if (this.frames.length === 0) return false;
      if (this.current) return true;
    }
  }

  private openNext(frame: Frame): boolean {
    const at = frame.at;
    const checks = this.includeCheck | frame.includeType;
    while (frame.nextMatch < frame.matches.length) {
      const path = frame.matches[frame.nextMatch++]!;
      if (this.frames.some((f) => f.file?.path === path)) {
        // COMPAT(keepalived): keepalived has no cycle check; it re-reads the file until it runs
        // out of file descriptors ("open problem (Too many open files) - skipping", a warning
        // that does not fail -t). tsvs reads the cycle once and warns.
        this.sink.warning('include-cycle', `Configuration file '${path}' includes itself - skipping`, at, 'keepalived would re-read it until it runs out of file descriptors');
        continue;
      }
      const text = this.prefetched.get(path) ?? this.io.readFile(path);
      this.prefetched.delete(path);
      if (text === null) {
        const message = `Configuration file '${path}' open problem - skipping`;
        if (checks & INCLUDE_R) this.sink.error('include-failed', message, at);
        else this.sink.warning('include-missing', message, at);
        continue;
      }
      this.attach(frame, path, text);
      return true;
    }
    return false;
  }

  private attach(frame: Frame, path: string, text: string): void {
    this.texts.set(path, text);
    frame.file = { path, text, pos: 0, next: 0, chunks: [] };
    this.opened.push(path);
  }
}
