/** IPVS weight limits as keepalived uses them (ip_vs.h, check_data.h real_weight, track_file.c weight_range). */

export const IPVS_WEIGHT_MAX = 2147483647;
/** The largest weight keepalived programs. */
export const IPVS_WEIGHT_LIMIT = IPVS_WEIGHT_MAX;
/** A tracked file value at or below this puts its FILE_CHECK in the failed state. */
export const IPVS_WEIGHT_FAULT = -IPVS_WEIGHT_MAX - 1;

/** The weight IPVS is given for an effective weight (negative → 0, capped at the limit). */
export function realWeight(effective: number): number {
  if (effective < 0) return 0;
  return effective > IPVS_WEIGHT_LIMIT ? IPVS_WEIGHT_LIMIT : effective;
}

/** Clamp to a 32-bit signed integer. */
export function weightRange(w: number): number {
  if (w < IPVS_WEIGHT_FAULT) return IPVS_WEIGHT_FAULT;
  return w > IPVS_WEIGHT_MAX ? IPVS_WEIGHT_MAX : w;
}
