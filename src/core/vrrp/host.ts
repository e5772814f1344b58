/**
 * What an instance and a sync group see of the process running them while one event is handled:
 * the event's time and a sink for effects.
 */
import type { VrrpEffect } from './types.js';

export interface Host {
  /** Monotonic ms of the event being handled. */
  readonly now: number;
  emit(e: VrrpEffect): void;
  /** `-D`-only lines (keepalived's LOG_DETAIL) are emitted at debug level. */
  debug(message: string): void;
  info(message: string): void;
}
