/**
 * Turning parsed VRRP instances, scripts and sync groups into the model, with keepalived 2.2.7's
 * checks and defaults (vrrp.c vrrp_complete_init, chk_min_cfg, vrrp_complete_instance,
 * check_vrid_conflicts; vrrp_sync.c vrrp_sync_set_group).
 */
import type { Garp, NotifyScripts, VrrpInstance, VrrpScript, VrrpSyncGroup } from './model.js';
import type { Loc } from './diagnostics.js';
import type { InstanceDraft, NotifyDraft, ParseState } from './state.js';

const notify = (n: NotifyDraft): NotifyScripts => ({ ...n });

/** chk_min_cfg(): a VRID and an interface are required (keepalived then refuses the whole VRRP set-up). */
function minimal(s: ParseState, i: InstanceDraft): boolean {
  if (i.vrid === 0) {
    s.sink.error('missing-required', `(${i.name}) the virtual router id must be set`, i.loc, "add 'virtual_router_id 1..255'");
    return false;
  }
  if (i.interface === null) {
    s.sink.error('missing-required', `(${i.name}) Unknown interface!`, i.loc, "add 'interface IFNAME' (keepalived 2.2.7 requires it even for unicast)");
    return false;
  }
  return true;
}

function syncGroups(s: ParseState, kept: InstanceDraft[]): VrrpSyncGroup[] {
  const out: VrrpSyncGroup[] = [];
  for (const g of s.syncGroups) {
    if (g.members === null) {
      s.sink.error('missing-required', `Sync group ${g.name} has no virtual router(s). removing`, g.loc, "add 'group { INSTANCE ... }'");
      continue;
    }
    const members: string[] = [];
    let state: 'MASTER' | 'BACKUP' | null = null;
    for (const m of g.members) {
      const inst = kept.find((i) => i.name === m);
      if (!inst) {
        s.sink.error('not-found', `Virtual router ${m} specified in sync group ${g.name} doesn't exist - ignoring`, g.loc);
        continue;
      }
      if (inst.syncGroup !== null) {
        s.sink.error('conflict', `Virtual router ${m} cannot exist in more than one sync group; ignoring ${g.name}`, g.loc);
        continue;
      }
      inst.syncGroup = g.name;
      members.push(m);
      const owner = inst.wantState === 'MASTER' && inst.priority === 255;
      if (state === 'MASTER' && inst.wantState === 'BACKUP') {
        s.sink.error('conflict', `Sync group ${g.name} has some member(s) as address owner and some not as address owner. This won't work.`, g.loc);
      }
      if (state !== 'BACKUP') state = owner ? 'MASTER' : 'BACKUP';
    }
    if (members.length === 0) {
      s.sink.error('not-found', `Sync group ${g.name}, no matching virtual router found in group declaration - removing`, g.loc);
      continue;
    }
    if (members.length === 1) s.sink.error('ignored', `Sync group ${g.name} has only 1 virtual router(s) - this probably isn't what you want`, g.loc);
    out.push({
      name: g.name, members, trackInterfaces: g.trackInterfaces, trackScripts: g.trackScripts, trackFiles: g.trackFiles, notify: notify(g.notify),
      smtpAlert: g.smtpAlert, trackingWeight: g.trackingWeight, notifyPriorityChanges: g.notifyPriorityChanges, loc: g.loc,
    });
  }
  return out;
}

type Report = (m: string, code?: 'missing-required' | 'conflict' | 'value-adjusted' | 'deprecated' | 'ignored', hint?: string) => void;

/** Version and family: IPv6 means VRRPv3 (unless v2 was forced and not strict). */
function versionAndFamily(s: ParseState, i: InstanceDraft, strict: boolean, err: Report): { version: 2 | 3; family: 4 | 6; versionLoc: Loc | null } {
  let version = i.version;
  let versionLoc = i.locs.version;
  if (i.family === 6) {
    if (version === 2 && strict) {
      err(`(${i.name}) cannot use IPv6 with VRRP version 2; setting version 3`, 'value-adjusted');
      version = 3;
    } else if (version === 0) version = 3;
  }
  const family = i.family === 0 ? 4 : i.family;
  if (version === 0 && family === 4) {
    version = s.global.vrrpVersion;
    versionLoc = s.global.vrrpVersionLoc;
  }
  return { version: version === 0 ? 3 : version, family, versionLoc };
}

