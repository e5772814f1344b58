/**
 * Runs a scenario's steps against the lab that is up and turns each into checks. Failures of
 * directors and real servers happen while the probe runs (a request every 100 ms, each a new
 * connection with a 1 s timeout), so gaps and lost requests are measured as the client sees them.
 */
import { adm, tableDests } from './adm.js';
import { failDirector, failRealServer, findRealServer, healDirector, healRealServer } from './nodes.js';
import { requests, TimedProbe, type ProbeLine } from './probe.js';
import { summarize } from './probe-stats.js';
import { childEnv, tsvsArgv } from './processes.js';
import { inNode, nodeAddresses, sleep, until } from './shell.js';
import type { Scenario, Step } from './types.js';
import { check, lineCheck, sameAnswerCheck, sequenceCheck, sharesCheck, type Check } from './verdict.js';

export const PROBE_INTERVAL_MS = 100;
export const PROBE_TIMEOUT_MS = 1_000;

interface Ctx {
  readonly s: Scenario;
  readonly dir: string;
  readonly log: (t: string) => void;
}

const answersOf = (ls: readonly ProbeLine[]): (string | null)[] => ls.map((l) => l.answer);

function rsAddress(s: Scenario, node: string): string {
  const rs = findRealServer(s, node);
  const n = s.nodes.find((x) => x.name === node)!;
  return `${n.links[0]!.addrs[0]!.split('/')[0]}:${rs.port}`;
}

async function vipCheck(node: string, vip: string, present: boolean, withinMs: number): Promise<Check> {
  const t0 = performance.now();
  const ok = await until(() => nodeAddresses(node).includes(vip) === present, withinMs, 50);
  return check(`VIP ${vip} ${present ? 'on' : 'not on'} ${node}`, ok, ok ? `after ${Math.round(performance.now() - t0)} ms` : `not within ${withinMs} ms (addresses: ${nodeAddresses(node).join(' ')})`);
}

function gapChecks(what: string, samples: readonly ProbeLine[], from: number, maxGapMs: number): Check[] {
  const win = samples.filter((x) => x.t >= from);
  const sum = summarize(win);
  const open = sum.gaps.some((g) => g.to === null);
  return [
    check(`${what}: longest time without an answer`, !open && sum.maxGapMs <= maxGapMs, `${sum.maxGapMs} ms (limit ${maxGapMs} ms), ${sum.lost} of ${sum.requests} requests lost${open ? ', still failing at the end' : ''}`),
  ];
}

async function failDirectorStep(ctx: Ctx, st: Extract<Step, { kind: 'fail-director' }>): Promise<Check[]> {
  const tp = new TimedProbe(ctx.s.client.node, ctx.s.client.url, PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS);
  try {
    await tp.warm();
    const tFail = tp.toProbe(performance.now());
    await failDirector(ctx.dir, ctx.s, st.node, st.how);
    ctx.log(`  ${st.node}: failed (${st.how})\n`);
    const out: Check[] = [];
    if (st.vipMovesTo && st.vip) out.push(await vipCheck(st.vipMovesTo, st.vip, true, st.maxGapMs + 5_000));
    const resumed = await tp.resumed(tFail, 1_500, st.maxGapMs + 8_000);
    const samples = tp.probe.sorted();
    out.push(...gapChecks(`${st.how} ${st.node}`, samples, tFail - PROBE_INTERVAL_MS, st.maxGapMs));
    if (!resumed) out.push(check('requests answered again', false, 'no answers after the failure'));
    if (st.sameAnswerAfter) {
      // The answers once the gap is over: after the last request that failed.
      const lastLost = samples.filter((x) => x.t >= tFail && x.answer === null).at(-1)?.t ?? tFail;
      out.push(sameAnswerCheck('after failover the client stays on one real server', answersOf(samples.filter((x) => x.t > lastLost))));
    }
    return out;
  } finally {
    await tp.probe.stop();
  }
}

