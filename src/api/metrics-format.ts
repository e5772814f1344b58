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

/** Collects families in order; each family's HELP and TYPE lines are written once, before its samples. */
export class Exposition {
  /** Per family: its HELP/TYPE header and samples, appended as one string (V8 joins them cheaply). */
  private readonly families = new Map<string, { text: string }>();

  /** Declare a family; samples may be added to it later in any order. */
  family(name: string, type: MetricType, help: string): (value: number, labels?: Labels | LabelText, suffix?: string) => void {
    let f = this.families.get(name);
    if (!f) {
      f = { text: `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n` };
      this.families.set(name, f);
    }
    const target = f;
    return (value, labels = '', suffix = '') => {
      target.text += `${name}${suffix}${typeof labels === 'string' ? labels : formatLabels(labels)} ${formatValue(value)}\n`;
    };
  }

  text(): string {
    let out = '';
    for (const f of this.families.values()) out += f.text;
    return out;
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
