/**
 * A hashed timer wheel over small integer ids, driven by injected time: no timer per entry.
 *
 * Each id has an exact expiry in ms and is filed in the slot of some tick (tickMs wide). Moving
 * an expiry later only stores the new time (the entry is re-filed when its old slot comes up);
 * moving it earlier relinks it at once. {@link TimerWheel.advance} visits every tick up to
 * `now`, fires ids whose expiry is <= now in expiry order, and re-files the rest, so entries
 * expire exactly at their time whatever the tick width or the call rate.
 */

export interface TimerWheelOptions {
  /** Width of one slot in ms (default 128). */
  readonly tickMs?: number;
  /** Number of slots, a power of two (default 16384: about 35 minutes at 128 ms). */
  readonly slots?: number;
  /** Order of ids that expire at the same ms (negative: `a` first). */
  readonly tieBreak?: (a: number, b: number) => number;
}

export class TimerWheel {
  readonly tickMs: number;
  private readonly slotMask: number;
  private readonly head: Int32Array;
  private next: Int32Array;
  private prev: Int32Array;
  /** Tick the id is filed under, -1 when not armed. */
  private filed: Float64Array;
  /** Exact expiry in ms. */
  expires: Float64Array;
  private curTick = -1;
  private scratch = new Int32Array(256);
  private readonly order: (a: number, b: number) => number;
  /** Ids currently armed. */
  armed = 0;

  constructor(capacity: number, opts: TimerWheelOptions = {}) {
    this.tickMs = opts.tickMs ?? 128;
    const slots = opts.slots ?? 16384;
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.slotMask = slots - 1;
    this.head = new Int32Array(slots).fill(-1);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.filed = new Float64Array(capacity).fill(-1);
    this.expires = new Float64Array(capacity);
    const tie = opts.tieBreak;
    const exp = (): Float64Array => this.expires;
    this.order = (a, b) => exp()[a]! - exp()[b]! || (tie ? tie(a, b) : a - b);
  }

  get capacity(): number {
    return this.next.length;
  }

  /** Bytes of typed arrays held (for benchmarks). */
  get bytes(): number {
    return this.head.byteLength + this.next.byteLength + this.prev.byteLength + this.filed.byteLength + this.expires.byteLength;
  }

  ensureCapacity(n: number): void {
    if (n <= this.next.length) return;
    const copy = <T extends Int32Array | Float64Array>(old: T, make: (k: number) => T, fill?: number): T => {
      const a = make(n);
      if (fill !== undefined) a.fill(fill);
      a.set(old);
      return a;
    };
    this.next = copy(this.next, (k) => new Int32Array(k));
    this.prev = copy(this.prev, (k) => new Int32Array(k));
    this.filed = copy(this.filed, (k) => new Float64Array(k), -1);
    this.expires = copy(this.expires, (k) => new Float64Array(k));
  }

  /** Start the clock if it has not started (ticks before `now` are never visited). */
  begin(now: number): void {
    if (this.curTick < 0) this.curTick = Math.floor(now / this.tickMs);
  }

  isArmed(id: number): boolean {
    return this.filed[id]! >= 0;
  }

  /** Set the expiry of `id` to `at` ms ({@link TimerWheel.begin} must have run). */
  arm(id: number, at: number): void {
    if (this.curTick < 0) throw new Error('TimerWheel.begin(now) must run before arm()');
    this.expires[id] = at;
    const due = Math.max(Math.floor(at / this.tickMs), this.curTick);
    const filed = this.filed[id]!;
    if (filed >= 0) {
      if (due >= filed) return;
      this.unlink(id);
    }
    this.link(id, due);
  }

  disarm(id: number): void {
    if (this.filed[id]! >= 0) this.unlink(id);
  }

  private link(id: number, tick: number): void {
    const s = tick & this.slotMask;
    const h = this.head[s]!;
    this.next[id] = h;
    this.prev[id] = -1;
    if (h >= 0) this.prev[h] = id;
    this.head[s] = id;
    this.filed[id] = tick;
    this.armed++;
  }

  private unlink(id: number): void {
    const s = this.filed[id]! & this.slotMask;
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p >= 0) this.next[p] = n;
    else this.head[s] = n;
    if (n >= 0) this.prev[n] = p;
    this.filed[id] = -1;
    this.armed--;
  }

  /**
   * Fire every id whose expiry is <= now, in expiry order (ties by `tieBreak`), calling
   * `onDue(id, at)` with the id already disarmed; the callback may re-arm it. Returns the count.
   */
  advance(now: number, onDue: (id: number, at: number) => void): number {
    this.begin(now);
    const nowTick = Math.floor(now / this.tickMs);
    if (this.armed === 0) {
      if (nowTick > this.curTick) this.curTick = nowTick;
      return 0;
    }
    let fired = 0;
    for (let t = this.curTick; t <= nowTick; t++) {
      // Re-arms from callbacks into the past land in the tick being run, never behind it.
      this.curTick = t;
      if (this.head[t & this.slotMask]! >= 0) fired += this.runSlot(t, now, onDue);
    }
    return fired;
  }

  private runSlot(t: number, now: number, onDue: (id: number, at: number) => void): number {
    let n = 0;
    for (let id = this.head[t & this.slotMask]!; id >= 0; ) {
      const nx = this.next[id]!;
      const at = this.expires[id]!;
      if (at <= now) {
        if (n === this.scratch.length) this.growScratch();
        this.scratch[n++] = id;
      } else {
        const due = Math.floor(at / this.tickMs);
        if (due !== this.filed[id]) {
          this.unlink(id);
          this.link(id, due);
        }
      }
      id = nx;
    }
    if (n === 0) return 0;
    const due = this.scratch.subarray(0, n);
    if (n > 1) due.sort(this.order);
    for (let k = 0; k < n; k++) this.unlink(due[k]!);
    let fired = 0;
    for (let k = 0; k < n; k++) {
      const id = due[k]!;
      // An earlier callback may have re-armed this id; then it is no longer due here.
      if (this.filed[id]! >= 0) continue;
      onDue(id, this.expires[id]!);
      fired++;
    }
    return fired;
  }

  private growScratch(): void {
    const s = new Int32Array(this.scratch.length * 2);
    s.set(this.scratch);
    this.scratch = s;
  }
}
