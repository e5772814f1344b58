/**
 * A piece of configuration text that remembers where each character came from, so tokens keep
 * their file, line and column through comment stripping, `@id` removal, `$NAME` substitution,
 * generators and brace splitting. Unedited text maps by offset from `base`; edited text carries an
 * explicit column per offset.
 */
export class Piece {
  constructor(
    readonly text: string,
    readonly file: string,
    readonly line: number,
    /** Column of text[0] when `map` is null. */
    readonly base: number,
    /** Column of each offset (length text.length + 1) once the text has been edited. */
    readonly map: readonly number[] | null = null,
  ) {}

  /** Column of the character at `offset` (offsets past the end clamp to one past the last). */
  col(offset: number): number {
    const o = offset < 0 ? 0 : offset > this.text.length ? this.text.length : offset;
    if (this.map === null) return this.base + o;
    return this.map[o] ?? this.map[this.map.length - 1] ?? this.base;
  }

  private columns(): number[] {
    if (this.map !== null) return this.map.slice();
    const out = new Array<number>(this.text.length + 1);
    for (let i = 0; i <= this.text.length; i++) out[i] = this.base + i;
    return out;
  }

  /** The text from `start` to `end`. */
  slice(start: number, end = this.text.length): Piece {
    const text = this.text.slice(start, end);
    if (this.map === null) return new Piece(text, this.file, this.line, this.base + start);
    const map = this.map.slice(start, start + text.length + 1);
    while (map.length < text.length + 1) map.push(map[map.length - 1] ?? this.base);
    return new Piece(text, this.file, this.line, map[0] ?? this.base, map);
  }

  /** Replace text[start, end) by `insert`; inserted characters take the column of text[start]. */
  splice(start: number, end: number, insert: string): Piece {
    const cols = this.columns();
    const at = cols[start] ?? this.base;
    const map = cols.slice(0, start);
    for (let i = 0; i < insert.length; i++) map.push(at);
    for (let i = end; i < cols.length; i++) map.push(cols[i]!);
    const text = this.text.slice(0, start) + insert + this.text.slice(end);
    return new Piece(text, this.file, this.line, map[0] ?? this.base, map);
  }

  /** Same text with trailing blanks removed. */
  trimEnd(): Piece {
    let end = this.text.length;
    while (end > 0 && (this.text.charCodeAt(end - 1) === 32 || this.text.charCodeAt(end - 1) === 9)) end--;
    return end === this.text.length ? this : this.slice(0, end);
  }

  /** Text standing for a piece that all maps to column `col` of `file:line` (generated lines). */
  static synthetic(text: string, file: string, line: number, col: number): Piece {
    return new Piece(text, file, line, col, new Array<number>(text.length + 1).fill(col));
  }
}
