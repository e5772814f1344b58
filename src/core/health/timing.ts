/**
 * When checkers first run (keepalived.md §3.1; check_api.c register_checkers_thread): one second
 * after start-up plus a uniformly random share of the warmup (warmup defaults to delay_loop, so
 * checks of many real servers spread over the first loop instead of all firing at once).
 */
import type { Rng } from '../ports.js';

/** keepalived's BOOTSTRAP_DELAY. */
export const BOOTSTRAP_DELAY_MS = 1000;

/** Delay before a checker's first run: 1 s + uniform(0, warmup). */
export function firstRunDelay(warmupMs: number, rng: Rng): number {
  if (warmupMs <= 0) return BOOTSTRAP_DELAY_MS;
  return BOOTSTRAP_DELAY_MS + (warmupMs * rng.next32()) / 0xffffffff;
}
