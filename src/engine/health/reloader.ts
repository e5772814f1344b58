/**
 * The configuration reloader with health checking in the loop: each (re)load reads the
 * configuration and its model, has the health monitor plan against its current state, lets the
 * ordinary reload diff apply the configuration as health sees it, and commits the plan only when
 * the reload was applied. Start-up, SIGHUP and the API's reload all go through here.
 */
import type { Logger } from '../../core/ports.js';
import type { KeepalivedConfig } from '../../lang/keepalived/model.js';
import type { Director } from '../director.js';
import { ConfigReloader, type ConfigLoad, type ReloadPolicy, type ReloadReport } from '../reload.js';
import type { HealthMonitor, PendingHealth } from './monitor.js';

/** One reading of the configuration with its model (null when the source has none). */
export interface ModelLoad {
  readonly load: ConfigLoad;
  readonly model: KeepalivedConfig | null;
}

export type ModelSource = () => ModelLoad | Promise<ModelLoad>;

export interface HealthReloaderOptions {
  readonly director: Director;
  readonly source: ModelSource;
  readonly health: HealthMonitor;
  readonly logger?: Logger;
}

export class HealthReloader extends ConfigReloader {
  private readonly modelSource: ModelSource;
  private readonly health: HealthMonitor;
  /** What the inner reloader reads: set for the duration of one load. */
  private readonly reading: { next: () => ConfigLoad };
  private chain: Promise<unknown> = Promise.resolve();

  constructor(opts: HealthReloaderOptions) {
    const reading = { next: (): ConfigLoad => ({ messages: [], errors: 0, fatal: true, ops: [] }) };
    super({ director: opts.director, source: () => reading.next(), ...(opts.logger ? { logger: opts.logger } : {}) });
    this.reading = reading;
    this.modelSource = opts.source;
    this.health = opts.health;
  }

  /** Load and apply; concurrent calls run one after another. */
  override load(policy: ReloadPolicy): Promise<ReloadReport> {
    const run = this.chain.then(() => this.loadWithHealth(policy));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async loadWithHealth(policy: ReloadPolicy): Promise<ReloadReport> {
    let read: ModelLoad;
    try {
      read = await this.modelSource();
    } catch (e) {
      this.reading.next = () => {
        throw e;
      };
      return super.load(policy);
    }
    let pending: PendingHealth | null = null;
    // Planned when the reloader reads, right before its diff, so the plan sees the latest results.
    this.reading.next = () => {
      if (read.load.fatal) return read.load;
      pending = this.health.plan(read.model, read.load.ops);
      return { ...read.load, ops: pending.ops };
    };
    const report = await super.load(policy);
    if (report.ok && pending !== null) (pending as PendingHealth).commit();
    return report;
  }
}
