/**
 * The rate limit on the ICMP errors the director sends itself (time exceeded, port unreachable),
 * as the kernel's global one (icmp_global_allow): a token bucket refilled at
 * `icmp_msgs_per_sec` (1000) tokens a second, holding at most `icmp_msgs_burst` (50), full at
 * start. Driven by the `now` (ms) of the frame that asks, never by a clock of its own.
 * Fragmentation needed / packet too big are not limited, as the kernel leaves them out of
 * icmp_ratemask ("don't limit PMTU discovery"): limiting them would stall path MTU discovery.
 *
 * COMPAT(ipvsadm): the kernel also limits each destination (inet_peer, icmp_ratelimit 1 s with a
 * burst of 6 for the types in icmp_ratemask); the packet engine keeps no per-host state and
 * applies the global limit only, which still bounds what a flood of bad packets can make it send.
 */
import { ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';

/** net.ipv4.icmp_msgs_per_sec and net.ipv4.icmp_msgs_burst defaults (shared by ICMPv6). */
export const ICMP_MSGS_PER_SEC = 1000;
export const ICMP_MSGS_BURST = 50;

export class IcmpRateLimit {
  private credit: number;
  /** When the credit was last refilled (ms); null before the first error. */
  private stamp: number | null = null;

  constructor(
    readonly perSecond = ICMP_MSGS_PER_SEC,
    readonly burst = ICMP_MSGS_BURST,
  ) {
    this.credit = burst;
  }

  /** May an error of `type`/`code` (family `family`) be sent at `now`? Takes a token when it may. */
  allow(family: 4 | 6, type: number, code: number, now: number): boolean {
    if (isPmtuError(family, type, code)) return true;
    this.refill(now);
    if (this.credit === 0) return false;
    this.credit--;
    return true;
  }

  private refill(now: number): void {
    if (this.stamp === null) {
      this.stamp = now;
      return;
    }
    // At most a second's worth counts (the bucket is full by then); time going back adds nothing.
    const elapsed = Math.min(Math.max(now - this.stamp, 0), 1000);
    const add = Math.floor((this.perSecond * elapsed) / 1000);
    if (add === 0) return;
    // Only whole tokens are taken from the elapsed time, so a steady trickle still refills.
    this.credit = Math.min(this.burst, this.credit + add);
    this.stamp = elapsed === 1000 ? now : this.stamp + (add * 1000) / this.perSecond;
  }
}

function isPmtuError(family: 4 | 6, type: number, code: number): boolean {
  return family === 4 ? type === ICMP_TYPE.DEST_UNREACH && code === ICMP_CODE.FRAG_NEEDED : type === ICMP6_TYPE.PACKET_TOO_BIG;
}
