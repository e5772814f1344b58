/**
 * The VRRP part of the control API:
 *   GET /v1/vrrp    { running, reason, instances, syncGroups, sockets } (what `tsvs status` and
 *                   `tsvs vrrp status` show: state, priority, master address, last transition)
 * The composition root adds `vrrpStatus` to the control plane it serves; without it the answer
 * is "not running".
 */
import type { ControlPlane } from '../engine/control-plane.js';
import type { VrrpStatusReport } from '../engine/vrrp/engine.js';
import type { ApiResponse, BodyReader } from './routes.js';

export type { VrrpStatusReport, VrrpInstanceReport } from '../engine/vrrp/engine.js';

/** What a control plane offers when VRRP is wired in. */
export interface VrrpStatusSource {
  vrrpStatus(): VrrpStatusReport;
}

function hasVrrp(c: ControlPlane): c is ControlPlane & VrrpStatusSource {
  return typeof (c as Partial<VrrpStatusSource>).vrrpStatus === 'function';
}

export function vrrpStatusOf(c: ControlPlane): VrrpStatusReport {
  if (hasVrrp(c)) return c.vrrpStatus();
  return { running: false, reason: 'VRRP is not part of this daemon', instances: [], syncGroups: [], sockets: {} };
}

export const VRRP_ROUTES: ReadonlyArray<{
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly run: (c: ControlPlane, params: readonly string[], body: BodyReader) => ApiResponse;
}> = [{ method: 'GET', pattern: /^\/v1\/vrrp$/, run: (c) => ({ status: 200, body: vrrpStatusOf(c) }) }];
