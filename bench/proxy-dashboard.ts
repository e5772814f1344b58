/**
 * The dashboard's cost to the daemon under load, as part of `npm run bench:proxy`: a whole
 * `tsvs run` daemon (startDaemon: proxy engine, control API on TCP with a token) in a child
 * process carries the same wrk load as the proxy rows, with and without one dashboard page open
 * in headless Chromium (Debian's chromium through playwright-core; the page reads the daemon's
 * server-sent events and redraws). The daemon's CPU comes from /proc/PID/stat. Runs alternate
 * (without/with, then with/without, ...) so drift on the shared machine falls on both sides.
 *
 * Three figures, from direct to indirect: the CPU the daemon itself spends on the stream (its
 * own counter, tsvs_event_stream_cpu_seconds_total in /metrics); the difference of the daemon's
 * CPU per request with and without the page, in points of one core at the measured request rate
 * (this includes the browser competing with the daemon for the two cores); and the raw difference
 * of the daemon's CPU share. The browser's own CPU is shown beside them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'bench-dashboard-token';

// --- the daemon side (child process) -----------------------------------------------------------

/** `bench/proxy.ts --serve-daemon HOST VIP_PORT RS_PORT API_PORT`: the daemon, until stdin closes. */
export async function serveDaemon(host: string, vipPort: number, rsPort: number, apiPort: number): Promise<void> {
  const { startDaemon } = await import('../src/main/daemon.js');
  const { addDest, addService, destSpec, svcSpec, tcpKey } = await import('../src/engine/testkit.js');
  const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-dash-'));
  const vip = tcpKey(host, vipPort);
  const ops = [addService(svcSpec(vip, 'wlc')), addDest(vip, destSpec(host, rsPort, 'nat', { weight: 1 }))];
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const d = await startDaemon({
    version: 'bench', engine: 'proxy', logger: quiet, socketPath: join(dir, 'api.sock'),
    tcp: { host, port: apiPort, token: TOKEN },
    config: { file: 'bench', source: () => ({ messages: [], errors: 0, fatal: false, ops }) },
  });
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.stdin.on('end', () => {
    clearInterval(keepAlive);
    void d.stop().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
  process.stdin.resume();
  console.log(JSON.stringify({ ready: true }));
}

// --- the measurement ------------------------------------------------------------------------------

export interface DashboardCostOptions {
  readonly host: string;
  readonly backendPort: number;
  readonly seconds: number;
  /** Pairs of runs (one without and one with the page each). */
  readonly pairs: number;
  readonly connections: number;
  readonly freePort: () => Promise<number>;
  readonly waitPort: (port: number) => Promise<void>;
  /** CPU time of a process (µs) from /proc/PID/stat. */
  readonly cpuUs: (pid: number) => number;
}

interface Run {
  readonly page: boolean;
  readonly requests: number;
  readonly seconds: number;
  readonly cpuUs: number;
  /** CPU the daemon counted for its event stream during the run. */
  readonly streamUs: number;
  /** CPU of the browser's processes during the run. */
  readonly browserUs: number;
}

/** Where the runs read their figures from. */
interface Probe {
  readonly daemonPid: number;
  readonly apiPort: number;
  /** Our child processes before the browser started (backends, the daemon): not the browser's. */
  readonly notBrowser: ReadonlySet<number>;
}

/** Why the measurement cannot run here, or null. */
export function dashboardCostProblem(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install -y chromium)`;
  if (spawnSync('which', ['wrk']).status !== 0) return 'wrk not found';
  return null;
}

/** The daemon's own count of CPU spent on the event stream, µs (from /metrics). */
function streamCpuUs(o: DashboardCostOptions, apiPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: o.host, port: apiPort, path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(Number(/^tsvs_event_stream_cpu_seconds_total (\S+)$/m.exec(body)?.[1] ?? 0) * 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Processes below `root` (by parent pid, from /proc), leaving out the subtree of `except`. */
function descendants(root: number, except: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (p === except) continue;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

function treeCpuUs(o: DashboardCostOptions, pids: readonly number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += o.cpuUs(p);
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

async function wrkRun(o: DashboardCostOptions, port: number, probe: Probe, seconds: number, page: boolean): Promise<Run> {
  const browser = descendants(process.pid, probe.daemonPid).filter((p) => !probe.notBrowser.has(p));
  const s0 = await streamCpuUs(o, probe.apiPort);
  const b0 = treeCpuUs(o, browser);
  const c0 = o.cpuUs(probe.daemonPid);
  const t0 = performance.now();
  const r = spawnSync('wrk', ['-t1', `-c${o.connections}`, `-d${seconds}s`, `http://${o.host}:${port}/`], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  const cpuUs = o.cpuUs(probe.daemonPid) - c0;
  const browserUs = treeCpuUs(o, browser) - b0;
  const streamUs = (await streamCpuUs(o, probe.apiPort)) - s0;
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? NaN);
  return { page, requests, seconds: wall, cpuUs, streamUs, browserUs };
}

