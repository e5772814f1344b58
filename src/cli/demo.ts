/**
 * `tsvs demo` (what `npm start` runs). As root on Linux: `tsvs lab` with seed 004 (src/lab/demo.ts).
 * Otherwise (or with --loopback) the embedded default on the loopback, unprivileged.
 * Three small HTTP real servers on 127.0.0.1:8081-8083, the daemon with examples/keepalived.conf
 * (VIP 127.0.0.100:8080, rr, NAT, TCP_CHECK) on the proxy engine, a few requests through the VIP to
 * show the rotation, the `ipvsadm -L -n` table, and what to try next. Keys 1-3 stop and start a
 * real server (when attached to a terminal); Ctrl-C stops everything.
 */
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { StreamLogger } from '../adapters/logger.js';
import { defaultSocketPath } from '../api/endpoint.js';
import { DEFAULT_LIST_OPTIONS } from '../lang/ipvsadm/command.js';
import { formatList } from '../lang/ipvsadm/list.js';
import { startDaemon, type RunningDaemon } from '../main/daemon.js';
import { keepalivedSource } from '../main/keepalived-source.js';
import { labDemo } from '../lab/demo.js';
import { labPrivilegeProblem } from './lab.js';

const CONFIG = fileURLToPath(new URL('../../examples/keepalived.conf', import.meta.url));
const VIP = { host: '127.0.0.100', port: 8080 };
const REAL_SERVERS = [8081, 8082, 8083];

/** One demo real server that can be stopped and started again. */
class RealServer {
  private server: Server | null = null;
  constructor(readonly port: number) {}

  get running(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    const s = createServer((_, res) => res.end(`real server 127.0.0.1:${this.port}\n`));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = s;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
}

function request(): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ ...VIP, path: '/', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(`no answer (${e.message})`));
  });
}

/** Keys 1-3 stop/start a real server; q or Ctrl-C stops the demo. */
function listenForKeys(servers: RealServer[], stop: () => void, out: (s: string) => void): void {
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.on('data', (key: Buffer) => {
    const k = key.toString();
    if (k === '\u0003' || k === 'q') return stop();
    const s = servers[Number(k) - 1];
    if (!s) return;
    void (s.running ? s.stop() : s.start()).then(() => out(`real server 127.0.0.1:${s.port} ${s.running ? 'started' : 'stopped'}\n`));
  });
}

function parseApi(args: string[]): string | undefined {
  const i = args.indexOf('--api');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * As root on Linux with the packet engine's addon: seed 004's cluster in namespaces (src/lab/demo.ts).
 * Otherwise, or with --loopback, the loopback demo below, saying why.
 */
export async function demo(argv: string[]): Promise<number> {
  const loopback = argv.includes('--loopback');
  const args = argv.filter((a) => a !== '--loopback');
  const why = loopback ? '--loopback was given' : labPrivilegeProblem();
  if (why === null) {
    try {
      return await labDemo((t) => void process.stdout.write(t));
    } catch (e) {
      process.stderr.write(`tsvs demo: the lab did not come up: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }
  process.stdout.write(`tsvs demo: the loopback demo (the namespace lab is not used: ${why})\n`);
  return loopbackDemo(args);
}

async function loopbackDemo(args: string[]): Promise<number> {
  const socketPath = parseApi(args) ?? (process.env['TSVS_API'] || undefined) ?? defaultSocketPath({ env: process.env, uid: process.getuid?.() ?? 0, tmpdir: tmpdir() });
  const out = (s: string) => void process.stdout.write(s);
  // Signals are caught before anything is printed, so a SIGTERM right after the introduction
  // (as a supervisor or a test sends it) stops the demo cleanly.
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
  const servers = REAL_SERVERS.map((p) => new RealServer(p));
  try {
    for (const s of servers) await s.start();
  } catch (e) {
    process.stderr.write(`tsvs demo: cannot start the demo real servers on 127.0.0.1:8081-8083: ${e instanceof Error ? e.message : String(e)}\n`);
    for (const s of servers) await s.stop();
    return 1;
  }
  const logger = new StreamLogger({ console: true });
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({
      version: 'demo',
      engine: 'proxy',
      config: { file: CONFIG, source: keepalivedSource(CONFIG, 'demo', logger) },
      socketPath,
      logger,
    });
  } catch (e) {
    process.stderr.write(`tsvs demo: cannot start the daemon: ${e instanceof Error ? e.message : String(e)}\n`);
    for (const s of servers) await s.stop();
    return 1;
  }

  out(`\ntsvs demo: virtual service ${VIP.host}:${VIP.port} (rr, NAT) -> real servers 127.0.0.1:8081, :8082, :8083\n\n`);
  for (let i = 0; i < 6; i++) out(`  curl http://${VIP.host}:${VIP.port}/  ->  ${await request()}\n`);
  const table = formatList(daemon.control.snapshot(), { ...DEFAULT_LIST_OPTIONS, numeric: true });
  out(`\n$ tsvs adm -L -n\n${table.ok ? table.text : table.error.message}\n`);
  const api = `--api ${socketPath}`;
  out(`Try next (in another terminal):
  while true; do curl -s http://${VIP.host}:${VIP.port}/; sleep 0.5; done     # the rotation
  node bin/tsvs.js adm -L -n ${api}             # ipvsadm's table, live (also --stats, --rate, -c)
  node bin/tsvs.js adm -e -t ${VIP.host}:${VIP.port} -r 127.0.0.1:8081 -m -w 3 ${api}   # weight 3
Here: press 1, 2 or 3 to stop/start that real server (TCP_CHECK takes it out within delay_loop + connect_timeout);
Ctrl-C stops the demo.\n\n`);
  if (process.stdin.isTTY) listenForKeys(servers, stop, out);
  await stopped;
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(false);
    process.stdin.pause();
  }
  await daemon.stop();
  for (const s of servers) await s.stop();
  return 0;
}
