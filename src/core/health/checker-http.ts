/**
 * HTTP_GET / SSL_GET: one URL per run, in configuration order (keepalived.md §3.2; check_http.c
 * epilog, timeout_epilog, http_handle_response). The checker is up only after every URL of a
 * round has passed; a failing URL is retried up to `retry` times, then the checker goes down and
 * that URL is re-polled every max(delay_before_retry, delay_loop); once it passes, a full round
 * of all URLs starts again.
 */
import { checkerVerdict } from './pool.js';
import type { CheckerRuntime, Effects } from './runtime.js';
import type { NextRun } from './spec.js';

type Method = 'new' | 'retry' | 'failed';

function paths(c: CheckerRuntime): readonly string[] {
  return c.spec.variant.kind === 'http' ? c.spec.variant.paths : [];
}

/** The URL to fetch in the next run (index into the checker's URLs). */
export function httpNextUrl(c: CheckerRuntime): number {
  return c.urlIt ?? 0;
}

function epilog(c: CheckerRuntime, method: Method, out: Effects): NextRun {
  const count = paths(c).length;
  if (method === 'new') {
    c.urlIt = c.urlIt === null || c.urlIt + 1 >= count ? null : c.urlIt + 1;
    c.retryIt = 0;
  } else if (method === 'retry') c.retryIt++;

  if (method === 'new' && c.urlIt === null && c.failedUrl === null) {
    if (!c.isUp || !c.hasRun) {
      out.log(`Remote Web server ${c.rs.name} succeed on service.`);
      checkerVerdict(c, true, out);
      c.hasRun = true;
    }
    c.urlIt = 0;
    c.retryIt = 0;
  } else if (method === 'retry' && c.retryIt > c.retry) {
    if (c.isUp || !c.hasRun) {
      const n = c.hasRun && c.retry ? ` after ${c.retryIt - 1} retries` : '';
      out.log(`HTTP_CHECK on service ${c.rs.name} failed${n}.`);
      checkerVerdict(c, false, out);
    }
    c.failedUrl = c.urlIt;
  } else if (method === 'new' && c.failedUrl !== null) {
    c.failedUrl = null;
    c.urlIt = 0;
    c.retryIt = 0;
  }

  const s = c.spec;
  let delayMs: number;
  if (method === 'new') {
    delayMs = s.delayLoopMs;
    if (!c.hasRun) c.retryIt = c.retry;
  } else if (c.failedUrl !== null) delayMs = Math.max(s.delayBeforeRetryMs, s.delayLoopMs);
  else delayMs = s.delayBeforeRetryMs;
  // fast_recovery: while the checker is not up and no URL is known to fail, do not wait.
  const fast = s.variant.kind === 'http' && s.variant.fastRecovery;
  if (fast && (!c.hasRun || (!c.isUp && c.failedUrl === null))) delayMs = 0;
  return { delayMs, from: 'end' };
}

/** A URL passed; `detail` is what was verified ("HTTP status code", "MD5 digest", "Regex match"). */
export function httpPass(c: CheckerRuntime, detail: string, out: Effects): NextRun {
  if (!c.isUp) out.log(`${detail} success to ${c.rs.name} url(${paths(c)[httpNextUrl(c)] ?? ''})`);
  return epilog(c, 'new', out);
}

/** A URL failed; `reason` is keepalived's phrase, e.g. "Timeout connecting", "HTTP status code error to". */
export function httpFail(c: CheckerRuntime, reason: string, logAll: boolean, out: Effects): NextRun {
  if (c.isUp || !c.hasRun) {
    if (logAll || c.spec.logAllFailures) out.log(`${reason} server ${c.rs.name}.`);
    c.hasRun = true;
    return epilog(c, 'retry', out);
  }
  // A server already known to be down is not retried.
  return epilog(c, 'failed', out);
}
