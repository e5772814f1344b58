/**
 * A director in a lab node run by tsvs or by keepalived 2.2.7 from the same keepalived.conf, seen
 * through what both print: `(VI_1) Entering MASTER|BACKUP|FAULT STATE`.
 */
import { readFileSync } from 'node:fs';
import { ApiClient } from '../../src/api/client.js';
import type { VrrpStatusReport } from '../../src/api/vrrp-routes.js';
import { type Lab, type LabProcess, until } from './lab.js';

export type Impl = 'tsvs' | 'keepalived';

const STATE_LINE = /\((\w+)\) Entering (MASTER|BACKUP|FAULT) STATE/;

export class LabDirector {
  proc: LabProcess | null = null;
  private api: string | null = null;
  private vrrpPidFile: string | null = null;

  constructor(
    readonly lab: Lab,
    readonly node: string,
    readonly impl: Impl,
    private conf: string,
  ) {}

  get label(): string {
    return `${this.impl}@${this.node}`;
  }

  start(): this {
    const file = this.lab.file(`${this.node}.conf`, this.conf);
    if (this.impl === 'tsvs') {
      const p = this.lab.tsvs(this.node, file);
      this.proc = p;
      this.api = p.api;
    } else {
      const p = this.lab.keepalived(this.node, file);
      this.proc = p;
      this.vrrpPidFile = p.vrrpPidFile;
    }
    return this;
  }

  reconfigure(conf: string): void {
    this.conf = conf;
  }

  /** Rewrite the configuration file and send SIGHUP. */
  reload(conf: string): void {
    this.conf = conf;
    this.lab.file(`${this.node}.conf`, conf);
    this.proc!.signal('SIGHUP');
  }

  /** The last state the director announced, or null. */
  state(instance = 'VI_1'): string | null {
    const lines = this.proc?.lines ?? [];
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = STATE_LINE.exec(lines[i]!);
      if (m && m[1] === instance) return m[2]!;
    }
    return null;
  }

  /** Wait until it announces `state` (after line `from`); returns performance.now() of that line. */
  async waitState(state: string, timeoutMs: number, from = 0): Promise<number> {
    const p = this.proc!;
    const i = await p.waitFor(new RegExp(`\\(VI_1\\) Entering ${state} STATE`), timeoutMs, from);
    return p.times[i]!;
  }

  /** Lines printed so far (a mark for waitState). */
  mark(): number {
    return this.proc?.lines.length ?? 0;
  }

  /** SIGTERM and wait for the process to end. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.child.exitCode !== null) return;
    p.signal('SIGTERM');
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, 8_000))]);
  }

  /** kill -9 of whatever sends the adverts (keepalived: its VRRP child, then the parent). */
  async kill9(): Promise<void> {
    const p = this.proc!;
    if (this.impl === 'keepalived' && this.vrrpPidFile) {
      const child = Number(readFileSync(this.vrrpPidFile, 'utf8').trim());
      if (child > 0) process.kill(child, 'SIGKILL');
    }
    p.signal('SIGKILL');
    await p.exited;
  }

  alive(): boolean {
    return !!this.proc && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  /** tsvs only: GET /v1/vrrp. */
  async status(): Promise<VrrpStatusReport> {
    if (!this.api) throw new Error(`${this.label} has no API`);
    return new ApiClient({ kind: 'unix', path: this.api }, { timeoutMs: 2_000 }).get<VrrpStatusReport>('/v1/vrrp');
  }

  /** tsvs only: wait until its API answers. */
  async ready(timeoutMs = 20_000): Promise<void> {
    if (this.impl !== 'tsvs') return;
    const ok = await until(async () => this.status().then(() => true, () => false), timeoutMs, 50);
    if (!ok) throw new Error(`${this.label}: API not up; output:\n${this.proc?.lines.join('\n')}`);
  }
}
