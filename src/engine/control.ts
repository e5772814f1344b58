/**
 * The {@link ControlPlane} on a {@link Director} and a {@link ConfigReloader}: what the API serves.
 */
import type { Clock } from '../core/ports.js';
import type { ControlPlane, HealthInfo, ObservabilitySource } from './control-plane.js';
import type { Director } from './director.js';
import type { ConfigReloader, ReloadReport } from './reload.js';
import { idleVrrpStatus, type VrrpStatusReport } from './vrrp/engine.js';

export interface ControlPlaneOptions {
  readonly director: Director;
  /** Null when the daemon runs without a configuration file (rules come only from the API). */
  readonly reloader: ConfigReloader | null;
  readonly clock: Clock;
  readonly info: Pick<HealthInfo, 'version' | 'pid' | 'engine' | 'dataplane' | 'configFile'>;
  /** VRRP's status when the daemon runs VRRP (read on each request). */
  readonly vrrp?: () => VrrpStatusReport;
  readonly observability?: ObservabilitySource | null;
  /** Runs after every reload through the control plane (SIGHUP or the API), before it answers. */
  readonly afterReload?: (r: ReloadReport) => Promise<void>;
}

function reloadWith(reloader: ConfigReloader | null): Promise<ReloadReport> {
  return reloader
    ? reloader.load('strict')
    : Promise.resolve({ ok: false, refused: 'unreadable', messages: ['no configuration file to reload'], ops: [], outcomes: [] });
}

export function createControlPlane(opts: ControlPlaneOptions): ControlPlane {
  const { director, reloader, clock, info } = opts;
  const started = clock.now();
  return {
    snapshot: () => director.snapshot(),
    connections: () => director.connections(),
    timeouts: () => ({ ...director.ipvs.timeouts }),
    daemons: () => director.snapshot().daemons.map((d) => ({ ...d })),
    apply: async (ops, mode) => {
      const report = director.apply(ops, mode);
      await director.settled();
      return report;
    },
    dataplane: () => director.dataplaneInfo(),
    reload: async (): Promise<ReloadReport> => {
      const r = await reloadWith(reloader);
      await opts.afterReload?.(r);
      return r;
    },
    health: () => ({ status: 'ok', ...info, uptimeMs: Math.round(clock.now() - started) }),
    vrrpStatus: opts.vrrp ?? (() => idleVrrpStatus('VRRP is not part of this daemon')),
    observability: opts.observability ?? null,
  };
}
