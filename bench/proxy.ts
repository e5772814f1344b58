/**
 * `npm run bench:proxy`: the proxy engine against HAProxy (`mode tcp`, one thread) and nginx
 * `stream` (one worker), all in front of the same nginx (one worker, small static body) on
 * loopback, loaded by wrk. Figures: requests/s and p99 latency with keep-alive and with
 * `Connection: close`, as ratios to HAProxy; CPU time of the proxy process per request (steadier
 * than requests/s on a shared machine); memory per idle proxied connection (RSS delta of a fresh
 * process with N idle connections open). Each proxy runs alone while it is measured.
 *
 * Needs wrk, nginx (+ libnginx-mod-stream for the stream row) and haproxy
 * (`apt-get install -y wrk nginx libnginx-mod-stream haproxy`). Every process it starts runs
 * in the foreground as its child and is stopped by PID. The machine is shared and small: treat
 * the figures as ratios measured side by side, not as absolute capacity.
 *
 * Then the dashboard's cost to a whole daemon under the same load, with and without one open
 * page in headless Chromium (bench/proxy-dashboard.ts; BENCH_DASHBOARD=0 leaves it out,
 * BENCH_DASHBOARD_PAIRS sets the number of alternating pairs, default 4).
 *
 * `node --import tsx bench/proxy.ts --serve <vip> <port> <real-server-port>` runs the tsvs side
 * alone (used by the benchmark as its child process); `--serve-daemon` the daemon for the
 * dashboard rows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dashboardCost, dashboardCostProblem, serveDaemon } from './proxy-dashboard.js';

const WRK_SECONDS = 5;
const WRK_CONNECTIONS = 32;
const ROUNDS = 2;
/** Idle connections for the memory figure. 2 fds each in a proxy: kept under the 20,000 fd hard limit of this machine. */
const IDLE_CONNS = Number(process.env.IDLE_CONNS ?? 9_900);
const HOST = '127.0.0.1';


// --- the tsvs side -------------------------------------------------------------------------------

