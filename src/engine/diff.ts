/**
 * Desired state → the fewest operations that bring the live IPVS state there.
 *
 * Identity rules follow keepalived's reload (keepalived.md §3.6): a virtual service is its key
 * (protocol+VIP+port, or family+fwmark), a real server is its address+port inside that service.
 * A kept service is edited only when an `-E` attribute changed; a kept real server is edited only
 * when an `-e` attribute changed; neither is deleted and re-added, so counters, scheduler state
 * and connections stay with them.
 *
 * Scope: the daemon reconciles the services it owns (those of the previous and the new
 * configuration) and leaves every other service alone, as keepalived never touches IPVS entries it
 * did not configure (services added by hand with `ipvsadm` survive a reload).
 * COMPAT(keepalived): keepalived diffs old config against new config, so an owned service or real
 * server deleted by hand is not restored by a reload (issue #1877); tsvs diffs against the live
 * state and restores it, and also removes real servers added by hand to an owned service.
 */
import type { Ipvs } from '../core/ipvs.js';
import { destKeyString, serviceKeyString, type DestSpec, type ServiceSpec, type SyncDaemon, type Timeouts } from '../core/model.js';
import type { Op } from '../core/ops.js';
import { destSpecOf, sameDaemon, sameDestAttrs, sameServiceAttrs, serviceSpecOf } from './specs.js';

export interface DesiredService {
  readonly spec: ServiceSpec;
  /** Real servers in configuration order. */
  readonly dests: readonly DestSpec[];
}

export interface DesiredState {
  /** Virtual services in configuration order. */
  readonly services: readonly DesiredService[];
  /** `--set` values wanted; 0 means "no opinion", as in the operation itself. */
  readonly timeouts: Timeouts;
  readonly daemons: readonly SyncDaemon[];
}

/** What a previous configuration put in place: the diff may remove these when they disappear. */
export interface Ownership {
  readonly services: ReadonlySet<string>;
  readonly daemons: ReadonlySet<SyncDaemon['state']>;
}

export const NOTHING_OWNED: Ownership = { services: new Set(), daemons: new Set() };

export type DesiredResult =
  | { readonly ok: true; readonly desired: DesiredState; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly index: number; readonly reason: string };

/**
 * Collect the desired state from the operations a configuration translates to (toIpvsOps):
 * add-service, add-dest, set-timeouts, start-daemon, and a leading flush (keepalived's
 * `lvs_flush`, which only matters at start-up, when a new daemon's table is empty anyway).
 * A repeated service or real server keeps its first definition and is reported as a warning, as
 * IPVS would refuse the second with EEXIST; a real server of an unknown service or any other
 * operation is a translation defect and fails.
 */
export function desiredFromOps(ops: readonly Op[]): DesiredResult {
  const services = new Map<string, { spec: ServiceSpec; dests: DestSpec[]; seen: Set<string> }>();
  const timeouts: Timeouts = { tcp: 0, tcpfin: 0, udp: 0 };
  const daemons: SyncDaemon[] = [];
  const warnings: string[] = [];
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index]!;
    const bad = (reason: string): DesiredResult => ({ ok: false, index, reason });
    switch (op.type) {
      case 'flush':
        if (index !== 0) return bad('flush is only meaningful before everything else');
        break;
      case 'add-service': {
        const id = serviceKeyString(op.service.key);
        if (services.has(id)) warnings.push(`virtual service ${id} given twice - keeping the first`);
        else services.set(id, { spec: op.service, dests: [], seen: new Set() });
        break;
      }
      case 'add-dest': {
        const svc = services.get(serviceKeyString(op.service));
        if (!svc) return bad(`real server ${destKeyString(op.dest)} of unknown virtual service ${serviceKeyString(op.service)}`);
        const id = destKeyString(op.dest);
        if (svc.seen.has(id)) {
          warnings.push(`real server ${id} given twice in ${serviceKeyString(op.service)} - keeping the first`);
          break;
        }
        svc.seen.add(id);
        svc.dests.push(op.dest);
        break;
      }
      case 'set-timeouts':
        if (op.tcp) timeouts.tcp = op.tcp;
        if (op.tcpfin) timeouts.tcpfin = op.tcpfin;
        if (op.udp) timeouts.udp = op.udp;
        break;
      case 'start-daemon':
        if (daemons.some((d) => d.state === op.daemon.state)) warnings.push(`${op.daemon.state} sync daemon given twice - keeping the first`);
        else daemons.push(op.daemon);
        break;
      default:
        return bad(`operation ${op.type} does not describe a desired state`);
    }
  }
  const desired = { services: [...services.values()].map(({ spec, dests }) => ({ spec, dests })), timeouts, daemons };
  return { ok: true, desired, warnings };
}