/** Priority from the state when unset (MASTER: 255), state from the priority when unset. */
function priorityAndState(s: ParseState, i: InstanceDraft, strict: boolean, err: Report): { priority: number; state: 'MASTER' | 'BACKUP' } {
  let priority = i.priority;
  if (priority === 0) {
    priority = i.wantState === 'MASTER' ? 255 : 100;
    if (i.wantState === 'MASTER') {
      s.sink.warning('master-default-priority', `(${i.name}) state MASTER without priority: keepalived uses priority 255 (address owner)`, i.loc,
        'an address owner takes over at once and ignores preemption settings; set an explicit priority (e.g. 150) unless that is intended');
    }
  }
  let state = i.wantState;
  if (state === null) state = priority === 255 ? 'MASTER' : 'BACKUP';
  else if (strict && (state === 'MASTER') !== (priority === 255)) {
    err(`(${i.name}) State MASTER must match being address owner`);
    state = priority === 255 ? 'MASTER' : 'BACKUP';
  }
  return { priority, state };
}

/** Authentication survives only for VRRPv2 without strict mode, with a password (AH: IPv4). */
function authentication(i: InstanceDraft, strict: boolean, version: 2 | 3, family: 4 | 6, err: Report): 'PASS' | 'AH' | null {
  const t = i.authType;
  if (t === null) return null;
  if (strict) err(`(${i.name}) Strict mode does not support authentication. Ignoring.`);
  else if (version === 3) err(`(${i.name}) VRRP version 3 does not support authentication. Ignoring.`);
  else if (!i.authPass) err(`(${i.name}) Authentication specified but no password given. Ignoring`, 'missing-required');
  else if (family === 6 && t === 'AH') err(`(${i.name}) Cannot use AH authentication with IPv6. ignoring`);
  else return t;
  return null;
}

/** nopreempt / preempt_delay are cleared where keepalived cannot honour them. */
function preemption(i: InstanceDraft, state: string, priority: number, strict: boolean, err: Report): { nopreempt: boolean; preemptDelay: number } {
  let nopreempt = i.nopreempt;
  let preemptDelay = i.preemptDelay;
  if (priority === 255 && nopreempt) {
    err(`(${i.name}) nopreempt is incompatible with priority 255. resetting nopreempt`, 'value-adjusted');
    nopreempt = false;
  }
  if (state === 'MASTER') {
    if (nopreempt) err(`(${i.name}) Warning - nopreempt will not work with initial state MASTER - clearing`, 'value-adjusted', "nopreempt needs 'state BACKUP' on every node");
    if (preemptDelay) err(`(${i.name}) Warning - preempt delay will not work with initial state MASTER - clearing`, 'value-adjusted');
    nopreempt = false;
    preemptDelay = 0;
  }
  if (preemptDelay && strict) {
    err(`(${i.name}) preempt_delay is incompatible with strict mode - resetting`, 'value-adjusted');
    preemptDelay = 0;
  }
  if (preemptDelay && nopreempt) {
    err(`(${i.name}) preempt_delay is incompatible with nopreempt mode - resetting`, 'value-adjusted');
    preemptDelay = 0;
  }
  return { nopreempt, preemptDelay };
}

