/**
 * keepalived.conf's VRRP model (src/lang/keepalived) to the VRRP machine's configuration: times
 * to microseconds, VIPs to `ip addr` specifications, the instance's own interface tracked unless
 * dont_track_primary, sync-group trackers copied to the members, and the weight rules keepalived
 * applies to sync-group members and address owners (vrrp.c vrrp_complete_instance).
 */
import type { InstanceConfig, ScriptConfig, TrackSpec, VipSpec, VrrpConfig } from '../../core/vrrp/types.js';
import type { KeepalivedConfig, NotifyScripts, Script, Tracked, VirtualIp, VrrpInstance, VrrpScript, VrrpSyncGroup } from '../../lang/keepalived/model.js';
import { passAuthData } from '../../wire/vrrp.js';

/** How a vrrp_script is run (the machine only sees its rise/fall results). */
export interface TrackScriptRun {
  readonly name: string;
  readonly script: Script;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export interface VrrpSetup {
  readonly machine: VrrpConfig;
  readonly scripts: readonly TrackScriptRun[];
  readonly instanceNotify: ReadonlyMap<string, NotifyScripts>;
  readonly groupNotify: ReadonlyMap<string, NotifyScripts>;
  /** Instances left out, with why (logged by the engine). */
  readonly problems: readonly string[];
}

/** Rejected adverts: the first of each kind is logged, then at most one per minute. */
export const REJECT_LOG_INTERVAL_MS = 60_000;

const us = (seconds: number): number => Math.round(seconds * 1e6);

function vipSpec(v: VirtualIp, ifname: string): VipSpec {
  return {
    address: v.address, family: v.family, prefix: v.prefix, dev: v.dev ?? ifname, broadcast: v.broadcast, scope: v.scope, label: v.label,
    peer: v.peer, noDad: v.noDad, noPrefixRoute: v.noPrefixRoute, home: v.home, preferredLft: v.preferredLft,
  };
}

const track = (t: Tracked): TrackSpec => ({ name: t.name, weight: t.weight, reverse: t.reverse });

/** Weighted trackers of sync-group members and owners (keepalived.md §2.3, §4.9). */
function trackers(i: VrrpInstance, group: VrrpSyncGroup | undefined, groupHasOwner: boolean): { interfaces: TrackSpec[]; scripts: TrackSpec[] } {
  const owner = i.priority === 255;
  const groupNoWeight = group !== undefined && !group.trackingWeight;
  let interfaces = i.trackInterfaces.map(track);
  let scripts = i.trackScripts.map(track);
  if (owner || groupNoWeight) {
    interfaces = groupNoWeight ? interfaces.map((t) => ({ ...t, weight: 0 })) : interfaces.filter((t) => t.weight === 0);
    scripts = scripts.filter((t) => t.weight === 0);
  }
  if (group) {
    // A group with an address owner cannot have weighted trackers (sync_group_tracking_init).
    interfaces.push(...group.trackInterfaces.map(track).map((t) => (groupHasOwner ? { ...t, weight: 0 } : t)));
    scripts.push(...group.trackScripts.map(track).map((t) => (groupHasOwner ? { ...t, weight: 0 } : t)));
  }
  if (!i.dontTrackPrimary && i.interface && !interfaces.some((t) => t.name === i.interface)) interfaces.unshift({ name: i.interface, weight: 0, reverse: false });
  return { interfaces, scripts };
}

function instanceConfig(cfg: KeepalivedConfig, i: VrrpInstance, problems: string[]): InstanceConfig | null {
  if (!i.interface) {
    problems.push(`(${i.name}) no interface - instance not started`);
    return null;
  }
  if (i.authType === 'AH') {
    // COMPAT(keepalived): IPsec-AH authentication (deprecated, RFC 3768 removed it) is not implemented.
    problems.push(`(${i.name}) auth_type AH is not supported by tsvs - instance not started`);
    return null;
  }
  const g = cfg.globalDefs;
  const group = i.syncGroup ? cfg.vrrpSyncGroups.find((s) => s.name === i.syncGroup) : undefined;
  const groupHasOwner = group !== undefined && cfg.vrrpInstances.some((m) => group.members.includes(m.name) && m.priority === 255);
  const { interfaces, scripts } = trackers(i, group, groupHasOwner);
  return {
    name: i.name, ifname: i.interface, family: i.family, vrid: i.virtualRouterId, version: i.version, priority: i.priority,
    wantMaster: i.state === 'MASTER', advertIntUs: us(i.advertInt), nopreempt: i.nopreempt, preemptDelayUs: us(i.preemptDelay),
    authType: i.authType === 'PASS' ? 1 : 0, authData: i.authType === 'PASS' && i.authPass !== null ? passAuthData(i.authPass) : null,
    vips: i.virtualIpAddresses.map((v) => vipSpec(v, i.interface!)), evips: i.virtualIpAddressesExcluded.map((v) => vipSpec(v, i.interface!)),
    srcIp: i.unicastSrcIp, unicastPeers: i.unicastPeers.map((p) => ({ address: p.address, minTtl: p.minTtl, maxTtl: p.maxTtl })),
    mcastGroup: i.mcastDstIp ?? (i.family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6), unicastTtl: i.unicastTtl ?? 255,
    garp: {
      masterDelayUs: us(i.garp.masterDelay), masterRepeat: i.garp.masterRepeat, masterRefreshUs: us(i.garp.masterRefresh),
      masterRefreshRepeat: i.garp.masterRefreshRepeat, lowerPrioDelayUs: us(i.garp.lowerPrioDelay), lowerPrioRepeat: i.garp.lowerPrioRepeat,
    },
    lowerPrioNoAdvert: i.lowerPrioNoAdvert, higherPrioSendAdvert: i.higherPrioSendAdvert, downTimerAdverts: i.downTimerAdverts,
    skipCheckAdvAddr: i.skipCheckAdvAddr, checkUnicastSrc: i.checkUnicastSrc,
    // The model has no old_unicast_checksum yet; receivers detect the old form by themselves.
    oldUnicastChecksum: false,
    // COMPAT(keepalived): with no_accept or strict mode keepalived installs firewall rules that drop
    // traffic to the VIPs on a non-owner master; tsvs installs none (the VIPs stay reachable).
    trackInterfaces: interfaces, trackScripts: scripts, syncGroup: group ? group.name : null,
  };
}

function scriptRun(s: VrrpScript): TrackScriptRun | null {
  if (!s.script) return null;
  const intervalMs = Math.max(1, Math.round(s.interval * 1000));
  return { name: s.name, script: s.script, intervalMs, timeoutMs: s.timeout > 0 ? Math.round(s.timeout * 1000) : intervalMs };
}

export function vrrpSetup(cfg: KeepalivedConfig): VrrpSetup {
  const problems: string[] = [];
  const instances: InstanceConfig[] = [];
  for (const i of cfg.vrrpInstances) {
    const c = instanceConfig(cfg, i, problems);
    if (c) instances.push(c);
  }
  const names = new Set(instances.map((i) => i.name));
  const syncGroups = cfg.vrrpSyncGroups.map((g) => ({ name: g.name, members: g.members.filter((m) => names.has(m)) })).filter((g) => g.members.length > 0);
  const runs = cfg.vrrpScripts.map(scriptRun).filter((r): r is TrackScriptRun => r !== null);
  const scripts: ScriptConfig[] = cfg.vrrpScripts.filter((s) => s.script).map((s) => ({ name: s.name, rise: s.rise, fall: s.fall, initFail: s.initFail }));
  return {
    machine: { instances, syncGroups, scripts, logUnknownVrids: 'log_unknown_vrids' in cfg.globalDefs.other, rejectLogIntervalMs: REJECT_LOG_INTERVAL_MS },
    scripts: runs,
    instanceNotify: new Map(cfg.vrrpInstances.map((i) => [i.name, i.notify])),
    groupNotify: new Map(cfg.vrrpSyncGroups.map((g) => [g.name, g.notify])),
    problems,
  };
}
