/**
 * Network namespaces for the packet engine's privileged tests: every name starts with `tsvs-`,
 * everything made is recorded and removed by `teardown`, also after a failure. Tests skip (with
 * the reason) when not root or without the native addon, and fail instead when CI=true.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { loadRingAddon } from '../../src/adapters/packet/native-ring.js';

export function privilegedSkipReason(): string | null {
  const reason = process.getuid?.() !== 0 ? 'needs root (network namespaces, AF_PACKET)' : !loadRingAddon().ok ? (loadRingAddon() as { reason: string }).reason : null;
  if (reason && process.env['CI'] === 'true') throw new Error(`CI=true: privileged packet tests cannot be skipped: ${reason}`);
  return reason;
}

export function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class Topology {
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  /** `tag` keeps the namespaces of test files that run at the same time apart. */
  constructor(private readonly tag: string) {}

  ns(name: string): string {
    const n = `tsvs-${this.tag}-${name}`;
    sh(`ip netns del ${n} 2>/dev/null || true; ip netns add ${n}; ip -n ${n} link set lo up`);
    this.namespaces.push(n);
    return n;
  }

  /** A veth from `ns` (as `ifname`) to the bridge `br` in namespace `swNs`. */
  plug(ns: string, ifname: string, swNs: string, br: string, portName: string): void {
    sh(`ip link add ${ifname} netns ${ns} type veth peer name ${portName} netns ${swNs}`);
    sh(`ip -n ${swNs} link set ${portName} master ${br} up; ip -n ${ns} link set ${ifname} up`);
  }

  exec(ns: string, cmd: string): string {
    return sh(`ip netns exec ${ns} sh -c '${cmd.replace(/'/g, `'\\''`)}'`);
  }

  /** Start a long-running process in `ns`; resolves when it prints `readyLine` (or rejects on exit). */
  start(ns: string, argv: readonly string[], readyLine: string | null, log: string[] = []): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer): void => {
        out += String(d);
        log.push(String(d));
        if (readyLine === null || out.includes(readyLine)) resolve(child);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (d: Buffer) => log.push(String(d)));
      child.on('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}: ${log.join('')}`)));
      if (readyLine === null) setTimeout(() => resolve(child), 300);
    });
  }

  /** Send SIGTERM and collect the rest of stdout. */
  stop(child: ChildProcess): Promise<string> {
    return new Promise((resolve) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += String(d)));
      child.removeAllListeners('exit');
      child.on('exit', () => resolve(out));
      child.kill('SIGTERM');
      setTimeout(() => resolve(out), 3000);
    });
  }

  /** One bridged segment: a `sw` namespace with br0 and one namespace per node with eth0 and its addresses. */
  segment(nodes: Readonly<Record<string, readonly string[]>>): Record<string, string> {
    this.bridge('br0');
    const out: Record<string, string> = {};
    for (const [name, addrs] of Object.entries(nodes)) {
      out[name] = this.ns(name);
      this.wire(out[name], 'eth0', 'br0', addrs);
    }
    return out;
  }

  private swNs: string | null = null;

  /** A bridge `br` in the shared `sw` namespace (created on first use): one segment. */
  bridge(br: string): void {
    this.swNs ??= this.ns('sw');
    this.exec(this.swNs, `ip link add ${br} type bridge; ip link set ${br} up`);
  }

  /** Connect namespace `ns` to bridge `br` by a veth named `ifname` there, with `addrs` on it. */
  wire(ns: string, ifname: string, br: string, addrs: readonly string[]): void {
    if (!this.swNs) throw new Error('wire: no bridge yet');
    const port = `p${++this.ports}-${br}`.slice(0, 15);
    this.plug(ns, ifname, this.swNs, br, port);
    for (const a of addrs) this.exec(ns, `ip addr add ${a} dev ${ifname}`);
  }

  private ports = 0;

  /** MAC address of `ifname` in `ns`. */
  mac(ns: string, ifname = 'eth0'): string {
    return (JSON.parse(this.exec(ns, `ip -j link show dev ${ifname}`)) as Array<{ address: string }>)[0]!.address;
  }

  teardown(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const n of this.namespaces.reverse()) sh(`ip netns del ${n} 2>/dev/null || true`);
  }
}

export const HTTP_SERVER = (name: string, port = 80, host = '0.0.0.0'): string[] => ['node', '-e', `require("http").createServer((q,s)=>s.end("${name}\\n")).listen(${port},"${host}",()=>console.log("listening"))`];
