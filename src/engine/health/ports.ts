/**
 * What health checking needs from the outside world, implemented in src/adapters/checkers/
 * (sockets, child processes, files, interface addresses) and by fakes in tests.
 */
import type { CheckResult, NotifyCommand } from '../../core/health/spec.js';
import type { Checker, RealServer, VirtualServer } from '../../lang/keepalived/model.js';

/** One checker's way of checking its real server. */
export interface HealthProbe {
  /**
   * Check once. HTTP_GET / SSL_GET check the URL at `urlIndex`; the others ignore it. Never
   * rejects: every problem is a `fail` (or `skipped` when the check could not even start).
   */
  run(urlIndex: number): Promise<CheckResult>;
  /** Release what the probe holds between runs; a run in progress still completes. */
  close(): void;
}

/** Where a probe runs: its checker, real server and virtual server, as configured. */
export interface ProbeTarget {
  readonly checker: Checker;
  readonly rs: RealServer;
  readonly vs: VirtualServer;
  /** keepalived's FMT_RS / FMT_VS for log lines. */
  readonly rsName: string;
  readonly vsName: string;
  /** global_defs script_user: who MISC_CHECK runs as when the checker names no `user`. */
  readonly scriptUser: { readonly user: string; readonly group: string | null } | null;
}

export type ProbeFactory = (target: ProbeTarget) => HealthProbe;

/** Runs notify_up/notify_down/quorum_up/quorum_down commands (no shell, bounded, failures logged). */
export interface CommandRunner {
  run(command: NotifyCommand, timeoutMs: number): Promise<void>;
}

/** What init_file did: wrote the value, left an existing file alone, or could not write. */
export type TrackFileInit = 'written' | 'kept' | 'not-regular' | 'failed';

/** The files FILE_CHECK follows, by path (the configuration's track_file blocks name them). */
export interface TrackFiles {
  /** The file's current value (0 when missing, empty or not a number, as keepalived reads it). */
  read(path: string): number;
  /** Call `changed` with the new value whenever the file changes; returns the way to stop. */
  watch(path: string, changed: (value: number) => void): () => void;
  /**
   * init_file (track_file.c track_file_end_handler): write `value` when the file does not exist;
   * with `overwrite` also over an existing regular file, except on a reload.
   */
  initialise(path: string, value: number, overwrite: boolean, reload: boolean): TrackFileInit;
}

/** Addresses configured on this host (ha_suspend). */
export interface AddressWatch {
  /** How many interfaces carry the address now. */
  count(address: string): number;
  /** Be told when an address appears (+1) or disappears (−1); returns the way to stop. */
  subscribe(changed: (address: string, delta: 1 | -1) => void): () => void;
}
