/**
 * Ports: the interfaces through which the pure layers reach the outside world.
 * Adapters (src/adapters) implement them with real clocks, timers and sockets;
 * tests implement them with fakes (see fake-clock.ts). Nothing here does I/O.
 */

/** Monotonic time in milliseconds. Never goes backwards; unrelated to wall-clock time. */
export interface Clock {
  now(): number;
}

/** Opaque handle returned by {@link Timers.set}. */
export type TimerHandle = { readonly id: number };

/** One-shot timers driven by the same time base as {@link Clock}. */
export interface Timers {
  set(delayMs: number, fn: () => void): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** A seeded source of 32-bit unsigned random numbers (twos scheduler, VRRP jitter, ...). */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  next32(): number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logger. `msg` is a human sentence; fields carry the machine-readable facts. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** A logger that drops everything (default for pure components when none is given). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A problem a data plane has with one virtual service (VIP not local, port in use, fwmark unsupported...). */
export interface DataplaneProblem {
  /** Service id as serviceKeyString gives it, e.g. "tcp|127.0.0.100|8080". */
  readonly service: string;
  /** Stable code, e.g. 'vip-not-local', 'port-in-use', 'unsupported-fwmark', 'unsupported-protocol'. */
  readonly code: string;
  /** A sentence a user understands. */
  readonly message: string;
}

/**
 * Where traffic is carried: the socket proxy, the packet engine, or (later) kernel IPVS. The
 * director owns the IPVS state and the connection engine; the data plane reads the services from
 * them and feeds the connection engine what it sees.
 */
export interface Dataplane {
  readonly name: string;
  /** Bring the data plane in line with the current services (called after each applied batch of ops). */
  sync(): Promise<readonly DataplaneProblem[]>;
  /** Stop accepting new connections, let existing ones finish for up to `graceMs`, then close everything. */
  close(graceMs: number): Promise<void>;
  /** Data-plane counters under their own names (e.g. read/write operations, refused real servers retried). */
  counters(): Readonly<Record<string, number>>;
}
