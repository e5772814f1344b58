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