/** vrrp_complete_instance(): defaults and consistency; null when keepalived rejects the instance. */
function completeInstance(s: ParseState, i: InstanceDraft, groups: readonly VrrpSyncGroup[]): VrrpInstance | null {
  const g = s.global;
  const err: Report = (m, code = 'conflict', hint) => s.sink.error(code, m, i.loc, hint);
  const strict = i.strict ?? g.vrrpStrict;
  const { version, family, versionLoc } = versionAndFamily(s, i, strict, err);
  if (i.vips.length === 0) {
    if (version === 3 || strict) {
      err(`(${i.name}) No VIP specified; at least one is required`, 'missing-required', 'add a virtual_ipaddress block');
      return null;
    }
    err(`(${i.name}) No VIP specified; at least one is sensible`, 'missing-required', 'add a virtual_ipaddress block');
  }
  const { priority, state: wanted } = priorityAndState(s, i, strict, err);
  let state = wanted;
  const authType = authentication(i, strict, version, family, err);
  if (authType === 'AH' && state === 'MASTER' && priority !== 255) {
    err(`(${i.name}) Initial state master is incompatible with AH authentication - clearing`);
    state = 'BACKUP';
  }
  const unicast = i.peers.length > 0;
  if (i.unicastConfigured && !unicast && !i.unicastFaultNoPeer) {
    err(`(${i.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`, 'deprecated');
  }
  if (family === 6 && !unicast && i.vips.length > 0 && !/^fe[89ab]/i.test(i.vips[0]!.address)) {
    if (strict) err(`(${i.name}) the first IPv6 VIP address must be link local`);
    else s.sink.warning('conflict', `(${i.name}) the first IPv6 VIP address should be link local`, i.loc, 'keepalived only logs this');
  }
  const { nopreempt, preemptDelay } = preemption(i, state, priority, strict, err);
  let downTimerAdverts = i.downTimerAdverts;
  if (downTimerAdverts !== 3 && strict) {
    err(`(${i.name}) down_timer_adverts is incompatible with strict mode - resetting`, 'value-adjusted');
    downTimerAdverts = 3;
  }
  let accept = i.accept ?? (priority === 255 ? true : !strict);
  if (accept && priority !== 255 && strict && version === 2) {
    err(`(${i.name}) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`, 'value-adjusted');
    accept = false;
  }
  const defaultGroup = family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6;
  if (unicast && i.mcastDst !== null) err(`(${i.name}) multicast destination specified with unicast - ignoring`);
  const group = groups.find((x) => x.name === i.syncGroup);
  // In keepalived's order: GARP and advert-policy checks, then the advert interval.
  const garp = completeGarp(s, i, strict);
  const lowerPrioNoAdvert = strictFlag(s, i, i.lowerPrioNoAdvert, strict, true, g.vrrpLowerPrioNoAdvert, 'Strict mode requires no lower priority advert. resetting');
  const higherPrioSendAdvert = strictFlag(s, i, i.higherPrioSendAdvert, strict, false, g.vrrpHigherPrioSendAdvert, 'strict mode requires higher_prio_send_advert to be clear. resetting');
  const advertInt = advertInterval(s, i, version);
  return {
    name: i.name, state, configuredState: i.wantState, interface: i.interface, virtualRouterId: i.vrid, priority, advertInt, version, family, authType, authPass: authType ? i.authPass : null,
    virtualIpAddresses: i.vips, virtualIpAddressesExcluded: i.evips, virtualRoutes: i.routes, virtualRules: i.rules,
    unicastSrcIp: i.saddr, unicastPeers: i.peers, unicastTtl: i.ttl ?? (family === 4 ? 255 : null), mcastDstIp: unicast ? null : (i.mcastDst ?? defaultGroup),
    trackInterfaces: i.trackInterfaces, trackScripts: i.trackScripts, trackFiles: i.trackFiles, dontTrackPrimary: i.dontTrackPrimary,
    notify: notify(i.notify), smtpAlert: i.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false,
    notifyPriorityChanges: i.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? (g.other['vrrp_notify_priority_changes'] !== undefined),
    nopreempt, preemptDelay, garp, strict, accept, lowerPrioNoAdvert, higherPrioSendAdvert, downTimerAdverts, skipCheckAdvAddr: i.skipCheckAdvAddr, checkUnicastSrc: i.checkUnicastSrc || g.vrrpCheckUnicastSrc,
    promoteSecondaries: i.promoteSecondaries, useVmac: i.useVmac, syncGroup: i.syncGroup, loc: i.loc,
    keywordLocs: { ...i.locs, version: versionLoc },
  };
}

function strictFlag(s: ParseState, i: InstanceDraft, v: boolean | null, strict: boolean, strictValue: boolean, global: boolean, message: string): boolean {
  if (v === null) return strict ? strictValue : global;
  if (strict && v !== strictValue) {
    s.sink.error('value-adjusted', `(${i.name}) ${message}`, i.loc);
    return strictValue;
  }
  return v;
}

function completeGarp(s: ParseState, i: InstanceDraft, strict: boolean): Garp {
  const g = s.global;
  let lowerPrioRepeat = i.garpLowerPrioRepeat ?? (strict ? 0 : (g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat));
  let lowerPrioDelay = i.garpLowerPrioDelay ?? (strict ? 0 : (g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay));
  if (strict && i.garpLowerPrioRepeat) {
    s.sink.error('value-adjusted', `(${i.name}) Strict mode requires no repeat garps. resetting`, i.loc);
    lowerPrioRepeat = 0;
  }
  if (strict && i.garpLowerPrioDelay) {
    s.sink.error('value-adjusted', `(${i.name}) Strict mode requires no repeat garp delay. resetting`, i.loc);
    lowerPrioDelay = 0;
  }
  return {
    masterDelay: i.garpMasterDelay, masterRepeat: i.garpMasterRepeat, masterRefresh: i.garpMasterRefresh,
    masterRefreshRepeat: i.garpMasterRefreshRepeat, lowerPrioDelay, lowerPrioRepeat,
  };
}

