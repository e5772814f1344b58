/**
 * The per-checker state machine shared by TCP_CHECK, UDP_CHECK, PING_CHECK, SMTP_CHECK and
 * DNS_CHECK (keepalived.md §3.2; check_tcp.c tcp_epilog and its siblings), with each checker's
 * own log lines.
 *
 * COMPAT(keepalived): 2.2.7's TCP_CHECK and SMTP_CHECK also retry a server that is already down
 * (at delay_before_retry, `retry` times, before falling back to delay_loop); upstream fixed this
 * (commit 77dad708, "fix delay_loop for TCP_CHECK") and the reference describes the fixed
 * behaviour, which tsvs follows for every checker: a down server is polled every delay_loop.
 */
import { checkerVerdict } from './pool.js';
import type { CheckerRuntime, Effects } from './runtime.js';
import type { CheckerType, NextRun } from './spec.js';

interface Lines {
  /** Logged for each failure while up, with log_all_failures. */
  readonly eachFailure?: (rs: string, vs: string, reason: string) => string;
  /** Logged for a failure when the server is up (or not yet checked) and no retry is left, or with log_all_failures. */
  readonly finalFailure?: (rs: string, reason: string, suffix: string) => string;
  readonly up?: (rs: string) => string;
  readonly down?: (rs: string, vs: string, retries: number | null) => string;
}

const LINES: Partial<Record<CheckerType, Lines>> = {
  TCP_CHECK: {
    eachFailure: (rs, _vs, reason) => `TCP connection to ${rs} ${reason === 'timeout' ? 'timeout' : 'failed'}.`,
    up: (rs) => `TCP connection to ${rs} success.`,
    down: (rs, _vs, n) => (n !== null ? `TCP_CHECK on service ${rs} failed after ${n} retries.` : `TCP_CHECK on service ${rs} failed.`),
  },
  UDP_CHECK: {
    eachFailure: (rs, _vs, reason) => (reason === 'reply data mismatch' ? `UDP check to ${rs} reply data mismatch.` : `UDP connection to ${rs} failed.`),
    up: (rs) => `UDP connection to ${rs} success.`,
    down: (rs, _vs, n) => (n !== null ? `UDP_CHECK on service ${rs} failed after ${n} retries.` : `UDP_CHECK on service ${rs} failed.`),
  },
  PING_CHECK: {
    eachFailure: (rs, vs, reason) => (reason === 'timeout' ? `ICMP connection to address ${rs} timeout.` : `ICMP connection to ${rs} of ${vs} failed.`),
    up: (rs) => `ICMP connection to ${rs} success.`,
    down: (rs, vs, n) => (n !== null ? `ICMP CHECK on service ${rs} of ${vs} failed after ${n} retries.` : `ICMP CHECK on service ${rs} failed.`),
  },
  SMTP_CHECK: {
    finalFailure: (_rs, reason) => `SMTP_CHECK ${reason}`,
    up: (rs) => `Remote SMTP server ${rs} succeed on service.`,
  },
  DNS_CHECK: {
    finalFailure: (rs, reason, suffix) => `DNS_CHECK (${rs}) ${reason}${suffix}`,
  },
};

/** Log what keepalived logs before it decides about a failure. */
function noteFailure(c: CheckerRuntime, lines: Lines, reason: string, logAll: boolean, out: Effects): void {
  const rs = c.rs.name;
  if (lines.eachFailure && c.isUp && logAll) out.log(lines.eachFailure(rs, c.rs.vs.name, reason));
  if (lines.finalFailure && (c.isUp || !c.hasRun) && (logAll || c.retryIt >= c.retry)) {
    const suffix = c.hasRun && c.retryIt >= c.retry ? ` after ${c.retry} retries` : '';
    out.log(lines.finalFailure(rs, reason, suffix));
  }
}

/**
 * One result. Success brings a down (or not yet checked) checker up at once; a failure of an
 * up checker is retried `retry` times, `delay_before_retry` apart, before it goes down; a
 * checker that is down is simply checked again after delay_loop.
 */
export function genericResult(c: CheckerRuntime, ok: boolean, reason: string, logAll: boolean, out: Effects): NextRun {
  const lines = LINES[c.spec.type] ?? {};
  const all = logAll || c.spec.logAllFailures;
  if (!ok) noteFailure(c, lines, reason, all, out);
  let delayMs = c.spec.delayLoopMs;
  if (ok || ((c.isUp || !c.hasRun) && c.retryIt >= c.retry)) {
    c.retryIt = 0;
    if (ok && (!c.isUp || !c.hasRun)) {
      if (lines.up) out.log(lines.up(c.rs.name));
      checkerVerdict(c, true, out);
    } else if (!ok && (c.isUp || !c.hasRun)) {
      if (lines.down) out.log(lines.down(c.rs.name, c.rs.vs.name, c.retry && c.hasRun ? c.retry : null));
      checkerVerdict(c, false, out);
    }
  } else if (c.isUp) {
    delayMs = c.spec.delayBeforeRetryMs;
    c.retryIt++;
  }
  c.hasRun = true;
  return { delayMs, from: 'end' };
}
