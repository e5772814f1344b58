/**
 * VRRP timer arithmetic in microseconds, exactly as keepalived computes it (vrrp.h
 * VRRP_TIMER_SKEW_CALC, VRRP_MS_DOWN_TIMER; keepalived.md §4.2):
 *   v2 skew = (256 − prio) × 1 s / 256 — it does not scale with advert_int;
 *   v3 skew = (256 − prio) × master_adver_int / 256, computed from centiseconds × 625 / 16;
 *   master-down interval = down_timer_adverts × master_adver_int + skew.
 */

export const TIMER_HZ = 1_000_000;
const CENTI_HZ = 10_000;

/** Skew for `weight` (256 − priority, or 1 for the minimal skew). Integer µs, truncated as in C. */
export function skewUs(version: 2 | 3, weight: number, masterAdverIntUs: number): number {
  if (version === 3) return Math.floor((weight * Math.floor(masterAdverIntUs / CENTI_HZ) * 625) / 16);
  return Math.floor((weight * TIMER_HZ) / 256);
}

/** VRRP_TIMER_SKEW: skew for the effective priority. */
export function prioritySkewUs(version: 2 | 3, effectivePriority: number, masterAdverIntUs: number): number {
  return skewUs(version, 256 - effectivePriority, masterAdverIntUs);
}

/** VRRP_MS_DOWN_TIMER. */
export function masterDownUs(version: 2 | 3, downTimerAdverts: number, masterAdverIntUs: number, effectivePriority: number): number {
  return downTimerAdverts * masterAdverIntUs + prioritySkewUs(version, effectivePriority, masterAdverIntUs);
}

/** µs to the ms the Clock and Timers ports use. */
export function usToMs(us: number): number {
  return us / 1000;
}
