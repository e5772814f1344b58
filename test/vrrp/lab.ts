/**
 * Network-namespace labs for the privileged VRRP tests, the observability tests and the failover
 * bench: a LAN namespace with a bridge, and node namespaces (directors, a client) each with `eth0`
 * on it. Everything is named `tsvs-[<tag>-]<id>-<node>`, created by the lab and removed by
 * `close()` even when a test fails; traffic stays inside. Processes started in the nodes are
 * tracked and killed by pid on close.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadNative } from '../../src/adapters/vrrp/native.js';

const ROOT = new URL('../../', import.meta.url).pathname;
export const KEEPALIVED = '/usr/sbin/keepalived';

/** Why privileged VRRP tests cannot run here, or null when they can. */
export function privilegeProblem(opts: { keepalived?: boolean } = {}): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, raw sockets)';
  const native = loadNative();
  if (!native.ok) return native.reason;
  if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (`ip`)';
  if (opts.keepalived && spawnSync(KEEPALIVED, ['--version']).status !== 0) return `needs keepalived at ${KEEPALIVED}`;
  return null;
}

/** Skip with the reason (or fail under CI=true, where skipping would hide a broken set-up). */
export function requirePrivileges(t: TestContext, opts: { keepalived?: boolean } = {}): boolean {
  const problem = privilegeProblem(opts);
  if (problem === null) return true;
  if (process.env['CI'] === 'true') throw new Error(`privileged VRRP test cannot run under CI: ${problem}`);
  t.skip(problem);
  return false;
}

