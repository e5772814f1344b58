/**
 * Configuration loading and reloading: read the configuration (through an injected source),
 * turn it into a desired state, diff it against the live IPVS state and apply the difference as
 * one atomic batch. Start-up and SIGHUP take the same path; they differ only in how strict they
 * are about diagnostics.
 */
import type { Op } from '../core/ops.js';
import type { KeepalivedConfig } from '../lang/keepalived/model.js';
import { silentLogger, type Logger } from '../core/ports.js';
import { desiredFromOps, diffState, NOTHING_OWNED, ownershipOf, type Ownership } from './diff.js';
import type { Director, OpOutcome } from './director.js';

/** One reading of the configuration, already translated to operations. */
export interface ConfigLoad {
  /** Diagnostics, each rendered the way keepalived prints it (`(Line 3) Unknown keyword 'x'`). */
  readonly messages: readonly string[];
  /** How many diagnostics are errors (not warnings). */
  readonly errors: number;
  /** The configuration could not be read at all (missing file, unreadable include). */
  readonly fatal: boolean;
  /** The desired state as operations (add-service, add-dest, set-timeouts, start-daemon). */
  readonly ops: readonly Op[];
  /**
   * The parsed keepalived.conf these operations come from, for the parts that need more than the
   * IPVS state (health checking); absent or null when the source has none (fatal, ipvsadm rules).
   */
  readonly model?: KeepalivedConfig | null;
}

export type ConfigSource = () => ConfigLoad | Promise<ConfigLoad>;

export type ReloadRefusal = 'unreadable' | 'config-errors' | 'translation' | 'apply';

export interface ReloadReport {
  readonly ok: boolean;
  /** Why nothing changed (only when ok is false). */
  readonly refused?: ReloadRefusal;
  readonly messages: readonly string[];
  /** The operations the difference consisted of (applied when ok). */
  readonly ops: readonly Op[];
  readonly outcomes: readonly OpOutcome[];
}

export interface ReloaderOptions {
  readonly director: Director;
  readonly source: ConfigSource;
  readonly logger?: Logger;
}

/**
 * `strict`: refuse a configuration that has any error diagnostic (SIGHUP and the API's reload:
 * the running state is kept). Not strict: apply what was understood, as keepalived does at
 * start-up (a configuration with typos still runs; its diagnostics are logged).
 * COMPAT(keepalived): keepalived reloads whatever it understood unless global_defs sets
 * `reload_check_config`; tsvs reloads as if that were always set.
 */
export type ReloadPolicy = 'strict' | 'lenient';

export class ConfigReloader {
  private owned: Ownership = NOTHING_OWNED;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly director: Director;
  private readonly source: ConfigSource;
  private readonly log: Logger;

  constructor(opts: ReloaderOptions) {
    this.director = opts.director;
    this.source = opts.source;
    this.log = opts.logger ?? silentLogger;
  }

  /** Load and apply; concurrent calls run one after another. */
  load(policy: ReloadPolicy): Promise<ReloadReport> {
    const run = this.queue.then(() => this.loadNow(policy));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadNow(policy: ReloadPolicy): Promise<ReloadReport> {
    let cfg: ConfigLoad;
    try {
      cfg = await this.source();
    } catch (e) {
      const message = `cannot read the configuration: ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(message);
      return { ok: false, refused: 'unreadable', messages: [message], ops: [], outcomes: [] };
    }
    for (const m of cfg.messages) this.log.info(m);
    const refuse = (refused: ReloadRefusal, ops: readonly Op[] = [], outcomes: readonly OpOutcome[] = []): ReloadReport => ({
      ok: false,
      refused,
      messages: cfg.messages,
      ops,
      outcomes,
    });
    if (cfg.fatal) return refuse('unreadable');
    if (policy === 'strict' && cfg.errors > 0) {
      this.log.error(`configuration has ${cfg.errors} error(s) - not reloading, keeping the running configuration`);
      return refuse('config-errors');
    }
    const desired = desiredFromOps(cfg.ops);
    if (!desired.ok) {
      this.log.error(`configuration cannot be applied: ${desired.reason}`);
      return refuse('translation');
    }
    for (const w of desired.warnings) this.log.warn(w);
    const ops = diffState(this.director.ipvs, desired.desired, this.owned);
    const report = this.director.apply(ops, 'atomic');
    if (!report.ok) {
      const i = report.outcomes.findIndex((o) => o.status === 'failed');
      const o = report.outcomes[i];
      const why = o && o.status === 'failed' ? `${o.errno} ${o.detail}` : 'unknown failure';
      this.log.error(`configuration refused by IPVS (${why}) - keeping the running configuration`);
      return refuse('apply', ops, report.outcomes);
    }
    this.owned = ownershipOf(desired.desired);
    this.log.info(`configuration applied: ${ops.length} change(s)`, { services: desired.desired.services.length });
    return { ok: true, messages: cfg.messages, ops, outcomes: report.outcomes };
  }
}