async function serve(vip: string, port: number, rsPort: number): Promise<void> {
  const { Ipvs } = await import('../src/core/ipvs.js');
  const { ConnEngine } = await import('../src/core/conn/engine.js');
  const { NodeClock } = await import('../src/adapters/node-clock.js');
  const { silentLogger } = await import('../src/core/ports.js');
  const { ProxyDataplane } = await import('../src/adapters/proxy/index.js');
  const ipvs = new Ipvs();
  const engine = new ConnEngine(ipvs);
  const clock = new NodeClock();
  const proxy = new ProxyDataplane(ipvs, engine, clock, clock, silentLogger);
  const key = { kind: 'addr', family: 4, protocol: 'tcp', addr: vip, port } as const;
  ipvs.apply({ type: 'add-service', service: { key, scheduler: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } });
  ipvs.apply({ type: 'add-dest', service: key, dest: { family: 4, addr: HOST, port: rsPort, fwd: 'nat', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' } });
  const problems = await proxy.sync();
  if (problems.length) throw new Error(JSON.stringify(problems));
  // Keep the process alive (the clock's timers are unref'd) and answer the parent on stdin.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (cmd) => {
    if (cmd === 'gc') (globalThis as { gc?: () => void }).gc?.();
    if (cmd === 'quit') {
      clearInterval(keepAlive);
      void proxy.close(0).then(() => process.exit(0));
      return;
    }
    const svc = ipvs.getService(key)!;
    const d = svc.dests[0]!;
    console.log(JSON.stringify({ rssKb: rssKb(process.pid), heapUsed: process.memoryUsage().heapUsed, active: d.activeConns, inactive: d.inactConns, counters: proxy.counters() }));
  });
  console.log(JSON.stringify({ ready: true }));
}

// --- orchestration -------------------------------------------------------------------------------

interface Peer {
  readonly name: string;
  readonly port: number;
  readonly proc: ChildProcess;
  /** tsvs only: its answers on stdout (counters, RSS after a GC). */
  readonly replies?: AsyncIterator<string>;
}

interface WrkResult {
  readonly rps: number;
  readonly p99Ms: number;
  readonly errors: string;
  /** CPU time (user + system) of the proxy process per request, µs. */
  readonly cpuUs: number;
}

type Kind = 'tsvs proxy' | 'haproxy tcp' | 'nginx stream';

async function main(): Promise<void> {
  for (const tool of ['wrk', 'nginx', 'haproxy']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} not found: apt-get install -y wrk nginx libnginx-mod-stream haproxy`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-proxy-'));
  const children: ChildProcess[] = [];
  const stop = (c: ChildProcess): void => {
    if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
    try {
      process.kill(c.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const stopAll = (): void => children.forEach(stop);
  process.on('exit', stopAll);
  const started = Date.now();
  try {
    const nginxPort = await freePort();
    children.push(startNginxBackend(dir, nginxPort));
    await waitPort(nginxPort);
    const direct: Peer = { name: 'nginx direct', port: nginxPort, proc: children[0]! };
    const streamModule = ['/usr/lib/nginx/modules/ngx_stream_module.so', '/usr/share/nginx/modules/ngx_stream_module.so'].find((p) => existsSync(p));
    if (!streamModule) console.log('nginx stream module not installed (libnginx-mod-stream): row skipped');
    const kinds: Kind[] = ['tsvs proxy', 'haproxy tcp', ...(streamModule ? (['nginx stream'] as const) : [])];
    const launch = async (kind: Kind): Promise<Peer> => {
      const port = await freePort();
      let peer: Peer;
      if (kind === 'tsvs proxy') {
        const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--serve', HOST, String(port), String(nginxPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
        const replies = lines(proc);
        peer = { name: kind, port, proc, replies };
        children.push(proc);
        await replies.next();
      } else {
        const proc = kind === 'haproxy tcp' ? startHaproxy(dir, port, nginxPort) : startNginxStream(dir, port, nginxPort, streamModule!);
        peer = { name: kind, port, proc };
        children.push(proc);
      }
      await waitPort(port);
      return peer;
    };

    console.log(`wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s, best of ${ROUNDS} rounds, nginx backend (1 worker, ${BODY.length}-byte body), Node ${process.version}\n`);
    const peers = [direct];
    for (const kind of kinds) peers.push(await launch(kind));
    const results = new Map<string, { ka: WrkResult; close: WrkResult; memKb?: number }>();
    // Rounds interleave the targets, so a burst of load from elsewhere on the machine does not
    // land on one target only; each cell keeps its best run.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const p of peers) {
        if (round === 1) {
          // Warm-up of both paths (JIT, pools) before anything is measured.
          wrk(p, false, 1);
          wrk(p, true, 1);
        }
        const ka = wrk(p, false, WRK_SECONDS);
        const close = wrk(p, true, WRK_SECONDS);
        console.log(`${`${p.name} #${round}`.padEnd(17)} keep-alive ${fmt(ka)}   close ${fmt(close)}`);
        const prev = results.get(p.name);
        results.set(p.name, { ka: best(prev?.ka, ka), close: best(prev?.close, close) });
      }
    }
    for (const p of peers) if (p !== direct) stop(p.proc);

    // Fresh processes: after a load run every allocator keeps memory, which hides the per-connection cost.
    console.log(`\nMemory per idle connection (${IDLE_CONNS.toLocaleString('en-US')} idle proxied connections, RSS delta of a fresh process)`);
    for (const kind of kinds) {
      const p = await launch(kind);
      results.get(kind)!.memKb = await idleMemory(p);
      stop(p.proc);
    }

    printTable(results);

    if (process.env['BENCH_DASHBOARD'] !== '0') {
      const problem = dashboardCostProblem();
      if (problem) console.log(`\nDashboard cost: not measured (${problem})`);
      else await dashboardCost({ host: HOST, backendPort: nginxPort, seconds: WRK_SECONDS, pairs: Number(process.env['BENCH_DASHBOARD_PAIRS'] ?? 4), connections: WRK_CONNECTIONS, freePort, waitPort, cpuUs });
    }
  } finally {
    stopAll();
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
    console.log(`\n(bench took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

const BODY = 'hello from nginx, a small static body for the proxy benchmark\n';

function startNginxBackend(dir: string, port: number): ChildProcess {
  writeFileSync(join(dir, 'body.txt'), BODY);
  const conf = `
daemon off;
master_process off;
worker_rlimit_nofile 20000;
pid ${dir}/nginx-backend.pid;
error_log ${dir}/nginx-backend.err warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/pt; fastcgi_temp_path ${dir}/ft; uwsgi_temp_path ${dir}/ut; scgi_temp_path ${dir}/st;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_header_timeout 300s;
  server {
    listen ${HOST}:${port} backlog=4096;
    location / { root ${dir}; try_files /body.txt =404; }
  }
}`;
  writeFileSync(join(dir, 'nginx-backend.conf'), conf);
  return spawn('nginx', ['-c', join(dir, 'nginx-backend.conf'), '-p', dir], { stdio: 'inherit' });
}

function startNginxStream(dir: string, port: number, backend: number, module: string): ChildProcess {
  const conf = `
load_module ${module};
daemon off;
master_process off;
worker_rlimit_nofile 20000;
pid ${dir}/nginx-stream.pid;
error_log ${dir}/nginx-stream.err warn;
events { worker_connections 20000; }
stream {
  server { listen ${HOST}:${port} backlog=4096; proxy_pass ${HOST}:${backend}; proxy_timeout 300s; }
}`;
  writeFileSync(join(dir, 'nginx-stream.conf'), conf);
  return spawn('nginx', ['-c', join(dir, 'nginx-stream.conf'), '-p', dir], { stdio: 'inherit' });
}

function startHaproxy(dir: string, port: number, backend: number): ChildProcess {
  const conf = `
global
  nbthread 1
  maxconn 9990
  log stderr format raw local0 emerg
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend fe
  bind ${HOST}:${port}
  default_backend be
backend be
  server nginx ${HOST}:${backend}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), conf);
  return spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function wrk(p: Peer, close: boolean, seconds: number): WrkResult {
  const args = ['-t1', `-c${WRK_CONNECTIONS}`, `-d${seconds}s`, '--latency', ...(close ? ['-H', 'Connection: close'] : []), `http://${HOST}:${p.port}/`];
  const cpu0 = cpuUs(p.proc.pid!);
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  const cpu1 = cpuUs(p.proc.pid!);
  const out = r.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const p99Ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : NaN;
  const errors = /Socket errors:.*|Non-2xx or 3xx responses:.*/g.exec(out)?.[0] ?? '';
  return { rps, p99Ms, errors, cpuUs: (cpu1 - cpu0) / requests };
}

function best(a: WrkResult | undefined, b: WrkResult): WrkResult {
  return a && a.rps >= b.rps ? a : b;
}

function fmt(r: WrkResult): string {
  return `${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s p99 ${r.p99Ms.toFixed(2).padStart(6)} ms ${r.cpuUs.toFixed(1).padStart(5)} µs CPU/req${r.errors ? ` (${r.errors})` : ''}`;
}

/** Open IDLE_CONNS connections through a proxy, read its RSS before and after (tsvs: after a GC). */
async function idleMemory(p: Peer): Promise<number> {
  const ask = async (): Promise<number> => {
    if (!p.replies) {
      await new Promise((r) => setTimeout(r, 300));
      return rssKb(p.proc.pid!);
    }
    p.proc.stdin!.write('gc\n');
    const j = JSON.parse((await p.replies.next()).value as string) as { rssKb: number };
    return j.rssKb;
  };
  // Warm the accept path so the baseline includes what one connection brings in.
  const warm = await openIdle(p.port, 100);
  for (const s of warm) s.destroy();
  await new Promise((r) => setTimeout(r, 300));
  const before = await ask();
  const socks = await openIdle(p.port, IDLE_CONNS);
  await new Promise((r) => setTimeout(r, 500));
  const after = await ask();
  const alive = socks.filter((s) => !s.destroyed).length;
  for (const s of socks) s.destroy();
  await new Promise((r) => setTimeout(r, 500));
  const perConn = ((after - before) * 1024) / alive;
  console.log(`${p.name.padEnd(14)} RSS ${before.toLocaleString('en-US')} kB → ${after.toLocaleString('en-US')} kB with ${alive.toLocaleString('en-US')} open: ${(perConn / 1024).toFixed(2)} KiB per connection`);
  return perConn / 1024;
}

async function openIdle(port: number, n: number): Promise<Socket[]> {
  const out: Socket[] = [];
  const batch = 500;
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i);
    const made = await Promise.all(
      Array.from({ length: k }, () => new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: HOST, port }, () => resolve(s));
        s.once('error', reject);
      })),
    );
    for (const s of made) s.on('error', () => {});
    out.push(...made);
  }
  return out;
}

