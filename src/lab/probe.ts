/**
 * The probe from the client's namespace (agents/probe.ts), its JSON lines read back as samples.
 * `probeFor` collects until stopped; `requests` runs a fixed number one after the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { agentArgv, childEnv } from './processes.js';
import { nsName, until } from './shell.js';
import type { ProbeSample } from './probe-stats.js';

export interface ProbeLine extends ProbeSample {
  readonly i: number;
  readonly ms: number;
}

export class RunningProbe {
  readonly samples: ProbeLine[] = [];
  private readonly child: ChildProcess;
  readonly done: Promise<void>;
  private stderr = '';

  constructor(node: string, url: string, intervalMs: number, count: number, timeoutMs: number, onLine?: (l: ProbeLine) => void) {
    this.child = spawn('ip', ['netns', 'exec', nsName(node), ...agentArgv('probe', [url, String(intervalMs), String(count), String(timeoutMs)])], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    let buf = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (c: string) => {
      buf += c;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const j = JSON.parse(line) as { i: number; t: number; ms: number; answer?: string; error?: string };
          const s: ProbeLine = { i: j.i, t: j.t, ms: j.ms, answer: j.answer ?? null, ...(j.error ? { error: j.error } : {}) };
          this.samples.push(s);
          onLine?.(s);
        } catch {
          // Not a probe line.
        }
      }
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += String(c)));
    this.done = new Promise((resolve, reject) => {
      this.child.on('exit', (code, sig) => (code === 0 || sig ? resolve() : reject(new Error(`probe exited ${code}: ${this.stderr.slice(-1000)}`))));
      // A spawn that fails emits 'error' and never 'exit'.
      this.child.on('error', (e) => reject(new Error(`probe did not start: ${e.message}`)));
    });
  }

  /** Samples in send order. */
  sorted(): ProbeLine[] {
    return [...this.samples].sort((a, b) => a.t - b.t || a.i - b.i);
  }

  /** Answers received so far whose send time is after `t`. */
  answeredAfter(t: number): ProbeLine[] {
    return this.samples.filter((s) => s.t >= t && s.answer !== null);
  }

  /** ms since the probe started, as its own clock counts (last line's send time). */
  lastT(): number {
    return this.samples.reduce((m, s) => Math.max(m, s.t), 0);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.done.catch(() => {});
  }
}

/**
 * The probe's lines as a person reads them: send time, the answer with its round trip (or why
 * there was none), and a marker when answers come back after a gap of more than 1.5 intervals.
 */
export function probeLinePrinter(out: (t: string) => void, intervalMs: number): (l: ProbeLine) => void {
  let lastOk: number | null = null;
  return (l) => {
    const at = `${(l.t / 1000).toFixed(1).padStart(7)} s`;
    if (l.answer === null) return out(`${at}  no answer (${l.error ?? 'error'})\n`);
    if (lastOk !== null && l.t - lastOk > intervalMs * 1.5) out(`${at}  -- answers again after ${l.t - lastOk} ms\n`);
    lastOk = Math.max(lastOk ?? 0, l.t);
    out(`${at}  ${l.answer}  (${l.ms} ms)\n`);
  };
}

/** `count` requests one after the other (each a new connection); the answers in order. */
export async function requests(node: string, url: string, count: number, timeoutMs = 2_000): Promise<ProbeLine[]> {
  const p = new RunningProbe(node, url, 0, count, timeoutMs);
  await p.done;
  return p.sorted();
}

/** A probe whose samples can be placed on this process's clock. */
export class TimedProbe {
  readonly probe: RunningProbe;
  private readonly recv = new Map<number, number>();

  constructor(node: string, url: string, intervalMs: number, timeoutMs: number) {
    this.probe = new RunningProbe(node, url, intervalMs, 0, timeoutMs, (l) => this.recv.set(l.i, performance.now()));
  }

  /** This process's clock → the probe's clock (the smallest receive delay seen is taken as 0). */
  toProbe(now: number): number {
    let offset = Infinity;
    for (const s of this.probe.samples) offset = Math.min(offset, this.recv.get(s.i)! - s.t - s.ms);
    return now - offset;
  }

  /** Wait until the probe has sent a few requests, answered or not. */
  async started(): Promise<void> {
    await until(() => this.probe.samples.length >= 3, 15_000);
  }

  async warm(): Promise<void> {
    if (!(await until(() => this.probe.samples.filter((x) => x.answer !== null).length >= 5, 15_000))) throw new Error(`the probe got no answers before the failure: ${JSON.stringify(this.probe.samples.slice(-3))}`);
  }

  /** Wait until requests sent after probe-time `t` have been answered for `stableMs`. */
  async resumed(t: number, stableMs: number, timeoutMs: number): Promise<boolean> {
    return until(() => {
      const after = this.probe.answeredAfter(t);
      return after.length > 0 && this.probe.lastT() - after[0]!.t >= stableMs;
    }, timeoutMs, 50);
  }
}