/** advert_int defaults to 1 s; VRRPv2 takes whole seconds below 256, VRRPv3 centiseconds below 40.96. */
function advertInterval(s: ParseState, i: InstanceDraft, version: 2 | 3): number {
  let us = Math.round((i.advertInt || 1) * 1e6);
  const fmt = (v: number, digits: number) => (v / 1e6).toFixed(digits);
  if (version === 2) {
    if (us >= 256e6) {
      s.sink.error('value-adjusted', `(${i.name}) VRRPv2 advertisement interval ${fmt(us, 2)}s is out of range. Must be less than 256s. Setting to 255s`, i.loc);
      us = 255e6;
    } else if (us % 1e6) {
      s.sink.error('value-adjusted', `(${i.name}) VRRPv2 advertisement interval ${fmt(us, 6)}s must be an integer. rounding`, i.loc);
      us = Math.max(1e6, us + 5e5 - ((us + 5e5) % 1e6));
    }
  } else if (us >= 4096 * 1e4) {
    s.sink.error('value-adjusted', `(${i.name}) VRRPv3 advertisement interval ${fmt(us, 2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`, i.loc);
    us = 4095e4;
  } else if (us % 1e4) {
    s.sink.error('value-adjusted', `(${i.name}) VRRPv3 advertisement interval ${fmt(us, 6)}s must be in units of 10ms - rounding`, i.loc);
    us = Math.max(1e4, us + 5e3 - ((us + 5e3) % 1e4));
  }
  return us / 1e6;
}

/** Instances sharing a VRID, family and interface over multicast collide. */
function vridConflicts(s: ParseState, list: readonly VrrpInstance[]): void {
  for (let a = 0; a < list.length; a++) {
    for (let b = 0; b < a; b++) {
      const x = list[a]!;
      const y = list[b]!;
      if (x.virtualRouterId !== y.virtualRouterId || x.family !== y.family || x.interface !== y.interface) continue;
      const xu = x.unicastPeers.length > 0;
      if (xu !== y.unicastPeers.length > 0) continue;
      if (xu) {
        if (x.unicastSrcIp !== y.unicastSrcIp || !x.unicastPeers.some((p) => y.unicastPeers.some((q) => q.address === p.address))) continue;
        s.sink.error('conflict', `(${x.name}) duplicate VRID conflict with ${y.name} VRID ${x.virtualRouterId}`, x.loc);
      } else if (x.mcastDstIp === y.mcastDstIp) {
        s.sink.error('conflict', `${x.name} and ${y.name} both use VRID ${x.virtualRouterId} with IPv${x.family} on interface ${x.interface}`, x.loc);
      }
    }
  }
}

export interface VrrpResult {
  readonly instances: VrrpInstance[];
  readonly syncGroups: VrrpSyncGroup[];
  readonly scripts: VrrpScript[];
}

export function completeVrrp(s: ParseState): VrrpResult {
  // COMPAT(keepalived): when an instance fails chk_min_cfg keepalived abandons the whole VRRP
  // configuration; tsvs drops that instance and keeps checking the others.
  const kept = s.instances.filter((i) => minimal(s, i));
  const groups = syncGroups(s, kept);
  const instances: VrrpInstance[] = [];
  for (const i of kept) {
    const done = completeInstance(s, i, groups);
    if (done) instances.push(done);
  }
  vridConflicts(s, instances);
  const scripts: VrrpScript[] = [];
  for (const v of s.scripts) {
    if (!v.used) {
      if (s.instances.length > 0) s.sink.error('unused', `Warning - script ${v.name} is not used`, v.loc, 'reference it from a track_script block, or remove it');
      continue;
    }
    scripts.push({
      name: v.name, script: v.script, interval: v.interval, timeout: v.timeout, weight: v.weight, weightReverse: v.weightReverse,
      rise: v.rise, fall: v.fall, user: v.user, group: v.group, initFail: v.initFail, loc: v.loc,
    });
  }
  return { instances, syncGroups: groups, scripts };
}
