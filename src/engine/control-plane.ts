/**
 * The control plane as the API server sees it: the one facade between `src/api` and the engine.
 * The composition root (src/main/daemon.ts) implements it on a {@link Director} and a config
 * reloader; the API and the commands reach the engine only through this surface.
 */
import type { SyncDaemon, Timeouts } from '../core/model.js';
import type { Op } from '../core/ops.js';
import type { ConnView, IpvsSnapshot } from '../core/snapshot.js';
import type { ApplyMode, ApplyReport, DataplaneInfo } from './director.js';
import type { EventLog, RealServerHealth } from './events.js';
import type { ReloadReport } from './reload.js';
import type { VrrpStatusReport } from './vrrp/engine.js';

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
  /** GET /v1/vrrp, `tsvs vrrp status`: "not running" with the reason when VRRP is not part of the daemon. */
  vrrpStatus(): VrrpStatusReport;
  /** The event log and health figures (GET /v1/events, /v1/status, /metrics); null when not wired in. */
  readonly observability: ObservabilitySource | null;
}

/** What the observability routes read besides the IPVS state. */
export interface ObservabilitySource {
  readonly events: EventLog;
  healthReport(): readonly RealServerHealth[];
  /** Compare data-plane problems with the last reading now (records events). */
  pollStatus(): void;
}
