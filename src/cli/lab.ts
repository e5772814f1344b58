/**
 * `tsvs lab`: every seed's experiment on one Linux machine, in network namespaces.
 *   list | up SCENARIO [--config DIR] | probe [--interval 100ms] [--count N] [--timeout 1s]
 *   fail director|realserver NAME [--how kill|stop|link] | heal ... | test SCENARIO [--config DIR] | down [SCENARIO]
 * --config DIR: DIR/<director>.conf replaces that director's keepalived.conf (your own configuration
 * in the seed's topology, checked by the seed's experiment).
 * Exit status: 0 ok (test: every check passed), 1 failure, 2 usage error.
 */
import { loadRingAddon } from '../adapters/packet/native-ring.js';
import { LAB_USAGE, parseLabArgs, type LabCommand } from '../lab/args.js';
import { down, up } from '../lab/lifecycle.js';
import { takeLabLock } from '../lab/lock.js';
import { clusterMap } from '../lab/map.js';
import { failDirector, failRealServer, healDirector, healRealServer } from '../lab/nodes.js';
import { probeLinePrinter, RunningProbe } from '../lab/probe.js';
import { formatSummary, summarize } from '../lab/probe-stats.js';
import { findScenario, SCENARIOS } from '../lab/scenarios/index.js';
import { runSteps } from '../lab/steps.js';
import { currentScenario, stateDir } from '../lab/state.js';
import type { Scenario } from '../lab/types.js';
import { formatVerdict } from '../lab/verdict.js';

const out = (t: string): void => void process.stdout.write(t);
const err = (t: string): void => void process.stderr.write(t);

/** Why the lab cannot run here, or null. */
export function labPrivilegeProblem(): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, AF_PACKET, nftables)';
  const ring = loadRingAddon();
  return ring.ok ? null : ring.reason;
}

function scenarioOrError(name: string): Scenario | null {
  const s = findScenario(name);
  if (!s) err(`tsvs lab: no scenario '${name}'; one of: ${SCENARIOS.map((x) => x.name).join(', ')}\n`);
  return s ?? null;
}

function current(): { s: Scenario; dir: string } | null {
  const name = currentScenario();
  const s = name ? findScenario(name) : undefined;
  if (!name || !s) {
    err('tsvs lab: no lab is up (tsvs lab up SCENARIO)\n');
    return null;
  }
  return { s, dir: stateDir(name) };
}

async function probe(c: Extract<LabCommand, { cmd: 'probe' }>): Promise<number> {
  const cur = current();
  if (!cur) return 1;
  out(`probe from ${cur.s.client.node}: GET ${cur.s.client.url} every ${c.intervalMs} ms, new connection each, ${c.timeoutMs} ms timeout${c.count ? `, ${c.count} requests` : '; Ctrl-C for the summary'}\n`);
  const p = new RunningProbe(cur.s.client.node, cur.s.client.url, c.intervalMs, c.count ?? 0, c.timeoutMs, probeLinePrinter(out, c.intervalMs));
  const onSig = (): void => void p.stop();
  process.once('SIGINT', onSig);
  await p.done.catch((e: unknown) => err(`${e instanceof Error ? e.message : String(e)}\n`));
  process.removeListener('SIGINT', onSig);
  out(formatSummary(summarize(p.sorted())));
  return 0;
}

async function test(s: Scenario, configDir: string | null): Promise<number> {
  const t0 = performance.now();
  out(`tsvs lab test ${s.name}: ${s.title}\n`);
  let dir: string;
  try {
    dir = await up(s, configDir, out);
  } catch (e) {
    out(formatVerdict(s.name, [{ name: 'lab up', pass: false, detail: e instanceof Error ? e.message : String(e) }]));
    return 1;
  }
  out(`up in ${Math.round(performance.now() - t0)} ms\n`);
  let checks;
  try {
    checks = await runSteps(s, dir, out, (c) => out(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`));
  } finally {
    const d = await down(s.name);
    out(`down: ${d.stopped} processes stopped, ${d.namespaces.length} namespaces removed\n`);
  }
  out(`\n${formatVerdict(s.name, checks)}`);
  out(`took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return checks.every((c) => c.pass) ? 0 : 1;
}

/** up, test and down change the lab: one at a time on the machine (src/lab/lock.ts). */
async function locked(f: () => Promise<number>): Promise<number> {
  const release = await takeLabLock(err);
  try {
    return await f();
  } finally {
    release();
  }
}

async function execute(c: LabCommand): Promise<number> {
  if (c.cmd === 'list') {
    for (const s of SCENARIOS) out(`${s.name.padEnd(20)} ${s.title}\n`);
    return 0;
  }
  const problem = labPrivilegeProblem();
  if (problem) {
    err(`tsvs lab: ${problem}\n`);
    return 1;
  }
  switch (c.cmd) {
    case 'up': {
      const s = scenarioOrError(c.scenario);
      if (!s) return 2;
      await locked(async () => (await up(s, c.configDir, out), 0));
      const dir = stateDir(s.name);
      out(`\n${clusterMap(s, dir)}\nTry:\n${s.tryNext.map((l) => `  ${l}`).join('\n')}\n  tsvs lab test ${s.name}                # the seed's expected outcome, checked\n  tsvs lab down\n`);
      return 0;
    }
    case 'down':
      return locked(async () => {
        const d = await down(c.scenario);
        out(`tsvs lab down: ${d.stopped} processes stopped, ${d.namespaces.length} namespaces removed${d.namespaces.length ? ` (${d.namespaces.join(' ')})` : ''}\n`);
        return 0;
      });
    case 'test': {
      const s = scenarioOrError(c.scenario);
      return s ? locked(() => test(s, c.configDir)) : 2;
    }
    case 'probe':
      return probe(c);
    case 'fail':
    case 'heal': {
      const cur = current();
      if (!cur) return 1;
      if (c.cmd === 'fail') await (c.target === 'director' ? failDirector(cur.dir, cur.s, c.node, c.how) : failRealServer(cur.dir, cur.s, c.node, c.how));
      else await (c.target === 'director' ? healDirector(cur.dir, cur.s, c.node, out) : healRealServer(cur.dir, cur.s, c.node));
      out(`${c.cmd === 'fail' ? `failed (${c.how})` : 'healed'}: ${c.target} ${c.node}\n`);
      return 0;
    }
  }
}

export async function labCommand(args: string[]): Promise<number> {
  const c = parseLabArgs(args);
  if (typeof c === 'string') {
    err(`tsvs lab: ${c}\n${LAB_USAGE}`);
    return 2;
  }
  // An unknown scenario is a usage error anywhere (not only where the lab can run): `down NAME`
  // in particular must never reach the file system with a name that is not a scenario's.
  if ((c.cmd === 'up' || c.cmd === 'test' || c.cmd === 'down') && c.scenario !== null && !scenarioOrError(c.scenario)) return 2;
  try {
    return await execute(c);
  } catch (e) {
    err(`tsvs lab: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
