/**
 * A keepalived.conf model as health-checking specs (core/health/spec.ts), with keepalived's
 * names for log lines (FMT_VS, FMT_RS) and the identities a reload matches by. Also the table from
 * a virtual server's identity back to its model objects and IPVS services, which the engine needs
 * to turn the policy's effects into operations.
 */
import type { CheckerSpec, CheckerVariant, HealthSpec, NotifyCommand, RealServerSpec, VirtualServerSpec } from '../../core/health/spec.js';
import { serviceKeyString, type ServiceKey } from '../../core/model.js';
import type { Checker, KeepalivedConfig, RealServer, Script, TrackFile, VirtualServer } from '../../lang/keepalived/model.js';
import { serviceKey } from '../../lang/keepalived/to-ops.js';

export interface VsEntry {
  readonly vs: VirtualServer;
  readonly spec: VirtualServerSpec;
  /** The IPVS services this virtual server programs. */
  readonly keys: readonly ServiceKey[];
  readonly realServers: ReadonlyMap<string, RealServer>;
  /** Model checker objects by their position in the spec (rs id → checkers kept in the spec). */
  readonly checkers: ReadonlyMap<string, readonly Checker[]>;
  readonly scriptUser: ScriptUser;
}

export interface HealthModel {
  readonly spec: HealthSpec;
  readonly byId: ReadonlyMap<string, VsEntry>;
  /** Service key string → virtual server identity. */
  readonly byService: ReadonlyMap<string, string>;
  /** Problems found while translating (unsupported or unresolvable checkers). */
  readonly problems: readonly string[];
}

export function vsName(vs: VirtualServer): string {
  if (vs.kind === 'group') return `[${vs.group}]:0`;
  if (vs.kind === 'fwmark') return `FWM ${vs.fwmark}`;
  return `[${vs.address}]:${vs.protocol ?? 'none'}:${vs.port}`;
}

export function rsName(vs: VirtualServer, address: string, port: number): string {
  return `[${address}]:${vs.protocol ?? 'none'}:${port}`;
}

export const destId = (address: string, port: number): string => `${address}|${port}`;

type ScriptUser = KeepalivedConfig['globalDefs']['scriptUser'];

/** A notify command; without its own user it runs as global_defs script_user. */
function command(s: Script | null, def: ScriptUser): NotifyCommand | null {
  if (!s) return null;
  const own = s.user !== null;
  return { text: s.text, args: s.args, user: own ? s.user : (def?.user ?? null), group: own ? s.group : (def?.group ?? null) };
}

/** What keepalived compares to decide that a checker is unchanged: everything but timing and alpha. */
export function checkerIdentity(c: Checker): string {
  return JSON.stringify(c, (k, v: unknown) =>
    k === 'loc' || k === 'alpha' || k === 'retry' || k === 'delayBeforeRetry' || k === 'delayLoop' || k === 'warmup' || k === 'logAllFailures' ? undefined : v,
  );
}

/**
 * FILE_CHECK: the track_file block it names (the first of that name, as keepalived finds it); a
 * FILE_CHECK without a weight of its own takes the block's weight and direction (check_file.c
 * file_end_handler).
 */
function fileVariant(c: Extract<Checker, { type: 'FILE_CHECK' }>, files: readonly TrackFile[] | null): CheckerVariant | string {
  if (!files) return 'track files are not followed by this health monitor';
  const f = files.find((t) => t.name === c.trackFile);
  if (!f) return `track_file ${c.trackFile} not found`;
  return { kind: 'file', file: f.path, weight: c.weight ?? f.weight, reverse: c.weight !== null ? c.reverse : f.reverse };
}

function variant(c: Checker, files: readonly TrackFile[] | null): CheckerVariant | string {
  switch (c.type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      return { kind: 'http', paths: c.urls.map((u) => u.path), fastRecovery: c.fastRecovery };
    case 'MISC_CHECK':
      return { kind: 'misc', dynamic: c.dynamic, program: c.script.args[0] ?? c.script.text };
    case 'FILE_CHECK':
      return fileVariant(c, files);
    case 'BFD_CHECK':
      return 'BFD_CHECK is not supported by tsvs';
    default:
      return { kind: 'generic' };
  }
}

