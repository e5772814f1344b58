/**
 * Scheduler micro-benchmark: nanoseconds per pick() for every scheduler at 10, 100 and 1,000
 * destinations with realistic counters (random weights 1..10, active 0..199 — for ovf 0..weight,
 * else it would never pick — inactive 0..1999, none overloaded). Services are built through the real reducer; pick contexts come from a
 * pre-built pool (256 clients, 64 packet destinations) so the timed loop allocates nothing.
 *
 * Run directly: node --import tsx bench/core-sched.ts
 */
import { pathToFileURL } from 'node:url';
import type { PickContext } from '../src/core/model.js';
import { SeededRng } from '../src/core/rng.js';
import { SCHEDULER_NAMES } from '../src/core/sched/registry.js';
import { SchedHarness, pickContext } from '../src/core/sched/test-support.js';

export interface SchedBenchRow {
  readonly scheduler: string;
  readonly dests: number;
  readonly nsPerPick: number;
}

const SIZES = [10, 100, 1000] as const;
const BATCH = 1024;
const MIN_TIMED_NS = 40_000_000n;

function buildService(name: string, n: number): SchedHarness {
  const rnd = new SeededRng(n * 7919 + name.length);
  const h = new SchedHarness(name, { rng: new SeededRng(42) });
  for (let i = 0; i < n; i++) {
    const weight = 1 + (rnd.next32() % 10);
    h.add(`d${i}`, weight);
    const d = h.svc.dests[0]!;
    d.activeConns = rnd.next32() % (name === 'ovf' ? weight + 1 : 200);
    d.inactConns = rnd.next32() % 2000;
  }
  return h;
}

function contextPool(): PickContext[] {
  const pool: PickContext[] = [];
  for (let i = 0; i < BATCH; i++) {
    pool.push(
      pickContext({
        saddr: `198.51.${(i >> 8) & 255}.${i & 255}`,
        sport: 1024 + i * 37,
        daddr: `203.0.113.${i % 64}`,
        now: i,
      }),
    );
  }
  return pool;
}

/** Time batches of picks until at least MIN_TIMED_NS elapsed; returns ns per pick. */
function measure(h: SchedHarness, pool: readonly PickContext[]): number {
  const sched = h.sched;
  const svc = h.svc;
  let sink = 0;
  for (let i = 0; i < 20 * BATCH; i++) if (sched.pick(svc, pool[i & (BATCH - 1)]!) !== null) sink++;
  let picks = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < MIN_TIMED_NS) {
    for (let i = 0; i < BATCH; i++) if (sched.pick(svc, pool[i]!) !== null) sink++;
    picks += BATCH;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink === 0) throw new Error(`${sched.name}: no pick succeeded`);
  return Number(elapsed) / picks;
}

export async function runSchedBench(): Promise<SchedBenchRow[]> {
  const pool = contextPool();
  const rows: SchedBenchRow[] = [];
  for (const scheduler of SCHEDULER_NAMES) {
    for (const dests of SIZES) {
      const h = buildService(scheduler, dests);
      rows.push({ scheduler, dests, nsPerPick: Math.round(measure(h, pool) * 10) / 10 });
      // Yield between measurements so a caller's event loop is not starved.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return rows;
}

function printTable(rows: readonly SchedBenchRow[]): void {
  const header = ['scheduler', ...SIZES.map((n) => `${n} dests`)];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(10) : h.padStart(12))).join(''));
  for (const name of SCHEDULER_NAMES) {
    const cells = SIZES.map((n) => rows.find((r) => r.scheduler === name && r.dests === n)!.nsPerPick.toFixed(1).padStart(12));
    console.log(name.padEnd(10) + cells.join(''));
  }
  console.log('(ns per pick)');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await runSchedBench());
}
