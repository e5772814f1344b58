/** `tsvs lab` argument parsing (pure): a command object, or a usage error as a string. */
import { parseDuration } from './probe-stats.js';
import type { FailHow } from './types.js';

export const LAB_USAGE = `usage: tsvs lab list
       tsvs lab up SCENARIO [--config DIR]
       tsvs lab probe [--interval 100ms] [--count N] [--timeout 1s]
       tsvs lab fail director|realserver NAME [--how kill|stop|link]
       tsvs lab heal director|realserver NAME
       tsvs lab test SCENARIO [--config DIR]
       tsvs lab down [SCENARIO]
`;

export type LabCommand =
  | { readonly cmd: 'list' }
  | { readonly cmd: 'up'; readonly scenario: string; readonly configDir: string | null }
  | { readonly cmd: 'probe'; readonly intervalMs: number; readonly count: number | null; readonly timeoutMs: number }
  | { readonly cmd: 'fail'; readonly target: 'director' | 'realserver'; readonly node: string; readonly how: FailHow }
  | { readonly cmd: 'heal'; readonly target: 'director' | 'realserver'; readonly node: string }
  | { readonly cmd: 'test'; readonly scenario: string; readonly configDir: string | null }
  | { readonly cmd: 'down'; readonly scenario: string | null };

/** Split `--name value` / `--name=value` options from positionals; unknown options are errors. */
function options(args: readonly string[], known: readonly string[]): { pos: string[]; opts: Map<string, string> } | string {
  const pos: string[] = [];
  const opts = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.includes(name)) return `unknown option '--${name}'`;
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) return `option '--${name}' needs a value`;
    opts.set(name, value);
  }
  return { pos, opts };
}

function target(t: string | undefined): 'director' | 'realserver' | null {
  return t === 'director' || t === 'realserver' ? t : null;
}

export function parseLabArgs(argv: readonly string[]): LabCommand | string {
  const [cmd, ...rest] = argv;
  const known = cmd === 'up' || cmd === 'test' ? ['config'] : cmd === 'probe' ? ['interval', 'count', 'timeout'] : cmd === 'fail' ? ['how'] : [];
  const o = options(rest, known);
  if (typeof o === 'string') return o;
  const { pos, opts } = o;
  const extra = (n: number): string | null => (pos.length > n ? `unexpected argument '${pos[n]}'` : null);
  switch (cmd) {
    case 'list':
      return extra(0) ?? { cmd };
    case 'up':
    case 'test':
      if (!pos[0]) return `${cmd}: which scenario? (tsvs lab list)`;
      if (extra(1)) return extra(1)!;
      return { cmd, scenario: pos[0], configDir: opts.get('config') ?? null };
    case 'down':
      return extra(1) ?? { cmd, scenario: pos[0] ?? null };
    case 'probe': {
      if (extra(0)) return extra(0)!;
      const intervalMs = parseDuration(opts.get('interval') ?? '100ms');
      const timeoutMs = parseDuration(opts.get('timeout') ?? '1s');
      if (intervalMs === null) return `bad --interval '${opts.get('interval')}' (e.g. 100ms, 1s)`;
      if (timeoutMs === null) return `bad --timeout '${opts.get('timeout')}' (e.g. 1s)`;
      const c = opts.get('count');
      if (c !== undefined && !/^[1-9]\d*$/.test(c)) return `bad --count '${c}'`;
      return { cmd, intervalMs, timeoutMs, count: c === undefined ? null : Number(c) };
    }
    case 'fail':
    case 'heal': {
      const t = target(pos[0]);
      if (!t) return `${cmd}: director or realserver?`;
      if (!pos[1]) return `${cmd} ${t}: which node?`;
      if (extra(2)) return extra(2)!;
      if (cmd === 'heal') return { cmd, target: t, node: pos[1] };
      const how = opts.get('how') ?? 'stop';
      if (how !== 'kill' && how !== 'stop' && how !== 'link') return `bad --how '${how}' (kill, stop or link)`;
      return { cmd, target: t, node: pos[1], how };
    }
    default:
      return `unknown lab command '${cmd ?? ''}'`;
  }
}
