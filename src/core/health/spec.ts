/**
 * What the health-checking policy is given (specs), what a probe reports (CheckResult) and what
 * the policy asks the outside world to do (HealthEffect). The policy itself (state.ts and the
 * modules it uses) is keepalived's checker side (keepalived.md §3) on injected results and time;
 * the engine translates a keepalived.conf model into these specs and effects into IPVS operations.
 */

/** A command to run without a shell (keepalived.md §1.10): args[0] is the program. */
export interface NotifyCommand {
  /** The command as configured (for log lines). */
  readonly text: string;
  readonly args: readonly string[];
  readonly user: string | null;
  readonly group: string | null;
}

export type CheckerType =
  | 'TCP_CHECK'
  | 'HTTP_GET'
  | 'SSL_GET'
  | 'MISC_CHECK'
  | 'SMTP_CHECK'
  | 'DNS_CHECK'
  | 'UDP_CHECK'
  | 'PING_CHECK'
  | 'FILE_CHECK'
  | 'BFD_CHECK';

/** What distinguishes the checkers whose results are interpreted differently. */
export type CheckerVariant =
  /** TCP, UDP, PING, SMTP, DNS (and BFD): one result, pass or fail (keepalived.md §3.2). */
  | { readonly kind: 'generic' }
  /** HTTP_GET / SSL_GET: one URL per run, in order. */
  | { readonly kind: 'http'; readonly paths: readonly string[]; readonly fastRecovery: boolean }
  /** MISC_CHECK: an exit status or a signal; `dynamic` turns statuses 2..255 into weights. */
  | { readonly kind: 'misc'; readonly dynamic: boolean; readonly program: string }
  /** FILE_CHECK: driven by the value in the tracked file (`file`: its path), not by runs. */
  | { readonly kind: 'file'; readonly file: string; readonly weight: number; readonly reverse: boolean };

export interface CheckerSpec {
  readonly type: CheckerType;
  /**
   * Reload identity: checkers of one real server with equal identities are "the same checker"
   * (keepalived compares the type and its connection options, checker_funcs->compare).
   */
  readonly identity: string;
  readonly alpha: boolean;
  readonly retry: number;
  readonly delayLoopMs: number;
  readonly delayBeforeRetryMs: number;
  readonly warmupMs: number;
  readonly logAllFailures: boolean;
  readonly variant: CheckerVariant;
}

export interface RealServerSpec {
  /** Identity inside its virtual server: address and port (keepalived.md §3.6). */
  readonly id: string;
  /** keepalived's FMT_RS, e.g. `[10.0.0.1]:tcp:80`. */
  readonly name: string;
  readonly weight: number;
  readonly inhibit: boolean;
  readonly notifyUp: NotifyCommand | null;
  readonly notifyDown: NotifyCommand | null;
  readonly checkers: readonly CheckerSpec[];
}

export interface SorryServerSpec {
  readonly id: string;
  readonly name: string;
  readonly inhibit: boolean;
}

export interface VirtualServerSpec {
  /** Reload identity (protocol+address+port, family+fwmark, or group name). */
  readonly id: string;
  /** keepalived's FMT_VS, e.g. `[192.168.0.100]:tcp:80`, `FWM 7`, `[group]:0`. */
  readonly name: string;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp: NotifyCommand | null;
  readonly quorumDown: NotifyCommand | null;
  readonly omega: boolean;
  readonly haSuspend: boolean;
  readonly sorry: SorryServerSpec | null;
  readonly realServers: readonly RealServerSpec[];
}

export interface HealthSpec {
  readonly virtualServers: readonly VirtualServerSpec[];
  /** global_defs `checker_log_all_failures`. */
  readonly logAllFailures: boolean;
}

/**
 * One run's outcome, as a probe reports it.
 * - `pass`: the check succeeded (`detail` names what was verified, for HTTP log lines).
 * - `fail`: it failed; `reason` is keepalived's wording for that checker type.
 * - `exit` / `signal`: how a MISC_CHECK program ended.
 * - `skipped`: the check could not be started (no socket, bind failure, no ICMP): keepalived
 *   logs, leaves the state alone and tries again after delay_loop.
 */
export type CheckResult =
  | { readonly kind: 'pass'; readonly detail?: string }
  | { readonly kind: 'fail'; readonly reason: string }
  | { readonly kind: 'exit'; readonly status: number }
  | { readonly kind: 'signal'; readonly signal: number; readonly timedOut: boolean }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * What the policy asks for.
 * - `dest`: this real server (or the sorry server) should now be in the virtual server's
 *   services with `weight`, or absent. It mirrors one keepalived ipvs_cmd().
 * - `notify`: run a notify_up/down or quorum_up/down command (`stopping`: during shutdown,
 *   where keepalived bounds it to one second).
 * - `log`: one line, in keepalived's words.
 */
export type HealthEffect =
  | { readonly kind: 'dest'; readonly vs: string; readonly dest: string; readonly sorry: boolean; readonly present: boolean; readonly weight: number }
  | { readonly kind: 'notify'; readonly command: NotifyCommand; readonly stopping: boolean }
  | { readonly kind: 'log'; readonly message: string };

/** When the next run of a checker is due. */
export interface NextRun {
  readonly delayMs: number;
  /** MISC_CHECK counts from the start of the previous run; the others from its end. */
  readonly from: 'end' | 'start';
}