const share = (r: Run): number => r.cpuUs / 1e6 / r.seconds;
const perReq = (r: Run): number => r.cpuUs / r.requests;
const stats = (xs: readonly number[]): { mean: number; min: number; max: number } => ({
  mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  min: Math.min(...xs),
  max: Math.max(...xs),
});

/** Run the measurement and print it. */
export async function dashboardCost(o: DashboardCostOptions): Promise<void> {
  const { chromium } = await import('playwright-core');
  const vipPort = await o.freePort();
  const apiPort = await o.freePort();
  const daemon = spawn(process.execPath, ['--import', 'tsx', new URL('./proxy.ts', import.meta.url).pathname, '--serve-daemon', o.host, String(vipPort), String(o.backendPort), String(apiPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const profile = mkdtempSync(join(tmpdir(), 'tsvs-bench-chromium-'));
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | null = null;
  try {
    await ready(daemon);
    await o.waitPort(vipPort);
    const notBrowser = new Set(descendants(process.pid, daemon.pid!));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    for (const p of browser.pages()) await p.close();
    const probe: Probe = { daemonPid: daemon.pid!, apiPort, notBrowser };
    await wrkRun(o, vipPort, probe, 2, false); // warm-up: JIT and pools before anything counts
    const runs: Run[] = [];
    let live = 0;
    for (let i = 0; i < o.pairs; i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const withPage of order) {
        if (!withPage) {
          runs.push(await wrkRun(o, vipPort, probe, o.seconds, false));
          continue;
        }
        const page = await browser.newPage();
        await page.goto(`http://${o.host}:${apiPort}/#token=${TOKEN}`);
        await page.waitForSelector('#link[data-link="up"]', { timeout: 10_000 });
        await page.waitForSelector('#ipvs tr[data-rs]', { timeout: 10_000 });
        await page.waitForTimeout(2_000); // the page's load and first layouts are not the steady cost
        runs.push(await wrkRun(o, vipPort, probe, o.seconds, true));
        // The page was live throughout: still connected after the run.
        if ((await page.getAttribute('#link', 'data-link')) === 'up') live++;
        await page.close();
      }
    }
    report(runs, o, live);
  } finally {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    daemon.stdin!.end();
    await new Promise((r) => setTimeout(r, 300));
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
  }
}

async function ready(p: ChildProcess): Promise<void> {
  const lines = createInterface({ input: p.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || !String(first.value).includes('"ready"')) throw new Error('the daemon did not start');
}

function report(runs: readonly Run[], o: DashboardCostOptions, pagesSeen: number): void {
  const without = runs.filter((r) => !r.page);
  const withPage = runs.filter((r) => r.page);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}`;
  const line = (rs: readonly Run[]): string => rs.map((r) => `${pct(share(r))} % (${Math.round(r.requests / r.seconds).toLocaleString('en-US')} req/s, ${perReq(r).toFixed(2)} µs/req)`).join(', ');
  const points = (us: number, r: Run): number => (us / 1e6 / r.seconds) * 100;
  console.log(`\nDashboard cost to the daemon (tsvs run, proxy engine, wrk -t1 -c${o.connections} ${o.seconds} s, ${o.pairs} alternating pairs; daemon CPU from /proc/PID/stat)`);
  console.log(`  without a page: ${line(without)}`);
  console.log(`  with one page:  ${line(withPage)}  (page live in ${pagesSeen === withPage.length ? 'every' : `${pagesSeen} of ${withPage.length}`} run(s))`);
  // Per pair: the difference of CPU per request, and what it is in points of one core at the pair's request rate.
  const dPerReq: number[] = [];
  const dPoints: number[] = [];
  const dShare: number[] = [];
  for (let i = 0; i < o.pairs; i++) {
    const a = without[i]!;
    const b = withPage[i]!;
    const rate = b.requests / b.seconds;
    dPerReq.push((perReq(b) - perReq(a)) / perReq(a));
    dPoints.push(((perReq(b) - perReq(a)) * rate) / 1e4);
    dShare.push((share(b) - share(a)) * 100);
  }
  const f = (s: { mean: number; min: number; max: number }, unit: string, k = 1): string => `${(s.mean * k).toFixed(2)}${unit} (spread ${(s.min * k).toFixed(2)} … ${(s.max * k).toFixed(2)})`;
  console.log(`  the daemon's own CPU for the stream (its counter): ${f(stats(withPage.map((r) => points(r.streamUs, r))), ' points of one core')}`);
  console.log(`  the browser's CPU meanwhile: ${f(stats(withPage.map((r) => points(r.browserUs, r))), ' points of one core')}`);
  console.log(`  CPU per request with the page: ${f(stats(dPerReq), ' %', 100)}`);
  console.log(`  = points of one core at the measured rate: ${f(stats(dPoints), '')}  (target ≤ 2)`);
  console.log(`  raw difference of the daemon's CPU share: ${f(stats(dShare), ' points')}`);
}
