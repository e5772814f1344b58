/**
 * `node --import tsx bench/metrics.ts`: how long GET /metrics takes with 1,000 real servers
 * (target ≤ 50 ms). The IPVS state is real (a Director with 10 virtual services × 100 real
 * servers and traffic counters set through the reducer's stats), served by the real ApiServer on
 * a unix socket; each real server also has a health entry (health checking itself is measured by
 * bench/health.ts, so the 1,000 entries are given as data here) and there are 4 VRRP instances.
 * Reports the time to render the text and the time of a whole HTTP scrape (median, p95, max),
 * and the CPU time per scrape (unlike wall time, untouched by other work on a shared machine).
 *
 * Environment: BENCH_METRICS_SERVERS (default 1000), BENCH_METRICS_SCRAPES (default 200).
 * (What an open dashboard costs the daemon under load is part of `npm run bench:proxy`.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodeClock } from '../src/adapters/node-clock.js';
import type { ObservabilitySource } from '../src/api/events.js';
import { metricsBody } from '../src/api/dashboard.js';
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
  const events = new EventLog(() => Date.now());
  const vrrp = fakeVrrp([1, 2, 3, 4].map((n) => ({ name: `VI_${n}`, state: n % 2 ? 'MASTER' : 'BACKUP', advertsSent: 1000 * n })));
  const observability: ObservabilitySource = { events, healthReport: () => health, pollStatus: () => {} };
  const control = createControlPlane({
    director, reloader: null, clock, info: { version: 'bench', pid: process.pid, engine: 'proxy', dataplane: 'none', configFile: null },
    vrrp: () => vrrp, observability,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-metrics-'));
  const socketPath = join(dir, 'api.sock');
  const api = await ApiServer.start({ control, socketPath });
  try {
    const text = metricsBody(control).toString('utf8');
    const render: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      metricsBody(control);
      render.push(performance.now() - t0);
    }
    const http: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < SCRAPES; i++) {
      const t0 = performance.now();
      await scrape(socketPath);
      http.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(`metrics: ${SERVERS} real servers in ${Math.ceil(SERVERS / PER_SERVICE)} virtual services: ${lines} samples, ${(text.length / 1024).toFixed(0)} KiB`);
    console.log(`  render:      ${summary(render)}`);
    console.log(`  HTTP scrape: ${summary(http)}  (target ≤ 50 ms)`);
    console.log(`  CPU per HTTP scrape (server and client in this process): ${((cpu.user + cpu.system) / 1000 / SCRAPES).toFixed(2)} ms`);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
