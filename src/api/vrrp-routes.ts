/**
 * The VRRP part of the control API:
 *   GET /v1/vrrp    { running, reason, instances, syncGroups, sockets } (what `tsvs status` and
 *                   `tsvs vrrp status` show: state, priority, master address, last transition)
 * The control plane's `vrrpStatus()` answers; without VRRP it says "not running" and why.
 */
import type { ControlPlane } from '../engine/control-plane.js';
import type { ApiResponse, BodyReader } from './routes.js';

export type { VrrpStatusReport, VrrpInstanceReport } from '../engine/vrrp/engine.js';
export type { VrrpPeer } from '../engine/vrrp/transitions.js';

export const VRRP_ROUTES: ReadonlyArray<{
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly run: (c: ControlPlane, params: readonly string[], body: BodyReader) => ApiResponse;
}> = [{ method: 'GET', pattern: /^\/v1\/vrrp$/, run: (c) => ({ status: 200, body: c.vrrpStatus() }) }];
