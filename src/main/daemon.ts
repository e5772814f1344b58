/**
 * Composition root of `tsvs run`: the node clock and logger, the director, the configuration
 * reloader on the keepalived.conf reader, the control API, and the pid file. The only place that
 * knows both the engine and the adapters.
 *
 * The data planes (`--engine proxy|packet`) are not built yet: the daemon keeps and serves the
 * IPVS rules (so `tsvs adm` and reloads work), and says in its log that nothing is forwarded.
 */
import { ApiServer, type TcpListen } from '../api/server.js';
import { NodeClock } from '../adapters/node-clock.js';
import type { Logger } from '../core/ports.js';
import { createControlPlane } from '../engine/control.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { Director } from '../engine/director.js';
import { ConfigReloader, type ConfigSource, type ReloadReport } from '../engine/reload.js';
import { claimPidFile, removePidFile } from './pid-file.js';

export type EngineName = 'proxy' | 'packet';

export interface DaemonOptions {
  readonly version: string;
  readonly engine: EngineName;
  /** The configuration file and how to read it; null runs without one (rules only from the API). */
  readonly config: { readonly file: string; readonly source: ConfigSource } | null;
  readonly socketPath: string;
  readonly tcp?: TcpListen;
  readonly pidFile?: string;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
}

export interface RunningDaemon {
  readonly control: ControlPlane;
  readonly director: Director;
  /** SIGHUP: re-read the configuration; a configuration with errors is refused. */
  reload(): Promise<ReloadReport>;
  /** SIGTERM/SIGINT: close the API (removing its socket), stop the timers, remove the pid file. */
  stop(): Promise<void>;
}

export class StartupError extends Error {}

export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const log = opts.logger;
  log.info(`Starting tsvs v${opts.version}`);
  const clock = new NodeClock();
  const director = new Director({ clock, timers: clock, logger: log });
  // TODO(data plane): build the proxy or packet engine here and attach it to the director
  // (director.setConnectionSource(...)); until then the rules are kept but nothing is forwarded.
  log.warn(`engine '${opts.engine}': the data plane is not available yet - rules are kept and served, no traffic is forwarded`);

  const reloader = opts.config ? new ConfigReloader({ director, source: opts.config.source, logger: log }) : null;
  if (opts.config && reloader) {
    log.info(`Configuration file ${opts.config.file}`);
    const first = await reloader.load('lenient');
    if (!first.ok) throw new StartupError(`cannot use the configuration ${opts.config.file}: ${first.messages.at(-1) ?? first.refused}`);
  } else {
    log.info('no configuration file: virtual services come only from `tsvs adm` and the API');
  }

  if (opts.pidFile) claimPidFile(opts.pidFile, process.pid);
  const control = createControlPlane({
    director,
    reloader,
    clock,
    info: { version: opts.version, pid: process.pid, engine: opts.engine, dataplane: 'none', configFile: opts.config?.file ?? null },
  });
  let api: ApiServer;
  try {
    api = await ApiServer.start({
      control,
      socketPath: opts.socketPath,
      logger: log,
      ...(opts.tcp ? { tcp: opts.tcp } : {}),
      ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    });
  } catch (e) {
    if (opts.pidFile) removePidFile(opts.pidFile, process.pid);
    throw new StartupError(`control API: ${e instanceof Error ? e.message : String(e)}`);
  }
  log.info(`control API listening on ${opts.socketPath}${opts.tcp ? ` and ${opts.tcp.host}:${api.tcpPort}` : ''}`);
  director.start();
  log.info('Startup complete');

  let stopping: Promise<void> | null = null;
  return {
    control,
    director,
    reload: async () => {
      log.info('Reloading');
      const r = await control.reload();
      if (r.ok) log.info('Reload finished');
      return r;
    },
    stop: () =>
      (stopping ??= (async () => {
        log.info('Stopping');
        await api.close();
        director.stop();
        if (opts.pidFile) removePidFile(opts.pidFile, process.pid);
        log.info(`Stopped tsvs v${opts.version}`);
      })()),
  };
}
