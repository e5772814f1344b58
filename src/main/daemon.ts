/**
 * Composition root of `tsvs run`: the node clock and logger, the director, the configuration
 * reloader on the keepalived.conf reader, the control API, and the pid file. The only place that
 * knows both the engine and the adapters.
 *
 * The data plane: `--engine proxy` (the socket proxy of src/adapters/proxy, with the core's
 * connection engine doing IPVS's scheduling and accounting), or `--engine packet` (AF_PACKET
 * frames through src/core/forward: DR, NAT and TUN as each real server's lb_kind says).
 */
import { ApiServer, type TcpListen } from '../api/server.js';
import { NodeClock } from '../adapters/node-clock.js';
import type { Logger } from '../core/ports.js';
import { createControlPlane } from '../engine/control.js';
import type { ControlPlane } from '../engine/control-plane.js';
import { Director } from '../engine/director.js';
import { ConfigReloader, type ConfigSource, type ReloadReport } from '../engine/reload.js';
import { claimPidFile, removePidFile } from './pid-file.js';
import { ProxyDataplane } from '../adapters/proxy/index.js';
import { ConnEngine } from '../core/conn/engine.js';
import { PacketDataplane } from '../adapters/packet/dataplane.js';
import { loadRingAddon } from '../adapters/packet/native-ring.js';
import { runCommand } from '../adapters/packet/system.js';
// Health checking (issue 5): see "Health checking" at the end of this file.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { configFileIo } from '../adapters/config-files.js';
import { createProbeFactory, InterfaceAddresses, NotifyCommands, ScriptUsers, TrackFileWatcher } from '../adapters/checkers/index.js';
import { SeededRng } from '../core/rng.js';
import { HealthMonitor } from '../engine/health/monitor.js';
import { HealthReloader, type ModelSource } from '../engine/health/reloader.js';
import { parseKeepalivedConfig } from '../lang/keepalived/parse.js';
// VRRP (issue 6): see "VRRP" at the end of this file.
import { startVrrpRuntime, type VrrpRuntime } from '../adapters/vrrp/runtime.js';
import type { KeepalivedConfig } from '../lang/keepalived/model.js';
import type { VrrpTransition } from '../engine/vrrp/transitions.js';
import { idleVrrpStatus } from '../engine/vrrp/engine.js';
// Observability (issue 9): see "Observability" at the end of this file.
import { healthReport, Observability, reloadEvents, vrrpStartEvent, vrrpTransitionEvent } from '../engine/events.js';
import type { ObservabilitySource } from '../engine/control-plane.js';

export type EngineName = 'proxy' | 'packet';

export interface DaemonOptions {
  readonly version: string;
  readonly engine: EngineName;
  /** The configuration file and how to read it; null runs without one (rules only from the API). */
  readonly config: { readonly file: string; readonly source: ConfigSource; readonly configId?: string | null } | null;
  readonly socketPath: string;
  readonly tcp?: TcpListen;
  readonly pidFile?: string;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** On stop, how long open connections may take to finish before they are reset. */
  readonly stopGraceMs?: number;
}

export const DEFAULT_STOP_GRACE_MS = 5_000;

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
  await startDataplane(opts.engine, director, clock, log);

  const obs: Observability = new Observability({
    timers: clock,
    wallNow: () => Date.now(),
    sources: { problems: () => director.dataplaneInfo().problems },
  });
  const health = startHealth(director, clock, log, obs);
  const reloader = opts.config ? healthReloader(director, health, opts.config, log) : null;
  if (opts.config && reloader) {
    log.info(`Configuration file ${opts.config.file}`);
    const first = await reloader.load('lenient');
    for (const e of reloadEvents(first, true)) obs.log.record(e);
    if (!first.ok) throw new StartupError(`cannot use the configuration ${opts.config.file}: ${first.messages.at(-1) ?? first.refused}`);
  } else {
    log.info('no configuration file: virtual services come only from `tsvs adm` and the API');
  }

  if (opts.pidFile) claimPidFile(opts.pidFile, process.pid);
  let vrrp: VrrpRuntime | null = null;
  const control = createControlPlane({
    director,
    reloader,
    clock,
    info: { version: opts.version, pid: process.pid, engine: opts.engine, dataplane: 'running', configFile: opts.config?.file ?? null },
    vrrp: () => vrrp?.status() ?? idleVrrpStatus(null),
    observability: observabilitySource(obs, health),
    afterReload: (r) => afterReload(r, vrrp, opts.config, obs),
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
  if (opts.config) {
    vrrp = await startVrrp(opts.config, clock, log, (t) => obs.log.record(vrrpTransitionEvent(t), wallTimeOf(t, clock)));
    const started = vrrpStartEvent(vrrp.status());
    if (started) obs.log.record(started);
  }
  obs.start();
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
        obs.stop();
        await vrrp?.stop();
        await api.close();
        await health.stop();
        await director.closeDataplane(opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
        director.stop();
        if (opts.pidFile) removePidFile(opts.pidFile, process.pid);
        log.info(`Stopped tsvs v${opts.version}`);
      })()),
  };
}

// ---------------------------------------------------------------------------------------------
// Data plane: the connection engine (IPVS's per-packet decisions and accounting, pure) and the
// socket proxy that feeds it. Attached before the configuration is applied, so the first batch of
// services opens its listeners.

