/**
 * Network namespaces for the observability tests and the dashboard bench: a LAN namespace with a
 * bridge and node namespaces each with `eth0` on it, all named `tsvs-ob-<id>-<node>` (this
 * area's tag, so they never collide with another suite's labs). Everything is removed by
 * `close()` even when a test fails; processes started in the nodes are killed by pid.
 * (test/vrrp/lab.ts builds the same shape under its own names; its LabProcess is reused here.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabProcess } from '../vrrp/lab.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function sh(args: readonly string[]): { code: number; out: string; err: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function must(args: readonly string[]): string {
  const r = sh(args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err.trim() || `exit ${r.code}`}`);
  return r.out;
}

export interface ObNode {
  readonly name: string;
  readonly address: string;
  /** sysctl settings for the node (e.g. net.ipv4.ip_nonlocal_bind=1). */
  readonly sysctl?: readonly string[];
}

export class ObLab {
  readonly dir: string;
  private readonly nodes: string[] = [];
  private readonly procs: LabProcess[] = [];
  private closed = false;

  private constructor(readonly id: string) {
    this.dir = mkdtempSync(join(tmpdir(), `tsvs-ob-${id}-`));
  }

  get lan(): string {
    return this.ns('lan');
  }

  ns(node: string): string {
    return `tsvs-ob-${this.id}-${node}`;
  }

  /** Create the LAN and the nodes; on any failure everything created so far is removed. */
  static create(nodes: readonly ObNode[]): ObLab {
    const lab = new ObLab(`${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`);
    try {
      must(['ip', 'netns', 'add', lab.lan]);
      lab.nodes.push('lan');
      must(['ip', '-n', lab.lan, 'link', 'set', 'lo', 'up']);
      // No multicast snooping: VRRP's 224.0.0.18 reaches every port.
      must(['ip', '-n', lab.lan, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
      must(['ip', '-n', lab.lan, 'link', 'set', 'br0', 'up']);
      for (const n of nodes) lab.addNode(n);
    } catch (e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private addNode(n: ObNode): void {
    const ns = this.ns(n.name);
    must(['ip', 'netns', 'add', ns]);
    this.nodes.push(n.name);
    must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    for (const s of n.sysctl ?? []) must(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', s]);
    must(['ip', 'link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', `p-${n.name}`, 'netns', this.lan]);
    must(['ip', '-n', this.lan, 'link', 'set', `p-${n.name}`, 'master', 'br0', 'up']);
    must(['ip', '-n', ns, 'addr', 'add', `${n.address}/24`, 'dev', 'eth0']);
    must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  }

  /** Run a command in a node and wait for it. */
  exec(node: string, args: readonly string[]): { code: number; out: string; err: string } {
    return sh(['ip', 'netns', 'exec', this.ns(node), ...args]);
  }

  /** The node's port on the LAN goes down / up (the node sees carrier loss). */
  link(node: string, up: boolean): void {
    must(['ip', '-n', this.lan, 'link', 'set', `p-${node}`, up ? 'up' : 'down']);
  }

  file(name: string, text: string, mode?: number): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    if (mode !== undefined) chmodSync(p, mode);
    return p;
  }

  /** Start a process in a node (tracked: killed by pid on close). */
  start(node: string, name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): LabProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(node), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const p = new LabProcess(name, child);
    this.procs.push(p);
    return p;
  }

  /** `tsvs run -f CONF` in a node from the sources, with its API socket and any extra arguments. */
  tsvs(node: string, conf: string, extra: readonly string[] = []): LabProcess & { readonly api: string } {
    const api = join(this.dir, `${node}.sock`);
    const p = this.start(node, `tsvs@${node}`, [process.execPath, join(ROOT, 'bin/tsvs.js'), 'run', '-f', conf, '-n', '-l', '-D', '--api', api, ...extra], { TSVS_FROM_SOURCE: '1' });
    return Object.assign(p, { api });
  }

  /** An executable that runs `program` inside a node: for tools that start their own child (a browser). */
  wrapper(node: string, program: string): string {
    return this.file(`in-${node}-${program.split('/').pop()}.sh`, `#!/bin/sh\nexec ip netns exec ${this.ns(node)} ${program} "$@"\n`, 0o755);
  }

  /** A tiny HTTP server in a node answering its own name. */
  banner(node: string, port: number): LabProcess {
    const code = `require('http').createServer((q,s)=>s.end(${JSON.stringify(node)})).listen(${port},()=>console.log('listening'))`;
    return this.start(node, `banner@${node}`, [process.execPath, '-e', code]);
  }

  /** Stop every process (SIGKILL) and remove every namespace and file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.procs) p.signal('SIGKILL');
    for (const n of [...this.nodes].reverse()) sh(['ip', 'netns', 'del', this.ns(n)]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
