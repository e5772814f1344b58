/** Checks of a scenario's test and their verdict text (pure). */

export interface Check {
  readonly name: string;
  readonly pass: boolean;
  /** The numbers behind the verdict. */
  readonly detail: string;
}

export function check(name: string, pass: boolean, detail: string): Check {
  return { name, pass, detail };
}

const show = (xs: readonly (string | null)[]): string => xs.map((x) => x ?? '(no answer)').join(', ');

export function sequenceCheck(expected: readonly string[], got: readonly (string | null)[]): Check {
  const pass = expected.length === got.length && expected.every((e, i) => e === got[i]);
  return check('answers in scheduler order', pass, pass ? show(got) : `expected ${show(expected)}; got ${show(got)}`);
}

/** Exact answer counts (a share 1:1:2:2 over 12 requests is 2, 2, 4, 4). */
export function sharesCheck(expected: Readonly<Record<string, number>>, got: readonly (string | null)[]): Check {
  const counts = new Map<string, number>();
  for (const g of got) counts.set(g ?? '(no answer)', (counts.get(g ?? '(no answer)') ?? 0) + 1);
  const names = [...new Set([...Object.keys(expected), ...counts.keys()])];
  const pass = names.every((n) => (expected[n] ?? 0) === (counts.get(n) ?? 0));
  const text = (f: (n: string) => number): string => names.map((n) => `${n}=${f(n)}`).join(' ');
  return check('answers per real server', pass, pass ? text((n) => counts.get(n) ?? 0) : `expected ${text((n) => expected[n] ?? 0)}; got ${text((n) => counts.get(n) ?? 0)}`);
}

export function sameAnswerCheck(name: string, got: readonly (string | null)[]): Check {
  const first = got[0] ?? null;
  const pass = got.length > 0 && first !== null && got.every((g) => g === first);
  return check(name, pass, pass ? `${got.length} × ${first}` : `got ${show(got)}`);
}

/** A line of ipvsadm output matches when it starts with `want`, runs of blanks counted as one. */
export function lineCheck(name: string, output: string, want: string): Check {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ');
  const pass = output.split('\n').some((l) => norm(l).startsWith(norm(want)));
  return check(name, pass, pass ? `has "${norm(want)}"` : `no line "${norm(want)}" in:\n${output}`);
}

export function formatVerdict(scenario: string, checks: readonly Check[]): string {
  const lines = checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail.replace(/\n/g, '\n        ')}`);
  const failed = checks.filter((c) => !c.pass).length;
  lines.push(failed === 0 ? `${scenario}: PASS (${checks.length} checks)` : `${scenario}: FAIL (${failed} of ${checks.length} checks failed)`);
  return `${lines.join('\n')}\n`;
}
