/**
 * The generic block walker: keepalived 2.2.7's process_stream() over keyword tables. It reproduces
 * keepalived's handling of braces (a block's `{` may be on the keyword's line or the next one; a
 * missing `{` is reported and the line parsed anyway; a stray `{` is ignored; `}` ends the current
 * block), of unknown keywords (reported, and a following `{...}` is NOT skipped: its `}` closes the
 * enclosing block), and of skipped blocks (brace-counted without looking inside).
 */
import { decomment } from './decomment.js';
import type { DiagnosticCode, DiagnosticSink, Loc, Severity } from './diagnostics.js';
import type { Lexer, Line } from './lexer.js';
import { suggest } from './suggest.js';
import { type Block, type Call, type Keyword, type ValueEntry, lookup, names } from './table.js';
import { type Word, splitWords } from './words.js';

/** Hints for unknown keywords that are common real-world mistakes (keepalived.md §2.10). */
const KNOWN_MISTAKES: Readonly<Record<string, string>> = {
  nb_get_retry: "use 'retry' (nb_get_retry is accepted, as deprecated, only in HTTP_GET and SSL_GET)",
  nat_mask: 'keepalived has no nat_mask; persistence_granularity sets the persistence netmask',
  net_mask: 'keepalived has no net_mask; persistence_granularity sets the persistence netmask',
  lvs_id: "lvs_id was removed from keepalived; use router_id",
  nb_sock_retry: "use 'retry'",
  virtual_ipaddresses: "did you mean 'virtual_ipaddress'?",
  auth_hmac: 'auth_hmac exists only in keepalived 2.4 and later',
};

/** Thrown by Call.arg() for a missing parameter; caught around each handler. */
class MissingParameter extends Error {}

export class Engine {
  private skipSublevel = 0;
  private level = 0;
  /** The unknown keyword seen on the previous line of the current block, if any. */
  private lastUnknown: { word: string; block: string } | null = null;
  /** Lines at the top level and in global_defs are read by keepalived's parent process. */
  private parentProcess = true;
  /** Set by readSkippedBlock() for the block of the keyword being handled. */
  private skippedNote: string | null = null;

  constructor(
    private readonly lexer: Lexer,
    private readonly sink: DiagnosticSink,
  ) {}

  /** Parse the whole input against the root table. */
  run(root: Block<unknown>): void {
    this.stream(root, false);
    const open = this.lexer.openBraces;
    if (open.length > 0) {
      this.sink.error('unclosed-block', `There are ${open.length} missing '}'s or extra '{'s`, open[0]!, 'a block opened here is never closed');
    }
  }

  private next(): Line | null {
    return this.lexer.next();
  }

  /** process_stream(): returns true when the block was skipped to its end. */
  private stream(block: Block<unknown>, needBob: boolean): boolean {
    let need = needBob;
    let line: Line | null;
    while ((line = this.next()) !== null) {
      line = this.effective(line);
      const words = line.words;
      if (words.length === 0) continue;
      let str = words[0]!.text;
      if (this.skipSublevel === -1) {
        if (str === '{') {
          this.skipSublevel = 1;
          need = false;
          continue;
        }
        this.skipSublevel = 0;
      }
      if (this.skipSublevel !== 0) {
        for (const w of words) {
          str = w.text;
          if (str === '{') this.skipSublevel++;
          else if (str === '}' && --this.skipSublevel === 0) break;
        }
        if (str === '}' && this.skipSublevel === 0 && this.level > 0) return true;
        continue;
      }
      const at = loc(line, words[0]!);
      const unknown = this.lastUnknown;
      this.lastUnknown = null;
      if (need) {
        need = false;
        if (str === '{' && this.level > 0) continue;
        this.sink.error('missing-brace', "Missing '{' at beginning of configuration block", at, `'${block.name}' opens a block: put '{' after it`);
      } else if (str === '{') {
        this.sink.error('unexpected-brace', "Unexpected '{' - ignoring", at);
        // In a block keepalived skips, braces are only counted: the stray block is skipped too.
        if (this.sink.inSkippedBlock) this.skipStrayBlock();
        else if (unknown) this.blockNotSkipped(unknown, block, at);
        continue;
      }
      if (str === '}' && this.level > 0) break;
      const kw = lookup(block, str);
      if (!kw) {
        this.unknownKeyword(block, str, at);
        continue;
      }
      this.dispatch(block, kw, line, words);
    }
    return false;
  }

