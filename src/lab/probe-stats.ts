/**
 * What the client's curl loop saw, summed up: answers per real server, and every gap — a run of
 * requests without an answer — with its length, measured from the last answered request before it
 * to the first answered one after it (send times). Pure.
 */

/** One request of the probe: when it was sent (ms, monotonic), and the answer's name or null. */
export interface ProbeSample {
  readonly t: number;
  readonly answer: string | null;
  /** Why there was no answer (timeout, refused, ...). */
  readonly error?: string;
}

export interface ProbeGap {
  /** Send time of the last answered request before the gap (or of the first failure, at the start). */
  readonly from: number;
  /** Send time of the first answered request after it; null while the gap lasts. */
  readonly to: number | null;
  readonly lost: number;
  /** to − from, or null when the gap had not ended. */
  readonly ms: number | null;
}

export interface ProbeSummary {
  readonly requests: number;
  readonly answered: number;
  readonly lost: number;
  /** Answers per name, in the order names first appeared. */
  readonly shares: ReadonlyArray<readonly [string, number]>;
  readonly gaps: readonly ProbeGap[];
  /** The longest finished or unfinished gap (ms), 0 when none. */
  readonly maxGapMs: number;
}

export function summarize(samples: readonly ProbeSample[]): ProbeSummary {
  const counts = new Map<string, number>();
  const gaps: ProbeGap[] = [];
  let lastOk: number | null = null;
  let open: { from: number; lost: number } | null = null;
  for (const s of samples) {
    if (s.answer === null) {
      if (open) open.lost++;
      else open = { from: lastOk ?? s.t, lost: 1 };
      continue;
    }
    counts.set(s.answer, (counts.get(s.answer) ?? 0) + 1);
    if (open) {
      gaps.push({ from: open.from, to: s.t, lost: open.lost, ms: s.t - open.from });
      open = null;
    }
    lastOk = s.t;
  }
  if (open) gaps.push({ from: open.from, to: null, lost: open.lost, ms: null });
  const lost = gaps.reduce((a, g) => a + g.lost, 0);
  const end = samples.at(-1)?.t ?? 0;
  const maxGapMs = gaps.reduce((m, g) => Math.max(m, g.ms ?? end - g.from), 0);
  return { requests: samples.length, answered: samples.length - lost, lost, shares: [...counts], gaps, maxGapMs };
}

/** The answer as the probe shows it: the page's first non-empty line, trimmed. */
export function answerName(body: string): string {
  return body.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

/** "100ms", "1s", "1.5s", "250" (ms) → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) return null;
  const v = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return Number.isFinite(v) && v > 0 ? Math.round(v) : null;
}

/** The summary as text lines: shares with percentages, then each gap. */
export function formatSummary(s: ProbeSummary): string {
  const lines = [`${s.requests} requests, ${s.answered} answered, ${s.lost} lost`];
  for (const [name, n] of s.shares) lines.push(`  ${name}: ${n} (${s.answered ? ((100 * n) / s.answered).toFixed(1) : '0.0'}%)`);
  if (s.gaps.length === 0) lines.push('  no gap');
  for (const g of s.gaps) lines.push(`  gap: ${g.ms === null ? 'still open' : `${g.ms} ms`}, ${g.lost} request${g.lost === 1 ? '' : 's'} lost`);
  return `${lines.join('\n')}\n`;
}
