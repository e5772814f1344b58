/**
 * FILE_CHECK: the real server follows a number kept in a file (track_file.c, check_file.c).
 * Without a weight, a non-zero value fails the checker (a zero one with `reverse`); with a
 * weight, value × weight (negated by `reverse`) is added to the real server's weight, and a
 * result at or below IPVS_WEIGHT_FAULT fails it.
 */
import { checkerVerdict, setServerWeight } from './pool.js';
import type { CheckerRuntime, Effects } from './runtime.js';
import { IPVS_WEIGHT_FAULT, weightRange } from './weights.js';

/** What a file value means for one FILE_CHECK: a weight change, or IPVS_WEIGHT_FAULT. */
export function fileCheckStatus(c: CheckerRuntime, value: number): number {
  const v = c.spec.variant;
  if (v.kind !== 'file') return 0;
  const multiplier = v.reverse ? -1 : 1;
  if (v.weight === 0) return (value !== 0) !== v.reverse ? IPVS_WEIGHT_FAULT : 0;
  return weightRange(value * v.weight * multiplier);
}

/** The state a FILE_CHECK starts in from the file's value at start-up (set_track_file_checkers_down, set_track_file_weights). */
export function fileCheckInitial(c: CheckerRuntime, value: number): void {
  c.fileStatus = value;
  c.hasRun = true;
  const status = fileCheckStatus(c, value);
  if (status === IPVS_WEIGHT_FAULT) {
    c.isUp = false;
    c.rs.numFailedCheckers++;
  } else c.curWeight = status;
}

/** process_update_checker_track_file_status(): the file now holds `value`. */
export function fileCheckChanged(c: CheckerRuntime, value: number, out: Effects): void {
  if (value === c.fileStatus) return;
  const previous = fileCheckStatus(c, c.fileStatus);
  const next = fileCheckStatus(c, value);
  c.fileStatus = value;
  if (previous === next) return;
  if (next === IPVS_WEIGHT_FAULT) {
    checkerVerdict(c, false, out);
    c.rs.effectiveWeight -= c.curWeight;
    c.curWeight = 0;
  } else if (previous === IPVS_WEIGHT_FAULT) {
    c.curWeight = next;
    c.rs.effectiveWeight += next;
    checkerVerdict(c, true, out);
  } else {
    setServerWeight(c.rs, c.rs.effectiveWeight + next - previous, true, out);
    c.curWeight = next;
  }
}
