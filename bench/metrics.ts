/**
 * `node --import tsx bench/metrics.ts`: how long GET /metrics takes with 1,000 real servers
 * (target ≤ 50 ms). The IPVS state is real (a Director with 10 virtual services × 100 real
 * servers and traffic counters set through the reducer's stats), served by the real ApiServer on
 * a unix socket; each real server also has a health entry (health checking itself is measured by
 * bench/health.ts, so the 1,000 entries are given as data here) and there are 4 VRRP instances.
 * Reports the time to render the text and the time of a whole HTTP scrape (median, p95, max).
 *
 * Environment: BENCH_METRICS_SERVERS (default 1000), BENCH_METRICS_SCRAPES (default 200).
 *
 * `node --import tsx bench/metrics.ts --dashboard-cpu`: what an open dashboard costs the daemon
 * under load (see dashboardCpu below; needs wrk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeClock } from '../src/adapters/node-clock.js';
import type { ObservabilitySource } from '../src/api/events.js';
import { metricsText } from '../src/api/dashboard.js';
import { ApiServer } from '../src/api/server.js';
import { createControlPlane } from '../src/engine/control.js';
import { Director } from '../src/engine/director.js';
import { EventLog, type RealServerHealth } from '../src/engine/events.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../src/engine/testkit.js';
import { fakeVrrp } from '../test/observability/fake-vrrp.js';

const SERVERS = Number(process.env['BENCH_METRICS_SERVERS'] ?? 1000);
const SCRAPES = Number(process.env['BENCH_METRICS_SCRAPES'] ?? 200);
const PER_SERVICE = 100;

function scrape(socketPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/metrics', agent: false }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end();
  });
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${s.at(-1)!.toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const clock = new NodeClock();
  const director = new Director({ clock, timers: clock });
  const ops = [];
  const health: RealServerHealth[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const svc = tcpKey(`10.1.${Math.floor(i / PER_SERVICE)}.1`, 80);
    if (i % PER_SERVICE === 0) ops.push(addService(svcSpec(svc, 'wlc')));
    const addr = `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    ops.push(addDest(svc, destSpec(addr, 8080, 'nat', { weight: 1 + (i % 5) })));
    health.push({
      vs: `tcp|${svc.kind === 'addr' ? svc.addr : ''}|80`, rs: `${addr}|8080`, vsName: `[10.1.${Math.floor(i / PER_SERVICE)}.1]:tcp:80`, rsName: `[${addr}]:tcp:8080`,
      alive: i % 7 !== 0, weight: 1 + (i % 5), checkers: 1, failedCheckers: i % 7 === 0 ? 1 : 0,
      checks: { pass: { count: 1000 + i, seconds: 1.5 }, fail: { count: i % 13, seconds: 0.3 } }, lastCheckSeconds: 0.0012, transitions: i % 3,
    });
  }
  const report = director.apply(ops, 'atomic');
  if (!report.ok) throw new Error('could not build the IPVS state');
  const control = createControlPlane({ director, reloader: null, clock, info: { version: 'bench', pid: process.pid, engine: 'proxy', dataplane: 'none', configFile: null } });
  const events = new EventLog(() => Date.now());
  const vrrp = fakeVrrp([1, 2, 3, 4].map((n) => ({ name: `VI_${n}`, state: n % 2 ? 'MASTER' : 'BACKUP', advertsSent: 1000 * n })));
  const observability: ObservabilitySource = { events, healthReport: () => health, pollStatus: () => {} };
  Object.assign(control, { vrrpStatus: () => vrrp, observability });
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-metrics-'));
  const socketPath = join(dir, 'api.sock');
  const api = await ApiServer.start({ control, socketPath });
  try {
    const text = metricsText(control);
    const render: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      metricsText(control);
      render.push(performance.now() - t0);
    }
    const http: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      await scrape(socketPath);
      http.push(performance.now() - t0);
    }
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(`metrics: ${SERVERS} real servers in ${Math.ceil(SERVERS / PER_SERVICE)} virtual services: ${lines} samples, ${(text.length / 1024).toFixed(0)} KiB`);
    console.log(`  render:      ${summary(render)}`);
    console.log(`  HTTP scrape: ${summary(http)}  (target ≤ 50 ms)`);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- the dashboard's cost to the daemon under load ----------------------------------------------
//
// `--dashboard-cpu`: the daemon (startDaemon, proxy engine) in this process, a real server and the
// page's event stream in a child process, wrk loading the VIP. The daemon's CPU share of one core
// is measured with and without one open event stream (what an open dashboard page costs the
// daemon: the browser's own work is in the browser), alternating, BENCH_DASHBOARD_ROUNDS times.

const CHILD = `
const http = require('node:http');
const srv = http.createServer((q, r) => r.end('hello from the real server\\n'));
srv.listen(0, '127.0.0.1', () => process.stdout.write('port ' + srv.address().port + '\\n'));
let stream = null;
let got = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'open') {
    got = 0;
    stream = http.request({ socketPath: arg, path: '/v1/events', agent: false }, (res) => res.on('data', (c) => (got += c.length)));
    stream.end();
  } else if (cmd === 'close' && stream) { stream.destroy(); stream = null; process.stdout.write('streamed ' + got + '\\n'); }
});
`;

async function dashboardCpu(): Promise<void> {
  const { spawn, spawnSync } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const { startDaemon } = await import('../src/main/daemon.js');
  const rounds = Number(process.env['BENCH_DASHBOARD_ROUNDS'] ?? 3);
  const seconds = Number(process.env['BENCH_DASHBOARD_SECONDS'] ?? 5);
  if (spawnSync('wrk', ['--version']).error) throw new Error('needs wrk (apt-get install -y wrk)');
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const rsPort = await new Promise<number>((resolve) => lines.once('line', (l) => resolve(Number(l.split(' ')[1]))));
  const streamed: number[] = [];
  lines.on('line', (l) => streamed.push(Number(l.split(' ')[1])));
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-dash-'));
  const socketPath = join(dir, 'api.sock');
  const vip = tcpKey('127.0.0.143', 41431);
  const ops = [addService(svcSpec(vip, 'rr')), addDest(vip, destSpec('127.0.0.1', rsPort))];
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const d = await startDaemon({ version: 'bench', engine: 'proxy', logger: quiet, socketPath, config: { file: 'mem', source: () => ({ messages: [], errors: 0, fatal: false, ops }) } });
  const run = async (): Promise<{ cpu: number; requests: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const w = spawn('wrk', ['-t', '2', '-c', '32', '-d', `${seconds}s`, 'http://127.0.0.143:41431/'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    w.stdout!.on('data', (b: Buffer) => (out += b));
    await new Promise((r) => w.once('exit', r));
    const c = process.cpuUsage(c0);
    const wall = (performance.now() - t0) / 1000;
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    return { cpu: (c.user + c.system) / 1e6 / wall, requests };
  };
  try {
    const without: number[] = [];
    const withPage: number[] = [];
    const perReq: [number[], number[]] = [[], []];
    for (let i = 0; i < rounds; i++) {
      const a = await run();
      without.push(a.cpu);
      perReq[0].push((a.cpu * seconds * 1e6) / a.requests);
      child.stdin!.write(`open ${socketPath}\n`);
      await new Promise((r) => setTimeout(r, 500));
      const b = await run();
      withPage.push(b.cpu);
      perReq[1].push((b.cpu * seconds * 1e6) / b.requests);
      child.stdin!.write('close\n');
      await new Promise((r) => setTimeout(r, 300));
    }
    const pct = (xs: number[]) => xs.map((x) => `${(x * 100).toFixed(1)} %`).join(', ');
    const mean = (xs: number[]) => xs.reduce((p, q) => p + q, 0) / xs.length;
    console.log(`dashboard: daemon CPU (share of one core) under wrk -c 32 for ${seconds} s, ${rounds} rounds alternating`);
    console.log(`  without a page: ${pct(without)}  (CPU per request: ${perReq[0].map((x) => x.toFixed(2)).join(', ')} µs)`);
    console.log(`  with one page:  ${pct(withPage)}  (CPU per request: ${perReq[1].map((x) => x.toFixed(2)).join(', ')} µs)`);
    console.log(`  bytes the page's stream received per round: ${streamed.join(', ')}`);
    console.log(`  difference of the means: ${((mean(withPage) - mean(without)) * 100).toFixed(2)} percentage points of a core; per request ${(((mean(perReq[1]) - mean(perReq[0])) / mean(perReq[0])) * 100).toFixed(2)} % (target ≤ 2 %)`);
  } finally {
    child.kill();
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--dashboard-cpu')) await dashboardCpu();
else await main();
