/**
 * The {@link ControlPlane} on a {@link Director} and a {@link ConfigReloader}: what the API serves.
 */
import type { Clock } from '../core/ports.js';
import type { ControlPlane, HealthInfo } from './control-plane.js';
import type { Director } from './director.js';
import type { ConfigReloader, ReloadReport } from './reload.js';

export interface ControlPlaneOptions {
  readonly director: Director;
  /** Null when the daemon runs without a configuration file (rules come only from the API). */
  readonly reloader: ConfigReloader | null;
  readonly clock: Clock;
  readonly info: Pick<HealthInfo, 'version' | 'pid' | 'engine' | 'dataplane' | 'configFile'>;
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
    reload: (): Promise<ReloadReport> =>
      reloader
        ? reloader.load('strict')
        : Promise.resolve({ ok: false, refused: 'unreadable', messages: ['no configuration file to reload'], ops: [], outcomes: [] }),
    health: () => ({ status: 'ok', ...info, uptimeMs: Math.round(clock.now() - started) }),
  };
}