function printTable(results: Map<string, { ka: WrkResult; close: WrkResult; memKb?: number }>): void {
  const ha = results.get('haproxy tcp')!;
  console.log('\n| path | keep-alive req/s | ×HAProxy | p99 ms | CPU µs/req | close req/s | ×HAProxy | p99 ms | CPU µs/req | KiB/idle conn |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, r] of results) {
    const row = [
      name,
      Math.round(r.ka.rps).toLocaleString('en-US'),
      (r.ka.rps / ha.ka.rps).toFixed(2),
      r.ka.p99Ms.toFixed(2),
      r.ka.cpuUs.toFixed(1),
      Math.round(r.close.rps).toLocaleString('en-US'),
      (r.close.rps / ha.close.rps).toFixed(2),
      r.close.p99Ms.toFixed(2),
      r.close.cpuUs.toFixed(1),
      r.memKb === undefined ? '' : r.memKb.toFixed(2),
    ];
    console.log(`| ${row.join(' | ')} |`);
  }
}

// --- small helpers -------------------------------------------------------------------------------

/** CPU time (user + system) of a process in µs, from /proc (clock ticks of 10 ms). */
function cpuUs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: HOST, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

function lines(p: ChildProcess): AsyncIterator<string> {
  return createInterface({ input: p.stdout! })[Symbol.asyncIterator]();
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else if (process.argv[2] === '--serve-daemon') {
  await serveDaemon(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]));
} else {
  await main();
}
