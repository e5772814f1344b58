/**
 * The keepalived.conf line reader (keepalived 2.2.7 lib/parser.c read_line): physical lines are
 * read from the file stack, de-commented, filtered by `@id` / `@^id`, scanned for `$NAME=`
 * definitions, `~SEQ` / `~LST` generators, `$NAME` substitution and `include`, then split so that
 * every `{` and `}` stands on a line of its own. Each resulting logical line carries its words
 * with file, line and column. The reader never throws; problems become diagnostics.
 */
import { decomment } from './decomment.js';
import { Definitions, MAX_LINE } from './defs.js';
import type { DiagnosticSink, Loc } from './diagnostics.js';
import { type Generator, parseLst, parseSeq } from './generators.js';
import { FileStack, type FileIo, INCLUDE_B, INCLUDE_M, INCLUDE_R, INCLUDE_W, type OpenFile, readLine } from './include.js';
import { dirname } from './path.js';
import { Piece } from './piece.js';
import { type Word, splitWords } from './words.js';

export interface LexerOptions extends FileIo {
  /** The config id compared with `@id` lines; null matches no `@id` (and every `@^id`). */
  readonly configId: string | null;
  /** Uniform integers in [0, 2^31) for ${_RANDOM}. */
  readonly random: () => number;
  readonly maxIncludeDepth: number;
  readonly maxGeneratedLines: number;
}

/** One logical line: a keyword and its parameters, or a lone brace. */
export interface Line {
  readonly piece: Piece;
  readonly words: readonly Word[];
  /** An escaped `\#` / `\!` was unescaped; keepalived's child processes read the rest as a comment. */
  readonly unescapedComment: boolean;
}

interface Pending {
  readonly lines: string[];
  next: number;
  readonly at: Loc;
  readonly seqDepth: number;
}