/** The services and daemons `desired` owns (the next reload's {@link Ownership}). */
export function ownershipOf(desired: DesiredState): Ownership {
  return {
    services: new Set(desired.services.map((s) => serviceKeyString(s.spec.key))),
    daemons: new Set(desired.daemons.map((d) => d.state)),
  };
}

/**
 * Operations turning `live` into `desired`, in an order that always applies: removals first
 * (services, then real servers), then edits, then additions (a new service is followed by its
 * real servers in configuration order), then timeouts and sync daemons.
 */
export function diffState(live: Ipvs, desired: DesiredState, owned: Ownership): Op[] {
  const wanted = new Map(desired.services.map((s) => [serviceKeyString(s.spec.key), s]));
  const removals: Op[] = [];
  const edits: Op[] = [];
  const additions: Op[] = [];
  for (const id of owned.services) {
    const svc = live.services.get(id);
    if (svc && !wanted.has(id)) removals.push({ type: 'delete-service', service: svc.key });
  }
  for (const [id, want] of wanted) {
    const svc = live.services.get(id);
    if (!svc) {
      additions.push({ type: 'add-service', service: want.spec });
      for (const dest of want.dests) additions.push({ type: 'add-dest', service: want.spec.key, dest });
      continue;
    }
    if (!sameServiceAttrs(serviceSpecOf(svc), want.spec)) edits.push({ type: 'edit-service', service: want.spec });
    const wantDests = new Map(want.dests.map((d) => [destKeyString(d), d]));
    // Live order is newest first; removing in that order keeps the log readable and is order-free.
    for (const d of svc.dests) {
      if (!wantDests.has(destKeyString(d))) removals.push({ type: 'delete-dest', service: svc.key, dest: { family: d.family, addr: d.addr, port: d.port } });
    }
    for (const dest of want.dests) {
      const cur = svc.findDest(dest);
      if (!cur) additions.push({ type: 'add-dest', service: svc.key, dest });
      else if (!sameDestAttrs(destSpecOf(cur), dest)) edits.push({ type: 'edit-dest', service: svc.key, dest });
    }
  }
  return [...removals, ...edits, ...additions, ...timeoutOps(live, desired.timeouts), ...daemonOps(live, desired.daemons, owned)];
}

function timeoutOps(live: Ipvs, want: Timeouts): Op[] {
  const t = live.timeouts;
  const differs = (w: number, cur: number): boolean => w !== 0 && w !== cur;
  if (!differs(want.tcp, t.tcp) && !differs(want.tcpfin, t.tcpfin) && !differs(want.udp, t.udp)) return [];
  return [{ type: 'set-timeouts', tcp: want.tcp, tcpfin: want.tcpfin, udp: want.udp }];
}

function daemonOps(live: Ipvs, want: readonly SyncDaemon[], owned: Ownership): Op[] {
  const ops: Op[] = [];
  for (const state of ['master', 'backup'] as const) {
    const cur = live.daemons[state];
    const w = want.find((d) => d.state === state);
    if (w) {
      if (cur && sameDaemon(cur, w)) continue;
      if (cur) ops.push({ type: 'stop-daemon', state });
      ops.push({ type: 'start-daemon', daemon: w });
    } else if (cur && owned.daemons.has(state)) {
      ops.push({ type: 'stop-daemon', state });
    }
  }
  return ops;
}