function checkerSpec(c: Checker, v: CheckerVariant): CheckerSpec {
  return {
    type: c.type,
    identity: checkerIdentity(c),
    alpha: c.type === 'FILE_CHECK' ? false : c.alpha,
    retry: c.retry,
    delayLoopMs: c.delayLoop * 1000,
    delayBeforeRetryMs: c.delayBeforeRetry * 1000,
    warmupMs: c.warmup * 1000,
    logAllFailures: c.logAllFailures,
    variant: v,
  };
}

function vsId(vs: VirtualServer, groupSeq: number): string {
  if (vs.kind === 'group') return `group|${vs.group}|${vs.protocol ?? ''}|${groupSeq}`;
  if (vs.kind === 'fwmark') return `fwm|${vs.family}|${vs.fwmark}`;
  return `${vs.protocol ?? ''}|${vs.address}|${vs.port}`;
}

/** The health model of a configuration; `followFiles` false leaves FILE_CHECKs out (with a problem each). */
export function healthModel(model: KeepalivedConfig, followFiles: boolean): HealthModel {
  const files = followFiles ? model.trackFiles : null;
  const byId = new Map<string, VsEntry>();
  const byService = new Map<string, string>();
  const problems: string[] = [];
  const groupSeq = new Map<string, number>();
  const vss: VirtualServerSpec[] = [];
  const su = model.globalDefs.scriptUser;
  for (const vs of model.virtualServers) {
    const seq = vs.group !== null ? (groupSeq.get(vs.group) ?? 0) : 0;
    if (vs.group !== null) groupSeq.set(vs.group, seq + 1);
    const id = vsId(vs, seq);
    if (byId.has(id)) continue;
    const name = vsName(vs);
    const rss: RealServerSpec[] = [];
    const realServers = new Map<string, RealServer>();
    const checkers = new Map<string, Checker[]>();
    for (const rs of vs.realServers) {
      const rid = destId(rs.address, rs.port);
      const kept: Checker[] = [];
      const specs: CheckerSpec[] = [];
      for (const c of rs.checkers) {
        const v = variant(c, files);
        if (typeof v === 'string') {
          problems.push(`${c.type} for service ${rsName(vs, rs.address, rs.port)} of VS ${name} ignored: ${v}`);
          continue;
        }
        kept.push(c);
        specs.push(checkerSpec(c, v));
      }
      realServers.set(rid, rs);
      checkers.set(rid, kept);
      rss.push({
        id: rid, name: rsName(vs, rs.address, rs.port), weight: rs.weight, inhibit: rs.inhibitOnFailure,
        notifyUp: command(rs.notifyUp, su), notifyDown: command(rs.notifyDown, su), checkers: specs,
      });
    }
    const s = vs.sorryServer;
    const spec: VirtualServerSpec = {
      id, name, quorum: vs.quorum, hysteresis: vs.hysteresis, quorumUp: command(vs.quorumUp, su), quorumDown: command(vs.quorumDown, su),
      omega: vs.omega, haSuspend: vs.haSuspend,
      sorry: s ? { id: destId(s.address, s.port), name: rsName(vs, s.address, s.port), inhibit: s.inhibit } : null,
      realServers: rss,
    };
    const keys = vs.endpoints.map((ep) => serviceKey(vs, ep));
    for (const k of keys) if (!byService.has(serviceKeyString(k))) byService.set(serviceKeyString(k), id);
    byId.set(id, { vs, spec, keys, realServers, checkers, scriptUser: su });
    vss.push(spec);
  }
  const logAll = (model.globalDefs.other['checker_log_all_failures'] ?? []).some((w) => w[0] === undefined || /^(on|true|yes)$/i.test(w[0]));
  return { spec: { virtualServers: vss, logAllFailures: logAll }, byId, byService, problems };
}
