/**
 * Rate limit for the log lines of rejected adverts. keepalived 2.2.7 logs every bad packet (log
 * spam, keepalived issue #2444); 2.3.3+ logs each kind once until the state changes or a new
 * master is heard. tsvs logs each reason the first time, then at most once per interval, and
 * starts afresh on a state change or a new master; the counters still count every packet.
 * COMPAT(keepalived): 2.2.7 logs every rejected advert; tsvs (interval 60 s by default) logs each
 * reason once a minute per state; an interval of 0 gives 2.2.7's behaviour.
 */
export class RejectLog {
  private readonly intervalMs: number;
  private readonly last = new Map<string, number>();

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  shouldLog(reason: string, now: number): boolean {
    if (this.intervalMs <= 0) return true;
    const at = this.last.get(reason);
    if (at !== undefined && now - at < this.intervalMs) return false;
    this.last.set(reason, now);
    return true;
  }

  reset(): void {
    this.last.clear();
  }
}