  private dispatch(block: Block<unknown>, kw: Keyword<unknown>, line: Line, all: readonly Word[]): void {
    let words = all;
    let bobNeeded = false;
    if (kw.sub) {
      if (words.length > 1 && words[words.length - 1]!.text === '{') words = words.slice(0, -1);
      else bobNeeded = true;
    }
    const target = block.target();
    this.skippedNote = null;
    if (kw.run && target !== null) {
      this.call(kw, target, line, words);
      if (words.length > kw.maxWords) this.extraWords(kw, line, words);
    }
    const note = this.skippedNote;
    this.skippedNote = null;
    if (!kw.sub) return;
    const sub = kw.sub();
    if (note === null) this.subBlock(sub, bobNeeded);
    else this.sink.skipped(note, () => this.subBlock(sub, bobNeeded));
  }

  private subBlock(sub: Block<unknown>, bobNeeded: boolean): void {
    const savedParent = this.parentProcess;
    if (this.level === 0) this.parentProcess = sub.parentProcess === true;
    this.level++;
    const skipped = this.stream(sub, bobNeeded);
    this.level--;
    this.parentProcess = savedParent;
    if (!skipped && sub.close) {
      const t = sub.target();
      if (t !== null) sub.close(t);
    }
  }

  /** One Call object, re-aimed at each line (handlers do not keep it). */
  private readonly lineCall = new LineCall(this);

  private call(kw: Keyword<unknown>, target: unknown, line: Line, words: readonly Word[]): void {
    try {
      kw.run!(target, this.lineCall.aim(kw, line, words));
    } catch (e) {
      if (!(e instanceof MissingParameter)) throw e;
    }
  }

  /** Report keepalived's fatal "missing a parameter" and abandon the handler. */
  missing(kw: Keyword<unknown>, line: Line, words: readonly Word[], i: number): never {
    const prev = words[i - 1]!.text;
    this.sink.error(
      'missing-parameter',
      `*** Configuration line starting \`${words[0]!.text}\` is missing a parameter after keyword \`${prev}\` at word position ${i + 1}`,
      loc(line, words[i - 1]!, true),
      `'${kw.name}' needs a value; keepalived stops reading the configuration here (exit status 2)`,
    );
    throw new MissingParameter();
  }

  report(severity: Severity, code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    this.sink.add(severity, code, message, at, hint);
  }

  skip(): void {
    this.skipSublevel = -1;
  }

  readSkipped(note: string): void {
    this.skippedNote = note;
  }

  /** Read past the block a stray '{' opened, to its matching '}'. */
  private skipStrayBlock(): void {
    let depth = 1;
    let line: Line | null;
    while (depth > 0 && (line = this.next()) !== null) {
      for (const w of this.effective(line).words) {
        if (w.text === '{') depth++;
        else if (w.text === '}' && --depth === 0) break;
      }
    }
  }

  /** alloc_value_block(): entries, one per line, until the closing `}`. */
  valueBlock(opener: Line, words: readonly Word[], from: number): ValueEntry[] {
    const entries: ValueEntry[] = [];
    let needBob = true;
    if (words.length > from) {
      if (words[from]!.text === '{') needBob = false;
      else {
        const what = from === 1 ? words[0]!.text : '(null)';
        const msg = `Block ${what} has extra parameters ${words[from]!.text} ...`;
        this.sink.error('block-extra-parameters', msg, loc(opener, words[from]!), `'${words[0]!.text}' takes no further parameters`);
      }
    }
    let line: Line | null;
    while ((line = this.next()) !== null) {
      line = this.effective(line);
      let vec = line.words;
      if (vec.length === 0) continue;
      if (needBob) {
        needBob = false;
        if (vec[0]!.text === '{') {
          if (vec.length === 1) continue;
          vec = vec.slice(1);
        } else {
          const msg = `'{' missing from beginning of block ${words[0]!.text}`;
          this.sink.warning('missing-brace', msg, loc(line, vec[0]!), 'keepalived only logs this and reads the line as an entry');
        }
      }
      let end = false;
      if (vec[vec.length - 1]!.text === '}') {
        if (vec.length === 1) break;
        end = true;
        vec = vec.slice(0, -1);
      }
      if (vec.length > 0) entries.push(new Entry(line, vec));
      if (end) break;
    }
    return entries;
  }

