/**
 * The Clock and Timers ports on Node: monotonic time from `performance.now()`, one-shot timers on
 * `setTimeout`. Timers are unref'd by default so a pending estimator tick never keeps a process
 * alive on its own (the daemon stays up because its API server listens, not because of timers).
 */
import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle, Timers } from '../core/ports.js';

export interface NodeClockOptions {
  /** Keep the event loop alive while timers are pending (default false). */
  readonly ref?: boolean;
}

export class NodeClock implements Clock, Timers {
  private readonly ref: boolean;
  private seq = 0;
  private readonly live = new Map<number, NodeJS.Timeout>();

  constructor(opts: NodeClockOptions = {}) {
    this.ref = opts.ref ?? false;
  }

  now(): number {
    return performance.now();
  }

  set(delayMs: number, fn: () => void): TimerHandle {
    const handle: TimerHandle = { id: ++this.seq };
    const t = setTimeout(() => {
      this.live.delete(handle.id);
      fn();
    }, Math.max(0, delayMs));
    if (!this.ref) t.unref();
    this.live.set(handle.id, t);
    return handle;
  }

  clear(handle: TimerHandle): void {
    const t = this.live.get(handle.id);
    if (t === undefined) return;
    clearTimeout(t);
    this.live.delete(handle.id);
  }

  /** Timers set and not yet fired or cleared. */
  get pendingCount(): number {
    return this.live.size;
  }
}
