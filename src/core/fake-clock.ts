import type { Clock, TimerHandle, Timers } from './ports.js';

interface Pending {
  readonly handle: TimerHandle;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A manual clock with timers, for tests and simulations: time moves only when
 * {@link FakeClock.advance} is called, and due timers fire in (time, creation) order.
 */
export class FakeClock implements Clock, Timers {
  private t: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  set(delayMs: number, fn: () => void): TimerHandle {
    const handle = { id: ++this.seq };
    this.pending.push({ handle, at: this.t + Math.max(0, delayMs), seq: handle.id, fn });
    return handle;
  }

  clear(handle: TimerHandle): void {
    this.pending = this.pending.filter((p) => p.handle !== handle);
  }

  /** Number of timers not yet fired. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.pending) {
        if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}