async function startDataplane(engine: EngineName, director: Director, clock: NodeClock, log: Logger): Promise<void> {
  if (engine === 'packet') return startPacketDataplane(director, clock, log);
  if (engine !== 'proxy') throw new StartupError(`engine '${engine}' is not available yet; use --engine proxy`);
  const conns = new ConnEngine(director.ipvs);
  const proxy = new ProxyDataplane(director.ipvs, conns, clock, clock, log, {});
  await director.attachDataplane(proxy, () => conns.views(clock.now()));
  log.info(`engine 'proxy': virtual services are carried by the socket proxy`);
}

/**
 * `--engine packet` (issue 7): AF_PACKET rings and the pure forwarding path; each destination is
 * carried by its own forwarding method (lb_kind DR, NAT or TUN). Needs root and the native addon.
 */
async function startPacketDataplane(director: Director, clock: NodeClock, log: Logger): Promise<void> {
  const ring = loadRingAddon();
  if (!ring.ok) throw new StartupError(`engine 'packet': ${ring.reason}`);
  if (process.getuid?.() !== 0) throw new StartupError(`engine 'packet' needs root (AF_PACKET sockets and nftables)`);
  const conns = new ConnEngine(director.ipvs);
  const packet = new PacketDataplane(director.ipvs, conns, clock, log, { addon: ring.addon, run: runCommand });
  await director.attachDataplane(packet, () => conns.views(clock.now()));
  log.info(`engine 'packet': virtual services are carried by AF_PACKET frames (DR, NAT, TUN per real server)`);
}

// ---------------------------------------------------------------------------------------------
// Health checking (issue 5): the checkers of keepalived.conf run on the node clock with the
// adapters of src/adapters/checkers; every (re)load goes through the health-aware reloader so
// that a reload and the health state compose (a real server health took out stays out).

function startHealth(director: Director, clock: NodeClock, log: Logger, obs: Observability): HealthMonitor {
  const scriptUsers = new ScriptUsers(log);
  return new HealthMonitor({
    director,
    clock,
    timers: clock,
    rng: new SeededRng(randomBytes(4).readUInt32BE(0)),
    logger: log,
    probes: createProbeFactory({ clock, timers: clock, logger: log }, scriptUsers),
    commands: new NotifyCommands(clock, log, scriptUsers),
    addresses: new InterfaceAddresses(clock),
    trackFiles: new TrackFileWatcher(log),
    checked: (c, r, ms, wasAlive) => obs.health.checked(c, r, ms, wasAlive),
    // No `applied` hook needed: every batch the monitor applies through the director syncs the data plane.
  });
}

/**
 * The reloader with the configuration's model, which the source reads with each load
 * (keepalivedSource); a source without a model runs no checkers.
 */
function healthReloader(director: Director, health: HealthMonitor, config: NonNullable<DaemonOptions['config']>, log: Logger): ConfigReloader {
  const source: ModelSource = async () => {
    const load = await config.source();
    const model = load.fatal ? null : (load.model ?? null);
    lastModel.set(config, model);
    return { load, model };
  };
  return new HealthReloader({ director, source, health, logger: log });
}

// ---------------------------------------------------------------------------------------------
// VRRP (issue 6): the vrrp_instances of keepalived.conf on raw sockets (native addon), iproute2
// and child-process scripts (src/adapters/vrrp/runtime.ts). Without the addon the daemon runs on
// without VRRP and says why in its log and in GET /v1/vrrp. A reload that the rest of the
// configuration passed carries the instances over (keepalived.md §4.11). Stopped first on
// SIGTERM, so the backup hears priority 0 at once.

/** The model of the configuration's latest load (health and VRRP share one parse per load). */
const lastModel = new WeakMap<object, KeepalivedConfig | null>();

function vrrpModel(config: NonNullable<DaemonOptions['config']>): KeepalivedConfig {
  const loaded = lastModel.get(config);
  if (loaded) return loaded;
  // A source that carries no model (an in-memory one): read the file as keepalived would.
  const configId = config.configId ?? hostname().split('.')[0] ?? '';
  return parseKeepalivedConfig(config.file, { ...configFileIo, configId }).model;
}

function startVrrp(config: NonNullable<DaemonOptions['config']>, clock: NodeClock, log: Logger, onTransition: (t: VrrpTransition) => void): Promise<VrrpRuntime> {
  return startVrrpRuntime(vrrpModel(config), clock, log, onTransition);
}

/**
 * After a reload (SIGHUP or the API): VRRP follows once the rest of the configuration was applied,
 * then the reload's events are recorded.
 */
async function afterReload(r: ReloadReport, vrrp: VrrpRuntime | null, config: DaemonOptions['config'], obs: Observability): Promise<void> {
  if (r.ok && vrrp && config) await vrrp.reload(vrrpModel(config));
  for (const e of reloadEvents(r, false)) obs.log.record(e);
}

// ---------------------------------------------------------------------------------------------
// Observability (issue 9): the event log (VRRP transitions from the VRRP engine's hook as they
// happen, health transitions from the monitor's `checked` hook, reloads and data-plane problems
// here) behind GET /v1/events, /v1/status, /metrics and the dashboard.

function observabilitySource(obs: Observability, health: HealthMonitor): ObservabilitySource {
  return {
    events: obs.log,
    healthReport: () => healthReport(health.current, obs.health),
    pollStatus: () => obs.watch.poll(),
  };
}

/** The wall-clock time of a transition the VRRP engine reports a moment after it happened (after its VIP work). */
function wallTimeOf(t: VrrpTransition, clock: NodeClock): number {
  return Date.now() - Math.max(0, clock.now() - t.at);
}
