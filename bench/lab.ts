/**
 * `npm run bench:lab` (node --import tsx bench/lab.ts): seed 004's cluster as `tsvs lab` builds it
 * (root and the native addon required), the client's probe sending a request every 100 ms, each on
 * a new connection with a 1 s timeout. Measured:
 *  - the failover gap when the master's `tsvs run` is killed (kill -9) and when it is stopped
 *    (SIGTERM): the longest time without an answer (last answer before → first answer after, send
 *    times), and the requests lost; each --runs times (default 5), median reported; the master is
 *    healed (it preempts) and the probe settles between runs;
 *  - the time from a real server's web server death (SIGKILL) to its removal from the master's
 *    table (`-L -n` polled every 100 ms), --rs-runs times (default 3).
 * The lab is taken down at the end, also on failure.
 */
import { labPrivilegeProblem } from '../src/cli/lab.js';
import { tableDests } from '../src/lab/adm.js';
import { down, up } from '../src/lab/lifecycle.js';
import { takeLabLock } from '../src/lab/lock.js';
import { failDirector, failRealServer, healDirector, healRealServer } from '../src/lab/nodes.js';
import { TimedProbe } from '../src/lab/probe.js';
import { summarize } from '../src/lab/probe-stats.js';
import { seed004Ha } from '../src/lab/scenarios/seed-004-ha.js';
import { nodeAddresses, sleep, until } from '../src/lab/shell.js';
import type { FailHow } from '../src/lab/types.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 5);
const RS_RUNS = arg('rs-runs', 3);
const VIP = '192.168.64.100';
const s = seed004Ha;
const quiet = (): void => {};

const median = (xs: readonly number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

async function failover(dir: string, how: FailHow): Promise<{ gapMs: number; lost: number }> {
  const tp = new TimedProbe(s.client.node, s.client.url, 100, 1_000);
  try {
    await tp.warm();
    await sleep(500);
    const t = tp.toProbe(performance.now());
    await failDirector(dir, s, 'lvs1', how);
    if (!(await tp.resumed(t, 2_000, 20_000))) throw new Error(`no answers after ${how} of lvs1`);
    const sum = summarize(tp.probe.sorted().filter((x) => x.t >= t - 100));
    return { gapMs: sum.maxGapMs, lost: sum.lost };
  } finally {
    await tp.probe.stop();
    await healDirector(dir, s, 'lvs1', quiet);
    await until(() => nodeAddresses('lvs1').includes(VIP), 20_000);
    // Let the preemption settle (the client's ARP entry moves back to lvs1).
    await sleep(3_000);
  }
}

async function rsRemoval(dir: string): Promise<number> {
  const addr = '192.168.64.143:80';
  const t0 = performance.now();
  await failRealServer(dir, s, 'rs1', 'kill');
  const ok = await until(async () => !((await tableDests(dir, 'lvs1')) ?? [addr]).includes(addr), 60_000, 100);
  const ms = performance.now() - t0;
  await healRealServer(dir, s, 'rs1');
  await until(async () => ((await tableDests(dir, 'lvs1')) ?? []).includes(addr), 60_000, 100);
  if (!ok) throw new Error('rs1 was not removed within 60 s');
  return ms;
}

async function main(): Promise<void> {
  const problem = labPrivilegeProblem();
  if (problem) {
    console.error(`bench:lab: ${problem}`);
    process.exitCode = 1;
    return;
  }
  const release = await takeLabLock((t) => void process.stderr.write(t));
  const dir = await up(s, null, quiet).catch((e: unknown) => {
    release();
    throw e;
  });
  try {
    await until(() => nodeAddresses('lvs1').includes(VIP), 20_000);
    await sleep(2_000);
    for (const how of ['kill', 'stop'] as const) {
      const runs: Array<{ gapMs: number; lost: number }> = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await failover(dir, how);
        runs.push(r);
        console.log(`${how === 'kill' ? 'kill -9' : 'SIGTERM'} of the master's tsvs run, run ${i + 1}: gap ${r.gapMs} ms, ${r.lost} requests lost`);
      }
      console.log(`  ${how}: median gap ${median(runs.map((r) => r.gapMs))} ms (min ${Math.min(...runs.map((r) => r.gapMs))}, max ${Math.max(...runs.map((r) => r.gapMs))}); median lost ${median(runs.map((r) => r.lost))} (total ${runs.reduce((a, r) => a + r.lost, 0)} of ${RUNS} runs)`);
    }
    const removal: number[] = [];
    for (let i = 0; i < RS_RUNS; i++) {
      const ms = await rsRemoval(dir);
      removal.push(ms);
      console.log(`rs1 web server killed → removed from lvs1's table, run ${i + 1}: ${Math.round(ms)} ms`);
    }
    console.log(`  removal: median ${Math.round(median(removal))} ms (min ${Math.round(Math.min(...removal))}, max ${Math.round(Math.max(...removal))}); delay_loop 6, connect_timeout 3, retry 3, delay_before_retry 3`);
  } finally {
    await down(s.name);
    release();
  }
}

await main();