  /** The line as the process that owns the block sees it (see Block.parentProcess). */
  private effective(line: Line): Line {
    if (!line.unescapedComment || this.parentProcess) return line;
    const piece = decomment(line.piece).piece;
    return { piece, words: splitWords(piece).words, unescapedComment: false };
  }

  private unknownKeyword(block: Block<unknown>, word: string, at: Loc): void {
    const s = word === '}' ? undefined : suggest(word, names(block));
    const where = this.level === 0 ? 'at the top level' : `in ${block.name}`;
    const known = KNOWN_MISTAKES[word];
    const hint = known ?? (s ? `did you mean '${s}'?` : word === '}' ? 'this closes no block' : `'${word}' is not a keyword ${where}`);
    this.sink.error('unknown-keyword', `Unknown keyword '${word}'`, at, hint);
    this.lastUnknown = { word, block: block.name };
  }

  private blockNotSkipped(unknown: { word: string }, block: Block<unknown>, at: Loc): void {
    const effect =
      this.level === 0
        ? "its lines are read as top-level keywords and its '}' is reported as an unknown keyword"
        : `its lines are read as '${block.name}' keywords and its '}' ends '${block.name}' early`;
    this.sink.warning('block-not-skipped', `The block after unknown keyword '${unknown.word}' is not skipped: ${effect}`, at);
  }

  private extraWords(kw: Keyword<unknown>, line: Line, words: readonly Word[]): void {
    const used = words.slice(0, kw.maxWords).map((w) => w.text).join(' ');
    const extra = words.slice(kw.maxWords).map((w) => w.text).join(' ');
    const lastUsed = words[kw.maxWords - 1]!;
    if (!lastUsed.quoted && lastUsed.text.startsWith("'")) {
      this.sink.warning('single-quote', `Single quotes do not group words: '${kw.name}' gets ${lastUsed.text} and '${extra}' is ignored`, loc(line, lastUsed), 'use double quotes');
      return;
    }
    this.sink.warning(
      'extra-words',
      `Extra words after '${used}' are ignored: '${extra}'`,
      loc(line, words[kw.maxWords]!),
      'keepalived reads one keyword per line and silently ignores the rest',
    );
  }
}

/** The Call a keyword handler receives (a class, so no closures are made per line). */
class LineCall implements Call {
  private kw: Keyword<unknown> | null = null;
  line!: Line;
  words: readonly Word[] = [];

  constructor(private readonly engine: Engine) {}

  aim(kw: Keyword<unknown>, line: Line, words: readonly Word[]): this {
    this.kw = kw;
    this.line = line;
    this.words = words;
    return this;
  }

  has(i: number): boolean {
    return i < this.words.length;
  }

  at(i = 0): Loc {
    return loc(this.line, this.words[i] ?? this.words[0]!, i >= this.words.length);
  }

  arg(i: number): string {
    const w = this.words[i];
    return w ? w.text : this.engine.missing(this.kw!, this.line, this.words, i);
  }

  error(code: DiagnosticCode, message: string, i = 0, hint?: string): void {
    this.engine.report('error', code, message, this.at(i), hint);
  }

  warning(code: DiagnosticCode, message: string, i = 0, hint?: string): void {
    this.engine.report('warning', code, message, this.at(i), hint);
  }

  info(code: DiagnosticCode, message: string, i = 0, hint?: string): void {
    this.engine.report('info', code, message, this.at(i), hint);
  }

  valueBlock(from = 1): ValueEntry[] {
    return this.engine.valueBlock(this.line, this.words, from);
  }

  skipBlock(): void {
    this.engine.skip();
  }

  readSkippedBlock(note: string): void {
    this.engine.readSkipped(note);
  }
}

class Entry implements ValueEntry {
  constructor(
    readonly line: Line,
    readonly words: readonly Word[],
  ) {}

  at(i = 0): Loc {
    return loc(this.line, this.words[i] ?? this.words[0]!, i >= this.words.length);
  }
}

/** Location of a word (or just past the end of the line). */
export function loc(line: Line, w: Word, after = false): Loc {
  if (after) return { file: line.piece.file, line: line.piece.line, col: w.col + w.text.length + (w.quoted ? 2 : 0) };
  return { file: line.piece.file, line: line.piece.line, col: w.col };
}
