/**
 * Per-object IPVS counters and the kernel's 2-second rate estimator (ipvs.md §7).
 * Counters are JavaScript numbers (exact up to 2^53, far beyond what a process will count).
 */

/** The five counters as shown to users (raw value minus the last zero point). */
export interface StatsSnapshot {
  readonly conns: number;
  readonly inpkts: number;
  readonly outpkts: number;
  readonly inbytes: number;
  readonly outbytes: number;
}

/** Rates as the kernel reports them (rounded per-second values). */
export interface RateSnapshot {
  readonly cps: number;
  readonly inpps: number;
  readonly outpps: number;
  readonly inbps: number;
  readonly outbps: number;
}

/** The estimator runs every 2 s of (injected) time. */
export const ESTIMATOR_PERIOD_MS = 2000;

/** Floor division by a power of two, as the kernel's arithmetic right shift on signed 64-bit. */
function shr(v: number, bits: number): number {
  return Math.floor(v / 2 ** bits);
}

export class Stats {
  // Raw counters: only ever incremented.
  conns = 0;
  inpkts = 0;
  outpkts = 0;
  inbytes = 0;
  outbytes = 0;
  // Zero point recorded by `-Z`.
  private z: StatsSnapshot = { conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 };
  // Estimator state: previous raw values and scaled averages (cps/pps x 2^10, bps x 2^5).
  private last: StatsSnapshot = this.z;
  private avgCps = 0;
  private avgInpps = 0;
  private avgOutpps = 0;
  private avgInbps = 0;
  private avgOutbps = 0;

  countIn(bytes: number): void {
    this.inpkts++;
    this.inbytes += bytes;
  }

  countOut(bytes: number): void {
    this.outpkts++;
    this.outbytes += bytes;
  }

  /** Counters as shown (since the last zeroing). */
  snapshot(): StatsSnapshot {
    return {
      conns: this.conns - this.z.conns,
      inpkts: this.inpkts - this.z.inpkts,
      outpkts: this.outpkts - this.z.outpkts,
      inbytes: this.inbytes - this.z.inbytes,
      outbytes: this.outbytes - this.z.outbytes,
    };
  }

  private raw(): StatsSnapshot {
    return { conns: this.conns, inpkts: this.inpkts, outpkts: this.outpkts, inbytes: this.inbytes, outbytes: this.outbytes };
  }

  /** `-Z`: new zero point, and the estimator restarts from zero. */
  zero(): void {
    this.z = this.raw();
    this.last = this.z;
    this.avgCps = this.avgInpps = this.avgOutpps = this.avgInbps = this.avgOutbps = 0;
  }

  /** One estimator step; call every {@link ESTIMATOR_PERIOD_MS}. */
  estimate(): void {
    const cur = this.raw();
    const l = this.last;
    // Packet-like counters: delta over 2 s << 9 = per-second rate x 2^10. Bytes: << 4 = x 2^5.
    this.avgCps += shr((cur.conns - l.conns) * 512 - this.avgCps, 2);
    this.avgInpps += shr((cur.inpkts - l.inpkts) * 512 - this.avgInpps, 2);
    this.avgOutpps += shr((cur.outpkts - l.outpkts) * 512 - this.avgOutpps, 2);
    this.avgInbps += shr((cur.inbytes - l.inbytes) * 16 - this.avgInbps, 2);
    this.avgOutbps += shr((cur.outbytes - l.outbytes) * 16 - this.avgOutbps, 2);
    this.last = cur;
  }

  rates(): RateSnapshot {
    return {
      cps: shr(this.avgCps + 0x1ff, 10),
      inpps: shr(this.avgInpps + 0x1ff, 10),
      outpps: shr(this.avgOutpps + 0x1ff, 10),
      inbps: shr(this.avgInbps + 0xf, 5),
      outbps: shr(this.avgOutbps + 0xf, 5),
    };
  }

  /** Scaled internal averages (for tests against the kernel's published sequence). */
  internalAverages(): { cps: number; inpps: number; outpps: number; inbps: number; outbps: number } {
    return { cps: this.avgCps, inpps: this.avgInpps, outpps: this.avgOutpps, inbps: this.avgInbps, outbps: this.avgOutbps };
  }
}