const MAX_RECHECKS = 64;
const BRACE_OR_QUOTE = /[{}"]/;

export class Lexer {
  readonly files: FileStack;
  /** Braces opened and not yet closed (read_line's block_depth), with where each was opened. */
  readonly openBraces: Loc[] = [];
  private readonly defs: Definitions;
  private residue: { piece: Piece; unescaped: boolean } | null = null;
  private readonly gens: Generator[] = [];
  private generated = 0;
  private multilineSeqDepth = 0;
  private pending: Pending | null = null;
  private readonly pendingStack: Pending[] = [];
  private multilineDef: ReturnType<Definitions['define']> = null;
  private unescaped = false;

  constructor(
    private readonly opts: LexerOptions,
    private readonly sink: DiagnosticSink,
  ) {
    this.files = new FileStack(opts, sink, opts.maxIncludeDepth);
    this.defs = new Definitions({
      pwd: () => dirname(this.files.current?.path ?? '.'),
      instance: opts.configId ?? '',
      random: opts.random,
    });
  }

  /** Start reading the main file; false when it cannot be read. */
  open(path: string): boolean {
    return this.files.openRoot(path);
  }

  /** The next logical line, or null at the end of all input. */
  next(): Line | null {
    for (;;) {
      const src = this.source();
      if (src === null) return null;
      let piece = src;
      if (this.multilineDef) {
        this.appendDefinitionLine(piece.text);
        continue;
      }
      if (piece.text.length === 0) continue;
      piece = this.process(piece);
      if (piece.text.length === 0) continue;
      if (this.isInclude(piece)) continue;
      return this.finish(piece);
    }
  }

  /** Where the reader is (for end-of-input findings). */
  here(): Loc {
    const f = this.files.current;
    if (!f) return { file: this.files.opened[0] ?? '', line: 1, col: 1 };
    return { file: f.path, line: Math.max(1, f.next), col: 1 };
  }

  private source(): Piece | null {
    for (;;) {
      this.unescaped = false;
      if (this.residue) {
        const r = this.residue;
        this.residue = null;
        this.unescaped = r.unescaped;
        return r.piece;
      }
      if (this.gens.length > this.multilineSeqDepth) {
        const g = this.generate();
        if (g) return g;
        continue;
      }
      if (this.pending) return this.nextPending(this.pending);
      return this.physical();
    }
  }

  /** The next generated line, or null when the innermost generator has just run out. */
  private generate(): Piece | null {
    const gen = this.gens[this.gens.length - 1]!;
    const values = gen.next();
    if (values === null) {
      this.gens.pop();
      return null;
    }
    if (++this.generated > this.opts.maxGeneratedLines) {
      const at = { file: gen.text.file, line: gen.text.line, col: gen.text.col(0) };
      this.sink.error('bad-generator', `~SEQ/~LST would generate more than ${this.opts.maxGeneratedLines} lines - stopping`, at);
      this.gens.length = 0;
      this.multilineSeqDepth = 0;
      return null;
    }
    gen.vars.forEach((v, i) => this.defs.set(v, values[i] ?? ''));
    return gen.text;
  }

  private nextPending(p: Pending): Piece {
    const text = p.lines[p.next++] ?? '';
    if (p.next >= p.lines.length) {
      const outer = this.pendingStack.pop() ?? null;
      this.pending = outer;
      this.multilineSeqDepth = outer ? outer.seqDepth : 0;
    }
    return Piece.synthetic(text, p.at.file, p.at.line, p.at.col);
  }

  /** The next non-blank physical line, de-commented; null at the end of input. */
  private physical(): Piece | null {
    for (;;) {
      const f = this.files.current;
      if (!f) return null;
      let raw: string;
      let lineNo: number;
      if (f.chunks.length > 0) {
        raw = f.chunks.shift()!;
        lineNo = f.next;
      } else {
        const line = readLine(f);
        if (line === null) {
          if (!this.files.advance()) return null;
          continue;
        }
        lineNo = f.next;
        raw = this.readRaw(line, f, lineNo);
      }
      if (raw.length === 0) {
        if (this.multilineDef) this.endDefinition();
        continue;
      }
      const d = decomment(new Piece(raw, f.path, lineNo, 1));
      // (decomment returns the same piece object when there is nothing to strip)
      if (d.openQuote >= 0) {
        const at = { file: f.path, line: lineNo, col: d.piece.col(d.openQuote) };
        this.sink.error('unterminated-quote', `Unterminated quote '${d.quotedText}'`, at);
      }
      if (d.piece.text.length === 0) continue;
      this.unescaped = d.unescapedComment;
      return d.piece;
    }
  }

  /**
   * A physical line as fgets() into a 1024-byte buffer delivers it: CR/LF removed, cut at a NUL,
   * and split into pieces of at most 1023 bytes (the later pieces wait in the file's `chunks`).
   */
  private readRaw(line: string, f: OpenFile, lineNo: number): string {
    const file = f.path;
    let raw = line.endsWith('\r') ? line.replace(/\r+$/, '') : line;
    const nul = raw.indexOf('\0');
    if (nul >= 0) {
      this.sink.warning('embedded-nul', 'Line contains a NUL character; the rest of it is ignored', { file, line: lineNo, col: nul + 1 });
      raw = raw.slice(0, nul);
    }
    if (raw.length < (MAX_LINE - 1) / 4 || utf8Length(raw) <= MAX_LINE - 1) return raw;
    this.sink.warning('line-too-long', `Line is longer than ${MAX_LINE - 1} bytes; keepalived reads it as several lines`, { file, line: lineNo, col: 1 });
    const parts = chunkUtf8(raw, MAX_LINE - 1);
    f.chunks.push(...parts.slice(1));
    return parts[0] ?? '';
  }

  private appendDefinitionLine(text: string): void {
    const def = this.multilineDef!;
    let line = text;
    let more = false;
    if (line.endsWith('\\')) {
      line = `${line.slice(0, -1).replace(/[ \t]+$/, '')}\n`;
      more = true;
    }
    if (line.length >= 2 || (line.length > 0 && !more)) def.value += line;
    if (!more) this.endDefinition();
  }

  private endDefinition(): void {
    const def = this.multilineDef;
    if (def && def.value.length === 0) def.multiline = false;
    this.multilineDef = null;
  }

  /** `@id` filtering, definitions, generators and substitution (the inner loop of read_line). */
  private process(start: Piece): Piece {
    let piece = start;
    for (let rounds = 0; ; rounds++) {
      if (piece.text[0] === '@') {
        const rev = piece.text[1] === '^';
        const ofs = rev ? 2 : 1;
        const m = /[ \t]/.exec(piece.text.slice(ofs));
        if (!m) return piece.slice(0, 0);
        const id = piece.text.slice(ofs, ofs + m.index);
        const matches = this.opts.configId !== null && id === this.opts.configId;
        if (matches === rev) return piece.slice(0, 0);
        let i = ofs + m.index;
        while (piece.text[i] === ' ' || piece.text[i] === '\t') i++;
        piece = piece.slice(i);
      }
      if (piece.text[0] === '$') {
        const def = this.defs.define(piece.text);
        if (def) {
          if (def.multiline) this.multilineDef = def;
          return piece.slice(0, 0);
        }
      }
      if (piece.text.startsWith('~SEQ') || piece.text.startsWith('~LST')) {
        this.addGenerator(piece);
        return piece.slice(0, 0);
      }
      if (piece.text[0] === '~' || !piece.text.includes('$')) return piece;
      const r = this.defs.replace(piece, 4096);
      if (r.kind === 'unchanged') return piece;
      const at = { file: piece.file, line: piece.line, col: piece.col(piece.text.indexOf('$')) };
      if (r.kind === 'too-long') {
        this.sink.warning('substitution-too-long', `Parameter substitution on line '${r.piece.text}' would exceed maximum line length`, at, 'keepalived only logs this and keeps the line as substituted so far');
        return r.piece;
      }
      if (r.kind === 'loop' || rounds >= MAX_RECHECKS) {
        this.sink.error('substitution-loop', 'Parameter substitution does not terminate (a definition refers to itself)', at);
        return piece.slice(0, 0);
      }
      if (r.rest !== null) this.startMultiline(r.rest, at);
      const d = decomment(r.piece);
      piece = d.piece;
      if (d.unescapedComment) this.unescaped = true;
      if (piece.text[0] !== '@' && !piece.text.includes('$')) return piece;
    }
  }

  private startMultiline(rest: string, at: Loc): void {
    if (this.pending) this.pendingStack.push(this.pending);
    this.pending = { lines: rest.split('\n'), next: 0, at, seqDepth: this.multilineSeqDepth };
    this.multilineSeqDepth = this.gens.length;
  }

  private addGenerator(piece: Piece): void {
    const seq = piece.text[1] === 'S';
    const r = seq ? parseSeq(piece, (s) => this.substitute(piece, s)) : parseLst(piece);
    if (r.ok) {
      this.gens.push(r.gen);
      return;
    }
    const at = { file: piece.file, line: piece.line, col: piece.col(0) };
    const message = r.message || `Invalid ${seq ? '~SEQ' : '~LST'} specification '${piece.text}'`;
    this.sink.error('bad-generator', message, at);
  }

  private substitute(piece: Piece, text: string): string {
    const r = this.defs.replace(Piece.synthetic(text, piece.file, piece.line, piece.base), 64);
    return r.kind === 'unchanged' ? text : r.piece.text;
  }

  /** check_include(): `include`, `includer`, `includem`, `includew`, `includeb`, `includea`. */
  private isInclude(piece: Piece): boolean {
    const t = piece.text;
    if (!t.startsWith('include') || t.length <= 7) return false;
    const c7 = t[7]!;
    let type = 0;
    let rest: number;
    if (/\s/.test(c7)) rest = 8;
    else if ('rmwba'.includes(c7) && t.length > 8 && /\s/.test(t[8]!)) {
      rest = 9;
      type = { r: INCLUDE_R, m: INCLUDE_R | INCLUDE_M, w: INCLUDE_R | INCLUDE_M | INCLUDE_W, b: INCLUDE_R | INCLUDE_B }[c7 as 'r' | 'm' | 'w' | 'b'] ?? INCLUDE_R | INCLUDE_M | INCLUDE_B | INCLUDE_W;
    } else return false;
    while (t[rest] === ' ' || t[rest] === '\t') rest++;
    this.files.include(t.slice(rest), type, { file: piece.file, line: piece.line, col: piece.col(0) });
    return true;
  }

  /** Split off any text after the first brace outside quotes, count braces and cut into words. */
  private finish(full: Piece): Line {
    let piece = full;
    const t = piece.text;
    let brace = -1;
    const c0 = t.charCodeAt(0);
    if (c0 === 123 || c0 === 125) brace = 0;
    else {
      for (let i = t.search(BRACE_OR_QUOTE); i >= 0 && i < t.length; ) {
        if (t.charCodeAt(i) !== 34) {
          brace = i;
          break;
        }
        const close = t.indexOf('"', i + 1);
        if (close < 0) break;
        const next = t.slice(close + 1).search(BRACE_OR_QUOTE);
        i = next < 0 ? -1 : close + 1 + next;
      }
    }
    if (brace >= 0) {
      let cut = brace;
      if (brace === 0) {
        cut = 1;
        while (t[cut] === ' ' || t[cut] === '\t') cut++;
      }
      if (cut < t.length) {
        this.residue = { piece: piece.slice(cut).trimEnd(), unescaped: this.unescaped };
        piece = piece.slice(0, cut);
      }
    }
    piece = piece.trimEnd();
    const at = { file: piece.file, line: piece.line, col: piece.col(0) };
    if (piece.text === '{') this.openBraces.push(at);
    else if (piece.text === '}') {
      if (this.openBraces.length === 0) this.sink.error('extra-brace', "Extra '}' found", at);
      else this.openBraces.pop();
    }
    const split = splitWords(piece);
    if (split.unmatchedQuoteCol >= 0) {
      this.sink.error('unmatched-quote', `Unmatched quote: '${piece.text}'`, { ...at, col: split.unmatchedQuoteCol });
    }
    return { piece, words: split.words, unescapedComment: this.unescaped };
  }
}

/** Cut `s` into pieces of at most `max` UTF-8 bytes (never inside a character). */
function chunkUtf8(s: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + n > max) {
      out.push(s.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += n;
    if (pair) i++;
  }
  out.push(s.slice(start));
  return out;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}