function sh(args: readonly string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', input, timeout: 10_000 });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function must(args: readonly string[]): string {
  const r = sh(args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err.trim() || `exit ${r.code}`}`);
  return r.out;
}

/** A process running in a node, with its output kept line by line. */
export class LabProcess {
  readonly lines: string[] = [];
  /** performance.now() when each line arrived. */
  readonly times: number[] = [];
  private waiters: Array<() => void> = [];
  exited: Promise<number | null>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    const onData = (chunk: Buffer): void => {
      const now = performance.now();
      for (const l of chunk.toString('utf8').split('\n')) {
        if (l.trim() === '') continue;
        this.lines.push(l);
        this.times.push(now);
      }
      for (const w of this.waiters.splice(0)) w();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code);
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Wait until a line matches (counting from line `from`); the index of the matching line. */
  async waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.findIndex((l, i) => i >= from && re.test(l));
      if (hit >= 0) return hit;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) throw new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms; output:\n${this.lines.join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // Already gone.
    }
  }
}

export interface NodeSpec {
  readonly name: string;
  readonly address: string;
  readonly address6?: string;
  /** sysctl settings for the node (e.g. net.ipv4.ip_nonlocal_bind=1). */
  readonly sysctl?: readonly string[];
}

export interface LabOptions {
  /** Part of every name after `tsvs-`: keeps one suite's labs apart from another's. */
  readonly tag?: string;
}

export class Lab {
  readonly id: string;
  readonly dir: string;
  readonly lan: string;
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly procs: LabProcess[] = [];
  private closed = false;
  private runs = 0;

  private constructor(id: string, private readonly prefix: string) {
    this.id = id;
    this.lan = `${prefix}${id}-lan`;
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}lab-${id}-`));
  }

  /** Create the LAN and the nodes. On any failure everything created so far is removed. */
  static create(nodes: readonly NodeSpec[], opts: LabOptions = {}): Lab {
    const lab = new Lab(`${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`, opts.tag ? `tsvs-${opts.tag}-` : 'tsvs-');
    try {
      must(['ip', 'netns', 'add', lab.lan]);
      must(['ip', '-n', lab.lan, 'link', 'set', 'lo', 'up']);
      // No multicast snooping: 224.0.0.18 and ff02::12 reach every port.
      must(['ip', '-n', lab.lan, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
      must(['ip', '-n', lab.lan, 'link', 'set', 'br0', 'up']);
      for (const n of nodes) lab.addNode(n);
    } catch (e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  ns(node: string): string {
    return `${this.prefix}${this.id}-${node}`;
  }

  private addNode(n: NodeSpec): void {
    const ns = this.ns(n.name);
    this.nodes.set(n.name, n);
    must(['ip', 'netns', 'add', ns]);
    must(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    for (const s of n.sysctl ?? []) must(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', s]);
    must(['ip', 'link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', `p-${n.name}`, 'netns', this.lan]);
    must(['ip', '-n', this.lan, 'link', 'set', `p-${n.name}`, 'master', 'br0', 'up']);
    must(['ip', '-n', ns, 'addr', 'add', `${n.address}/24`, 'dev', 'eth0']);
    if (n.address6) must(['ip', '-n', ns, 'addr', 'add', `${n.address6}/64`, 'dev', 'eth0']);
    must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  }

  /** Run a command in a node and wait for it. */
  exec(node: string, args: readonly string[]): { code: number; out: string; err: string } {
    return sh(['ip', 'netns', 'exec', this.ns(node), ...args]);
  }

  /** The node's link between it and the LAN goes down / up (the LAN side, so the node sees carrier loss). */
  link(node: string, up: boolean): void {
    must(['ip', '-n', this.lan, 'link', 'set', `p-${node}`, up ? 'up' : 'down']);
  }

  mac(node: string): string {
    return (JSON.parse(must(['ip', '-n', this.ns(node), '-j', 'link', 'show', 'eth0'])) as Array<{ address: string }>)[0]!.address;
  }

  /** Addresses on eth0 of a node. */
  addresses(node: string): string[] {
    const j = JSON.parse(must(['ip', '-n', this.ns(node), '-j', 'addr', 'show', 'dev', 'eth0'])) as Array<{ addr_info: Array<{ local: string; label?: string }> }>;
    return j[0]!.addr_info.map((a) => a.local);
  }

  labels(node: string): string[] {
    const j = JSON.parse(must(['ip', '-n', this.ns(node), '-j', 'addr', 'show', 'dev', 'eth0'])) as Array<{ addr_info: Array<{ local: string; label?: string }> }>;
    return j[0]!.addr_info.filter((a) => a.label).map((a) => `${a.local} ${a.label}`);
  }

  file(name: string, text: string, mode?: number): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    if (mode !== undefined) chmodSync(p, mode);
    return p;
  }

  /** An executable that runs `program` inside a node: for tools that start their own child (a browser). */
  wrapper(node: string, program: string): string {
    return this.file(`in-${node}-${program.split('/').pop()}.sh`, `#!/bin/sh\nexec ip netns exec ${this.ns(node)} ${program} "$@"\n`, 0o755);
  }

  /** Start a process in a node. */
  start(node: string, name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): LabProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(node), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const p = new LabProcess(name, child);
    this.procs.push(p);
    return p;
  }

  /** `tsvs run -f CONF` in a node, from the sources, logging to the console with detail. */
  tsvs(node: string, conf: string, extra: readonly string[] = []): LabProcess & { readonly api: string } {
    const api = join(this.dir, `${node}.sock`);
    const p = this.start(node, `tsvs@${node}`, [process.execPath, join(ROOT, 'bin/tsvs.js'), 'run', '-f', conf, '-n', '-l', '-D', '--api', api, ...extra], { TSVS_FROM_SOURCE: '1' });
    return Object.assign(p, { api });
  }

  /** keepalived 2.2.7 (VRRP only, no respawn) in a node. */
  keepalived(node: string, conf: string): LabProcess & { readonly vrrpPidFile: string } {
    // Fresh pid files per start: a child killed with -9 may linger as a zombie nobody reaps here.
    const run = ++this.runs;
    const pid = join(this.dir, `${node}-${run}-keepalived.pid`);
    const vrrpPidFile = join(this.dir, `${node}-${run}-vrrp.pid`);
    const p = this.start(node, `keepalived@${node}`, [KEEPALIVED, '-n', '-l', '-D', '-P', '-R', '-G', '-f', conf, '-p', pid, '-r', vrrpPidFile, '-i', node]);
    return Object.assign(p, { vrrpPidFile });
  }

  /** A tiny HTTP server in a node answering its own name: tells which director holds the VIP. */
  banner(node: string, port = 8080): LabProcess {
    const code = `require('http').createServer((q,s)=>s.end(${JSON.stringify(node)})).listen(${port},()=>console.log('listening'))`;
    return this.start(node, `banner@${node}`, [process.execPath, '-e', code]);
  }

  /** Stop every process (SIGKILL) and remove every namespace and file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.procs) p.signal('SIGKILL');
    for (const n of this.nodes.keys()) sh(['ip', 'netns', 'del', this.ns(n)]);
    sh(['ip', 'netns', 'del', this.lan]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `check` every `stepMs` until it returns true or `timeoutMs` passes. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
