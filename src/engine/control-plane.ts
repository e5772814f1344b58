/**
 * The control plane as the API server sees it: the one facade between `src/api` and the engine.
 * The composition root (src/main/daemon.ts) implements it on a {@link Director} and a config
 * reloader; the API and the commands reach the engine only through this surface.
 */
import type { SyncDaemon, Timeouts } from '../core/model.js';
import type { Op } from '../core/ops.js';
import type { ConnView, IpvsSnapshot } from '../core/snapshot.js';
import type { ApplyMode, ApplyReport, DataplaneInfo } from './director.js';
import type { ReloadReport } from './reload.js';

export interface HealthInfo {
  readonly status: 'ok';
  readonly version: string;
  readonly pid: number;
  /** Data plane the daemon was started with (`--engine`), and whether it is forwarding yet. */
  readonly engine: string;
  readonly dataplane: 'none' | 'running';
  readonly configFile: string | null;
  readonly uptimeMs: number;
}

export interface ControlPlane {
  snapshot(): IpvsSnapshot;
  connections(): ConnView[];
  timeouts(): Timeouts;
  daemons(): SyncDaemon[];
  /** Resolves once the data plane carries the change (listeners open, ...). */
  apply(ops: readonly Op[], mode: ApplyMode): Promise<ApplyReport>;
  dataplane(): DataplaneInfo;
  reload(): Promise<ReloadReport>;
  health(): HealthInfo;
}
