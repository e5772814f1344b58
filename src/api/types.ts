/** Request and response bodies of the control API (shared by the server and the client). */
import type { SyncDaemon, Timeouts } from '../core/model.js';
import type { Op } from '../core/ops.js';
import type { ConnView, ServiceView } from '../core/snapshot.js';
import type { ApplyMode, OpOutcome } from '../engine/director.js';
import type { ApiErrorBody } from './errors.js';

export type { HealthInfo } from '../engine/control-plane.js';
export type { ReloadReport } from '../engine/reload.js';
export type { IpvsSnapshot } from '../core/snapshot.js';

/** POST /v1/ops. `mode` defaults to `atomic`. */
export interface OpsRequest {
  readonly ops: readonly Op[];
  readonly mode?: ApplyMode;
}

/** POST /v1/ops answer: one outcome per operation, plus the first failure as `error`. */
export interface OpsResponse {
  readonly ok: boolean;
  readonly results: readonly OpOutcome[];
  readonly error?: ApiErrorBody['error'];
}

export interface ServicesResponse {
  readonly services: readonly ServiceView[];
}
export interface ConnectionsResponse {
  readonly connections: readonly ConnView[];
}
export type TimeoutsResponse = Timeouts;
export interface DaemonsResponse {
  readonly daemons: readonly SyncDaemon[];
}
