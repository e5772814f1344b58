/**
 * MISC_CHECK results (keepalived.md §3.2; check_misc.c misc_check_child_thread): exit status 0
 * passes; with misc_dynamic a status of 2..255 passes too and sets the real server's weight to
 * status − 2; anything else fails, as does a program killed by a signal (a timeout is reported
 * as "timed out"). Runs are spaced from the start of the previous run.
 */
import { checkerVerdict, setServerWeight } from './pool.js';
import type { CheckerRuntime, Effects } from './runtime.js';
import type { NextRun } from './spec.js';

interface Outcome {
  /** "succeeded", "failed", "timed out"; null: nothing to report (a silent retry). */
  type: string | null;
  success: boolean;
  reason: string | null;
  code: number;
  /** Only log: a retry follows (log_all_failures). */
  messageOnly: boolean;
}

/** A failure while up: retry if retries are left (silently unless log_all_failures). */
function failure(c: CheckerRuntime, o: Outcome, logAll: boolean): boolean {
  if (c.retryIt < c.retry) {
    c.retryIt++;
    if (logAll) o.messageOnly = true;
    else o.type = null;
    return false;
  }
  c.retryIt = 0;
  return true;
}

function onExit(c: CheckerRuntime, status: number, logAll: boolean, out: Effects): Outcome {
  const o: Outcome = { type: null, success: false, reason: null, code: 0, messageOnly: false };
  const dynamic = c.spec.variant.kind === 'misc' && c.spec.variant.dynamic;
  if (status === 0 || (dynamic && status >= 2 && status <= 255)) {
    if (status !== c.lastExitCode) {
      // The weight becomes status − 2 (0..253); a plain 0 restores the configured weight.
      let effective = c.rs.effectiveWeight - c.curWeight;
      c.curWeight = status ? status - 2 - c.rs.spec.weight : 0;
      effective += c.curWeight;
      setServerWeight(c.rs, effective, true, out);
      c.lastExitCode = status;
    }
    if (!c.isUp || !c.hasRun) {
      o.type = 'succeeded';
      o.success = true;
    }
    c.retryIt = 0;
  } else if (c.isUp || !c.hasRun) {
    Object.assign(o, { type: 'failed', reason: 'exited with status', code: status });
    if (failure(c, o, logAll)) {
      c.rs.effectiveWeight -= c.curWeight;
      c.curWeight = 0;
      c.lastExitCode = status;
    }
  }
  return o;
}

function onSignal(c: CheckerRuntime, signal: number, timedOut: boolean, logAll: boolean): Outcome {
  const o: Outcome = { type: null, success: false, reason: null, code: 0, messageOnly: false };
  if (c.isUp || !c.hasRun) {
    if (timedOut) o.type = 'timed out';
    else Object.assign(o, { type: 'failed', reason: 'due to signal', code: signal });
    failure(c, o, logAll);
  }
  return o;
}

/** The retry part of the message, from retry_it after the decision. */
function retryText(c: CheckerRuntime): string {
  const r = c.retry;
  if (!r) return ' with retry disabled';
  if (c.retryIt === 1) return `, will do ${r} ${r === 1 ? 'retry' : 'retries'}`;
  if (c.retryIt > 1) return ` on retry ${c.retryIt - 1}/${r}`;
  return ` after ${r} ${r === 1 ? 'retry' : 'retries'}`;
}

export type MiscEnd = { readonly kind: 'exit'; readonly status: number } | { readonly kind: 'signal'; readonly signal: number; readonly timedOut: boolean };

export function miscResult(c: CheckerRuntime, end: MiscEnd, logAllGlobal: boolean, out: Effects): NextRun {
  const logAll = logAllGlobal || c.spec.logAllFailures;
  const o = end.kind === 'exit' ? onExit(c, end.status, logAll, out) : onSignal(c, end.signal, end.timedOut, logAll);
  if (o.type !== null) {
    const retry = o.success ? '' : retryText(c);
    const program = c.spec.variant.kind === 'misc' ? c.spec.variant.program : '';
    const head = `Misc check for [${c.rs.name} VS ${c.rs.vs.name}] by [${program}] ${o.type}${retry}`;
    out.log(o.reason !== null ? `${head} (${o.reason} ${o.code}).` : `${head}.`);
    if (!o.messageOnly) {
      checkerVerdict(c, o.success, out);
      if (!o.success) c.curWeight = 0;
    }
  }
  c.hasRun = true;
  return { delayMs: c.retryIt ? c.spec.delayBeforeRetryMs : c.spec.delayLoopMs, from: 'start' };
}