async function healDirectorStep(ctx: Ctx, st: Extract<Step, { kind: 'heal-director' }>): Promise<Check[]> {
  const tp = new TimedProbe(ctx.s.client.node, ctx.s.client.url, PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS);
  try {
    // Heal even when nothing answers now (the failure may be what the heal repairs).
    await tp.started();
    const t = tp.toProbe(performance.now());
    await healDirector(ctx.dir, ctx.s, st.node, ctx.log);
    ctx.log(`  ${st.node}: healed\n`);
    const out: Check[] = [];
    if (st.vipBackTo && st.vip) out.push(await vipCheck(st.vipBackTo, st.vip, true, 15_000));
    await tp.resumed(tp.toProbe(performance.now()), 1_500, st.maxGapMs + 8_000);
    out.push(...gapChecks(`heal ${st.node}`, tp.probe.sorted(), t - PROBE_INTERVAL_MS, st.maxGapMs));
    return out;
  } finally {
    await tp.probe.stop();
  }
}

async function failRealServerStep(ctx: Ctx, st: Extract<Step, { kind: 'fail-realserver' }>): Promise<Check[]> {
  const addr = rsAddress(ctx.s, st.node);
  const tp = new TimedProbe(ctx.s.client.node, ctx.s.client.url, PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS);
  try {
    await tp.warm();
    const t0 = performance.now();
    await failRealServer(ctx.dir, ctx.s, st.node, st.how);
    ctx.log(`  ${st.node}: failed (${st.how})\n`);
    const removed = await until(async () => !((await tableDests(ctx.dir, st.director)) ?? [addr]).includes(addr), st.removedWithinMs, 100);
    const took = Math.round(performance.now() - t0);
    const out = [check(`${addr} removed from ${st.director}'s table`, removed, removed ? `${took} ms after the failure (limit ${st.removedWithinMs} ms)` : `still there after ${st.removedWithinMs} ms`)];
    const tRemoved = tp.toProbe(performance.now());
    await sleep(1_500);
    const after = answersOf(tp.probe.answeredAfter(tRemoved));
    const lostBefore = tp.probe.sorted().filter((x) => x.answer === null && x.t >= tp.toProbe(t0) - PROBE_INTERVAL_MS && x.t < tRemoved).length;
    const only = after.length >= 5 && after.every((a) => a !== null && st.othersOnly.includes(a));
    out.push(check(`after the removal only ${st.othersOnly.join(', ')} answer${st.othersOnly.length === 1 ? 's' : ''}`, only, `${after.length} answers: ${[...new Set(after)].join(', ')}; ${lostBefore} requests failed before the removal`));
    return out;
  } finally {
    await tp.probe.stop();
  }
}

async function healRealServerStep(ctx: Ctx, st: Extract<Step, { kind: 'heal-realserver' }>): Promise<Check[]> {
  const addr = rsAddress(ctx.s, st.node);
  const t0 = performance.now();
  await healRealServer(ctx.dir, ctx.s, st.node);
  const back = await until(async () => ((await tableDests(ctx.dir, st.director)) ?? []).includes(addr), st.backWithinMs, 100);
  const out = [check(`${addr} back in ${st.director}'s table`, back, back ? `${Math.round(performance.now() - t0)} ms after the heal (limit ${st.backWithinMs} ms)` : `not within ${st.backWithinMs} ms`)];
  const got = answersOf(await requests(ctx.s.client.node, ctx.s.client.url, st.answers.length * 2));
  const all = st.answers.every((a) => got.includes(a)) && got.every((g) => g !== null);
  out.push(check(`${st.answers.join(' and ')} answer again`, all, got.join(', ')));
  return out;
}

