/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: the daemon's figures
 * are all computed on demand from snapshots, so a registry of live metric objects (prom-client)
 * would only add copying; a family is a name, a type, a help line and samples.
 */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'untyped';
export type Labels = Readonly<Record<string, string | number>>;

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NEEDS_ESCAPE = /[\\\n"]/;
const escapeLabel = (v: string): string => (NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v);
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function formatLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const k in labels) parts.push(`${k}="${escapeLabel(String(labels[k]))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** A label set formatted once (`{a="1",b="2"}` or ''), reused for every sample of a series group. */
export type LabelText = string;

/** `base` with one more label (base as formatLabels gives it). */
export function addLabel(base: LabelText, name: string, value: string): LabelText {
  const pair = `${name}="${escapeLabel(value)}"`;
  return base === '' ? `{${pair}}` : `${base.slice(0, -1)},${pair}}`;
}

/**
 * Bytes of one family: lines are gathered in a short string; once a family outgrows a few
 * kilobytes (the per-real-server families of a large table) the text is moved into 64 KiB chunks
 * of UTF-8, so there is neither a rope of thousands of small strings to flatten nor a second UTF-8
 * pass when the answer is sent (a 1,000-real-server scrape is ~25,000 lines). A small family (most
 * of them) never allocates a chunk: its text is written straight into the answer.
 */
class FamilyBytes {
  private static readonly CHUNK = 64 * 1024;
  private static readonly FLUSH_AT = 8 * 1024;
  private readonly done: Buffer[] = [];
  /** Allocated on the first flush only. */
  private cur: Buffer | null = null;
  private off = 0;
  private pending = '';
  /** Bytes in `done` and `cur` (the pending text is not counted). */
  private length = 0;

  add(line: string): void {
    this.pending += line;
    if (this.pending.length >= FamilyBytes.FLUSH_AT) this.flush();
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.cur === null || this.off + text.length * 3 > this.cur.length) {
      if (this.cur !== null) this.done.push(this.cur.subarray(0, this.off));
      this.cur = Buffer.allocUnsafe(Math.max(FamilyBytes.CHUNK, text.length * 3));
      this.off = 0;
    }
    const n = this.cur.write(text, this.off);
    this.off += n;
    this.length += n;
  }

  /** How many bytes writeTo() will write. */
  byteLength(): number {
    return this.length + Buffer.byteLength(this.pending);
  }

  /** Copy the family's bytes into `out` at `at`; returns the offset after them. */
  writeTo(out: Buffer, at: number): number {
    let o = at;
    for (const c of this.done) o += c.copy(out, o);
    if (this.cur !== null) o += this.cur.copy(out, o, 0, this.off);
    return o + out.write(this.pending, o);
  }
}

/**
 * Values computed per series (label texts) kept from one scrape to the next: a scrape uses what
 * the last one made and drops whatever it did not use, so the cache follows the table's size.
 */
export class ScrapeCache<V> {
  private last = new Map<string, V>();
  private now = new Map<string, V>();

  get(key: string, make: () => V): V {
    let v = this.now.get(key);
    if (v !== undefined) return v;
    v = this.last.get(key) ?? make();
    this.now.set(key, v);
    return v;
  }

  /** A scrape ended: keep what it used. */
  rotate(): void {
    this.last = this.now;
    this.now = new Map();
  }
}

/** Collects families in order; each family's HELP and TYPE lines are written once, before its samples. */
export class Exposition {
  private readonly families = new Map<string, FamilyBytes>();

  /** Declare a family; samples may be added to it later in any order. */
  family(name: string, type: MetricType, help: string): (value: number, labels?: Labels | LabelText, suffix?: string) => void {
    let f = this.families.get(name);
    if (!f) {
      f = new FamilyBytes();
      f.add(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
      this.families.set(name, f);
    }
    const target = f;
    return (value, labels = '', suffix = '') => {
      target.add(`${name}${suffix}${typeof labels === 'string' ? labels : formatLabels(labels)} ${formatValue(value)}\n`);
    };
  }

  /** The exposition as UTF-8 bytes (what GET /metrics sends). */
  bytes(): Buffer {
    let total = 0;
    for (const f of this.families.values()) total += f.byteLength();
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (const f of this.families.values()) at = f.writeTo(out, at);
    if (at !== total) throw new Error(`exposition: wrote ${at} bytes of ${total}`);
    return out;
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** One parsed sample (tests, the bench and anyone reading our own output back). */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parse exposition text into samples; throws on a malformed line. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    const body = m[3] ?? '';
    let lm: RegExpExecArray | null;
    let used = 0;
    while ((lm = re.exec(body)) !== null) {
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      used = re.lastIndex;
    }
    if (used !== body.length) throw new Error(`malformed labels: ${line}`);
    const v = m[4]!;
    samples.push({ name: m[1]!, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return samples;
}
