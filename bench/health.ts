/**
 * `npm run bench:health`: 1,000 real servers checked with TCP_CHECK every second (delay_loop 1,
 * warmup = delay_loop) against local listeners, through the same path as the daemon: the
 * health-aware reloader, the health monitor on the node clock and the real TCP_CHECK adapter.
 * The listeners run in a child process, so this process is "the daemon" and its CPU time is
 * the daemon's. Reports the CPU share of one core (target ≤ 10 %) and how late checks start
 * against their due time (target: p99 ≤ 50 ms).
 *
 * Environment: BENCH_HEALTH_SERVERS (default 1000), BENCH_HEALTH_SECONDS (measured, default 30),
 * BENCH_HEALTH_WARMUP (seconds before measuring, default 5).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createProbeFactory } from '../src/adapters/checkers/index.js';
import { NodeClock } from '../src/adapters/node-clock.js';
import type { Logger } from '../src/core/ports.js';
import { SeededRng } from '../src/core/rng.js';
import { Director } from '../src/engine/director.js';
import { HealthMonitor } from '../src/engine/health/monitor.js';
import { HealthReloader } from '../src/engine/health/reloader.js';
import { memoryFiles } from '../src/lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../src/lang/keepalived/parse.js';
import { toIpvsOps } from '../src/lang/keepalived/to-ops.js';

const SERVERS = Number(process.env['BENCH_HEALTH_SERVERS'] ?? 1000);
const SECONDS = Number(process.env['BENCH_HEALTH_SECONDS'] ?? 30);
const WARMUP = Number(process.env['BENCH_HEALTH_WARMUP'] ?? 5);

/** The listeners: a child process accepting (and at once closing) connections on SERVERS ports. */
const LISTENERS = `
const net = require('node:net');
const n = Number(process.argv[1]);
const ports = [];
let ready = 0;
for (let i = 0; i < n; i++) {
  const s = net.createServer((c) => { c.on('error', () => {}); c.destroy(); });
  s.listen(0, '127.0.0.1', () => { ports[i] = s.address().port; if (++ready === n) console.log(JSON.stringify(ports)); });
}
`;

async function startListeners(): Promise<{ ports: number[]; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', LISTENERS, String(SERVERS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`listeners exited (${code})`)));
  });
  return { ports: JSON.parse(line) as number[], stop: () => child.kill() };
}

function config(ports: number[]): string {
  const rs = ports.map((p) => `  real_server 127.0.0.1 ${p} {\n    TCP_CHECK {\n      connect_timeout 3\n    }\n  }`);
  return `virtual_server 127.0.0.100 8080 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rs.join('\n')}\n}\n`;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const { ports, stop } = await startListeners();
  const clock = new NodeClock();
  const problems: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => problems.push(m), error: (m) => problems.push(m) };
  let measuring = false;
  const late: number[] = [];
  const director = new Director({ clock, timers: clock, logger });
  const monitor = new HealthMonitor({
    director, clock, timers: clock, rng: new SeededRng(7), logger,
    probes: createProbeFactory({ clock, timers: clock, logger }),
    commands: { run: async () => undefined },
    started: (ms) => {
      if (measuring) late.push(ms);
    },
  });
  const text = config(ports);
  const reloader = new HealthReloader({
    director, health: monitor,
    source: () => {
      const { model } = parseKeepalivedConfig('/bench.conf', { ...memoryFiles({ '/bench.conf': text }), configId: 'bench' });
      return { load: { messages: [], errors: 0, fatal: false, ops: toIpvsOps(model) }, model };
    },
  });
  const loaded = await reloader.load('lenient');
  if (!loaded.ok) throw new Error('configuration refused');
  const checkers = monitor.current!.checkers();
  const logCount = () => checkers.filter((c) => c.hasRun).length;
  await new Promise((r) => setTimeout(r, WARMUP * 1000));

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);

  const sorted = Float64Array.from(late).sort();
  const inPool = [...director.ipvs.services.values()][0]!.dests.length;
  const cpuShare = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  console.log(`bench:health — ${SERVERS} real servers, TCP_CHECK, delay_loop 1 s, measured ${SECONDS} s after ${WARMUP} s`);
  console.log(`  checks run           ${late.length} (${(late.length / (wall / 1000)).toFixed(1)}/s), checkers that ran: ${logCount()}/${checkers.length}, real servers in the pool: ${inPool}`);
  console.log(`  daemon CPU           ${cpuShare.toFixed(2)} % of one core (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms)   target ≤ 10 %`);
  console.log(`  check lateness       p50 ${fmt(percentile(sorted, 50))}  p90 ${fmt(percentile(sorted, 90))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? NaN)}   target p99 ≤ 50 ms`);
  if (problems.length) console.log(`  problems             ${problems.length}, first: ${problems[0]}`);
  await monitor.stop();
  stop();
  const pass = cpuShare <= 10 && percentile(sorted, 99) <= 50 && inPool === SERVERS;
  console.log(pass ? 'PASS' : 'FAIL');
  process.exitCode = pass ? 0 : 1;
}

await main();