async function saveRestore(ctx: Ctx, director: string): Promise<Check[]> {
  const before = await adm(ctx.dir, director, ['-S', '-n']);
  const cleared = await adm(ctx.dir, director, ['-C']);
  const empty = await adm(ctx.dir, director, ['-S', '-n']);
  const restored = await adm(ctx.dir, director, ['-R'], before.out);
  const after = await adm(ctx.dir, director, ['-S', '-n']);
  return [
    check('ipvsadm-save -n, -C, ipvsadm-restore', before.code === 0 && cleared.code === 0 && restored.code === 0 && empty.out === '', `exits ${before.code} ${cleared.code} ${restored.code}; ${before.out.split('\n').filter(Boolean).length} rules saved, ${empty.out.split('\n').filter(Boolean).length} after -C`),
    check('ipvsadm-save -n after the restore equals the saved rules', before.out !== '' && after.out === before.out, after.out === before.out ? before.out.trim().replace(/\n/g, ' | ') : `before:\n${before.out}after:\n${after.out}`),
  ];
}

export async function runStep(ctx: Ctx, st: Step): Promise<Check[]> {
  switch (st.kind) {
    case 'requests': {
      const got = answersOf(await requests(ctx.s.client.node, ctx.s.client.url, st.count));
      const out: Check[] = [];
      if (st.sequence) out.push(sequenceCheck(st.sequence, got));
      if (st.shares) out.push(sharesCheck(st.shares, got));
      if (st.sameAnswer) out.push(sameAnswerCheck(`${st.count} requests from one client reach one real server (persistence)`, got));
      return out;
    }
    case 'adm': {
      const r = await adm(ctx.dir, st.director, st.argv);
      const name = `ipvsadm ${st.argv.join(' ')} on ${st.director}`;
      if (st.expectCode !== undefined) {
        const pass = r.code === st.expectCode && (st.expectErr === undefined || r.err === st.expectErr);
        return [check(name, pass, `exit ${r.code} (expected ${st.expectCode}): ${JSON.stringify(r.err.trim())}${pass || st.expectErr === undefined ? '' : `; expected ${JSON.stringify(st.expectErr.trim())}`}`)];
      }
      if (st.expect !== undefined) return [check(name, r.code === 0 && r.out === st.expect, r.out === st.expect ? JSON.stringify(r.out.trim()) : `expected ${JSON.stringify(st.expect)}; got ${JSON.stringify(r.out)} ${r.err}`)];
      if (st.expectLine !== undefined) return [lineCheck(name, r.out, st.expectLine)];
      return [check(name, r.code === 0, `exit ${r.code}${r.err ? `: ${r.err.trim()}` : ''}`)];
    }
    case 'save-restore':
      return saveRestore(ctx, st.director);
    case 'vip-on':
      return [await vipCheck(st.node, st.vip, st.present, st.withinMs)];
    case 'vrrp-adverts': {
      const r = inNode(st.node, tsvsArgv(['vrrp', 'watch', st.ifname, '-c', '2']), undefined, 15_000, childEnv());
      const want = `${st.from} > 224.0.0.18: VRRPv2, Advertisement, vrid ${st.vrid}, prio ${st.prio},`;
      const lines = r.out.split('\n').filter((l) => l.includes('Advertisement'));
      const pass = lines.length === 2 && lines.every((l) => l.trim().startsWith(want) && l.includes(`addrs: ${st.vip}`));
      return [check(`VRRP adverts seen on ${st.node} (tcpdump -nn -vvv vrrp)`, pass, pass ? `${lines.length} × ${want} addrs: ${st.vip}` : `expected 2 × "${want} ... addrs: ${st.vip}"; got:\n${r.out}${r.err}`)];
    }
    case 'fail-director':
      return failDirectorStep(ctx, st);
    case 'heal-director':
      return healDirectorStep(ctx, st);
    case 'fail-realserver':
      return failRealServerStep(ctx, st);
    case 'heal-realserver':
      return healRealServerStep(ctx, st);
  }
}

/** Every step in order; a step that throws is one failed check, and the run goes on. */
export async function runSteps(s: Scenario, dir: string, log: (t: string) => void, onCheck: (c: Check) => void): Promise<Check[]> {
  const all: Check[] = [];
  for (const st of s.steps) {
    let checks: Check[];
    try {
      checks = await runStep({ s, dir, log }, st);
    } catch (e) {
      checks = [check(st.kind, false, e instanceof Error ? e.message : String(e))];
    }
    for (const c of checks) onCheck(c);
    all.push(...checks);
  }
  return all;
}
