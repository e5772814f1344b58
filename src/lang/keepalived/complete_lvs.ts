/**
 * Turning parsed virtual servers into the model, with keepalived 2.2.7's checks and defaults
 * (ipwrapper.c link_vsg_to_vs, check_data.c validate_check_config, keepalived.md §2.7-§2.9).
 */
import { SVC_F } from '../../core/model.js';
import type { Loc } from './diagnostics.js';
import { DEFAULT_TUNNEL } from './forwarding.js';
import { codeRanges } from './http_get.js';
import type { Checker, Connection, Forwarding, RealServer, ServiceEndpoint, VirtualServer, VirtualServerGroup } from './model.js';
import type { CheckerDraft, ParseState, RsDraft, VsDraft, VsgDraft } from './state.js';
import { addrToBig, bigToAddr } from './virtual_server_group.js';

/** Most IPVS services one virtual server may expand to (a group of huge ranges is cut here). */
export const MAX_ENDPOINTS = 65536;
const NAT: Forwarding = { method: 'nat', ...DEFAULT_TUNNEL };

/** FMT_VS: "[ip]:proto:port", "FWM n" or "[group]:n". */
function fmtVs(vs: VsDraft, seq: number): string {
  if (vs.kind === 'group') return `[${vs.group}]:${seq}`;
  if (vs.kind === 'fwmark') return `FWM ${vs.fwmark}`;
  return `[${vs.address}]:${vs.protocol ?? 'none'}:${vs.port}`;
}

function fmtRs(rs: RsDraft, vs: VsDraft): string {
  return `[${rs.address}]:${vs.protocol ?? 'none'}:${rs.port}`;
}

/** link_vsg_to_vs(): attach groups; a missing or mismatching group drops the virtual server. */
function linkGroup(s: ParseState, vs: VsDraft, seq: number): VsgDraft | null | 'drop' {
  if (vs.kind !== 'group') return null;
  const g = s.vsGroups.find((x) => x.name === vs.group);
  const warn = (m: string) => s.sink.warning('not-found', m, vs.loc, 'keepalived only logs this and ignores the virtual server');
  if (!g) {
    warn(`Virtual server group ${vs.group} specified but not configured - ignoring virtual server ${fmtVs(vs, seq)}`);
    return 'drop';
  }
  const v4 = g.entries.some((e) => e.family === 4);
  const v6 = g.entries.some((e) => e.family === 6);
  const gAf = v4 === v6 ? 0 : v4 ? 4 : 6;
  if (v4 && v6 && vs.family !== 0) warn(`${vs.group}: virtual server group with IPv4 & IPv6 doesn't match virtual server ${fmtVs(vs, seq)} - ignoring`);
  else if ((v4 && vs.family === 6) || (v6 && vs.family === 4)) warn(`${vs.group}: address family doesn't match virtual server ${fmtVs(vs, seq)} - ignoring`);
  else {
    if (gAf !== 0) vs.family = gAf;
    return g;
  }
  return 'drop';
}

/** The IPVS services a virtual server programs. */
function endpoints(s: ParseState, vs: VsDraft, g: VsgDraft | null): ServiceEndpoint[] {
  const fam = vs.family === 0 ? 4 : vs.family;
  if (vs.kind === 'addr') return [{ kind: 'addr', family: fam, address: vs.address!, port: vs.port, fwmark: 0 }];
  if (vs.kind === 'fwmark') return [{ kind: 'fwmark', family: fam, address: fam === 4 ? '0.0.0.0' : '::', port: 0, fwmark: vs.fwmark }];
  const out: ServiceEndpoint[] = [];
  for (const e of g!.entries) {
    if (e.kind === 'fwmark') {
      const f = e.family ?? fam;
      out.push({ kind: 'fwmark', family: f, address: f === 4 ? '0.0.0.0' : '::', port: 0, fwmark: e.fwmark });
      continue;
    }
    const f = e.family!;
    const end = addrToBig(e.addressEnd!, f);
    for (let a = addrToBig(e.address!, f); a <= end; a++) {
      if (out.length >= MAX_ENDPOINTS) {
        // COMPAT(keepalived): keepalived would program every address of a range; tsvs stops at 65536.
        s.sink.warning('value-adjusted', `virtual_server group ${vs.group} expands to more than ${MAX_ENDPOINTS} services - only the first ${MAX_ENDPOINTS} are used`, vs.loc);
        return out;
      }
      out.push({ kind: 'addr', family: f, address: bigToAddr(a, f), port: e.port, fwmark: 0 });
    }
  }
  return out;
}

export function completeServers(s: ParseState): VirtualServer[] {
  const out: VirtualServer[] = [];
  const groupSeq = new Map<string, number>();
  for (const vs of s.servers as (VsDraft & { phantom?: boolean })[]) {
    if (vs.phantom) continue;
    const seq = vs.kind === 'group' ? (groupSeq.get(vs.group!) ?? 0) : 0;
    if (vs.kind === 'group') groupSeq.set(vs.group!, seq + 1);
    const g = linkGroup(s, vs, seq);
    if (g === 'drop') continue;
    const done = completeServer(s, vs, g, seq);
    if (done) out.push(done);
  }
  return out;
}

function completeServer(s: ParseState, vs: VsDraft, g: VsgDraft | null, seq: number): VirtualServer | null {
  const err = (m: string, at: Loc = vs.loc, code: 'missing-required' | 'default-applied' | 'conflict' | 'value-adjusted' = 'value-adjusted', hint?: string) =>
    s.sink.error(code, m, at, hint);
  const name = () => fmtVs(vs, seq);
  if (vs.rs.length === 0) {
    err(`Virtual server ${name()} has no real servers - ignoring`, vs.loc, 'missing-required', 'add at least one real_server block');
    return null;
  }
  const hasFwmark = vs.kind === 'fwmark' || (g !== null && g.entries.some((e) => e.kind === 'fwmark'));
  const hasAddr = vs.kind === 'addr' || (g !== null && g.entries.some((e) => e.kind === 'range'));
  if (vs.haSuspend && hasFwmark) {
    err(`Virtual server ${name()}: cannot use ha_suspend with fwmarks - clearing ha_suspend`);
    vs.haSuspend = false;
  }
  if (hasAddr) {
    if (vs.protocol === null) {
      err(`Virtual server ${name()}: no protocol set - defaulting to UDP`, vs.loc, 'default-applied', "add 'protocol TCP' (keepalived's default is UDP)");
      vs.protocol = 'udp';
    }
    if (vs.flags & SVC_F.ONEPACKET && vs.protocol !== 'udp') {
      err(`Virtual server ${name()}: one packet scheduling requires UDP - resetting`);
      vs.flags &= ~SVC_F.ONEPACKET;
    }
    if (vs.persistenceTimeout === 0 && vs.kind === 'addr' && vs.port === 0) {
      err(`Virtual server ${name()}: zero port only valid for persistent services - setting`);
      vs.persistenceTimeout = 360;
    }
  }
  if (vs.persistenceTimeout === 0 && g !== null && g.entries.some((e) => e.kind === 'range' && e.port === 0)) {
    err(`Virtual server ${name()}: zero port only valid for persistent services - setting`);
    vs.persistenceTimeout = 360;
  }
  if (vs.protocol !== null && hasFwmark && !hasAddr) {
    err(`Warning: Virtual server ${name()}: protocol specified for fwmark - protocol will be ignored`, vs.protocolLoc ?? vs.loc);
    vs.protocol = null;
  }
  if (vs.scheduler === null) {
    err(`Virtual server ${name()}: no scheduler set, setting default 'wlc'`, vs.loc, 'default-applied', "add 'lvs_sched' (lb_algo), e.g. 'lvs_sched rr'");
    vs.scheduler = 'wlc';
  }
  const smtpAlert = vs.smtpAlert ?? s.global.smtpAlertChecker ?? s.global.smtpAlert ?? false;
  const servers = completeRealServers(s, vs, name);
  const weightSum = servers.reduce((a, r) => a + r.weight!, 0);
  if (vs.sorry && vs.sorry.fwd === null) {
    if (vs.fwd === null) {
      err(`Virtual server ${name()}: no forwarding method set, setting default NAT`, vs.loc, 'default-applied', "add 'lvs_method NAT|DR|TUN' (lb_kind)");
      vs.fwd = NAT;
    }
    vs.sorry.fwd = vs.fwd;
  }
  if (vs.quorum > weightSum) {
    err(`Warning - quorum ${vs.quorum} for ${name()} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`);
    vs.quorum = weightSum;
  }
  if (vs.hysteresis >= vs.quorum) {
    err(`Virtual server ${name()}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${vs.quorum - 1}`);
    vs.hysteresis = Math.max(0, vs.quorum - 1);
  }
  fixPorts(s, vs, g, servers, name);
  return {
    kind: vs.kind, address: vs.address, port: vs.port, fwmark: vs.fwmark, group: vs.group, family: vs.family === 0 ? 4 : vs.family,
    protocol: vs.protocol, scheduler: vs.scheduler, forwarding: vs.fwd ?? NAT, flags: vs.flags, persistenceTimeout: vs.persistenceTimeout,
    persistenceGranularity: vs.persistenceGranularity === 0xffffffff && vs.family === 6 ? 128 : vs.persistenceGranularity,
    persistenceEngine: vs.persistenceEngine, delayLoop: vs.delayLoop, connectTimeout: vs.connectTimeout, retry: vs.retry,
    delayBeforeRetry: vs.delayBeforeRetry, warmup: vs.warmup, inhibitOnFailure: vs.inhibit, alpha: vs.alpha, omega: vs.omega,
    haSuspend: vs.haSuspend, quorum: vs.quorum, hysteresis: vs.hysteresis, quorumUp: vs.quorumUp, quorumDown: vs.quorumDown,
    sorryServer: vs.sorry ? { address: vs.sorry.address, family: vs.sorry.family, port: vs.sorry.port, forwarding: vs.sorry.fwd ?? NAT, inhibit: vs.sorry.inhibit } : null,
    virtualhost: vs.virtualhost, smtpAlert, weight: vs.weight, realServers: servers.map(finishRealServer),
    endpoints: endpoints(s, vs, g), loc: vs.loc,
  };
}

/** The real-server loop of validate_check_config(): duplicates, inheritance, forwarding. */
function completeRealServers(s: ParseState, vs: VsDraft, name: () => string): RsDraft[] {
  const kept: RsDraft[] = [];
  for (const rs of vs.rs) {
    if (kept.some((k) => k.address === rs.address && k.port === rs.port)) {
      s.sink.error('duplicate', `VS ${name()}: real server ${fmtRs(rs, vs)} is duplicated - removing second rs`, rs.loc);
      continue;
    }
    if (rs.fwd === null) {
      if (vs.fwd === null) {
        s.sink.error('default-applied', `Virtual server ${name()}: no forwarding method set, setting default NAT`, vs.loc, "add 'lvs_method NAT|DR|TUN' (lb_kind)");
        vs.fwd = NAT;
      }
      rs.fwd = vs.fwd;
    }
    rs.alpha ??= vs.alpha;
    rs.inhibit ??= vs.inhibit;
    rs.retry ??= vs.retry;
    rs.connectTimeout ??= vs.connectTimeout;
    rs.delayLoop ??= vs.delayLoop;
    rs.warmup ??= vs.warmup;
    rs.delayBeforeRetry ??= vs.delayBeforeRetry;
    rs.weight ??= vs.weight;
    rs.smtpAlert ??= s.global.smtpAlertChecker ?? s.global.smtpAlert ?? true;
    if (vs.sorry && vs.sorry.address === rs.address && vs.sorry.port === rs.port && vs.sorry.inhibit !== rs.inhibit) {
      s.sink.error('conflict', `Virtual server ${name()}: real server ${fmtRs(rs, vs)} matches sorry server, but inhibit setting differs, ${rs.inhibit ? 'sett' : 'clear'}ing on sorry server`, rs.loc);
      vs.sorry.inhibit = rs.inhibit;
    }
    kept.push(rs);
  }
  return kept;
}

/** Unless NAT, real servers use the virtual server's port (fwmark services: none). */
function fixPorts(s: ParseState, vs: VsDraft, g: VsgDraft | null, servers: RsDraft[], name: () => string): void {
  const warn = (m: string, at: Loc) => s.sink.error('value-adjusted', m, at);
  if (g !== null) {
    for (const rs of servers) {
      if (rs.fwd!.method === 'nat' || rs.port === 0) continue;
      if (g.entries.some((e) => e.kind === 'fwmark')) warn(`WARNING - fwmark virtual server ${name()}, real server ${fmtRs(rs, vs)} has port specified - port will be ignored`, rs.loc);
      for (const e of g.entries) {
        if (e.kind === 'range' && e.port !== rs.port) {
          warn(`virtual server ${name()}:[${e.address}${e.addressEnd !== e.address ? `-${e.addressEnd}` : ''},${e.port}] and real server ${fmtRs(rs, vs)} ports don't match`, rs.loc);
        }
      }
    }
    return;
  }
  for (const rs of servers) {
    if (rs.fwd!.method === 'nat') {
      if (vs.kind !== 'fwmark' && rs.port === 0) rs.port = vs.port;
      continue;
    }
    if (vs.kind === 'fwmark') {
      if (rs.port !== 0) {
        warn(`WARNING - fwmark virtual server ${name()}, real server ${fmtRs(rs, vs)} has port specified - clearing`, rs.loc);
        rs.port = 0;
      }
    } else if (rs.port === 0) rs.port = vs.port;
    else if (rs.port !== vs.port) {
      warn(`WARNING - virtual server ${name()} and real server ${fmtRs(rs, vs)} ports don't match - resetting`, rs.loc);
      rs.port = vs.port;
    }
  }
  const sorry = vs.sorry;
  if (sorry && sorry.fwd?.method !== 'nat') {
    if (vs.kind === 'fwmark' && sorry.port !== 0) {
      warn(`WARNING - virtual server ${name()}, sorry server has port specified - clearing`, vs.loc);
      sorry.port = 0;
    } else if (vs.kind !== 'fwmark' && sorry.port === 0) sorry.port = vs.port;
    else if (vs.kind !== 'fwmark' && sorry.port !== vs.port) {
      warn(`WARNING - virtual server ${name()} and sorry server ports don't match - resetting`, vs.loc);
      sorry.port = vs.port;
    }
  }
}

function finishRealServer(rs: RsDraft): RealServer {
  return {
    address: rs.address, family: rs.family, port: rs.port, weight: rs.weight!, forwarding: rs.fwd!, uThreshold: rs.uThreshold,
    lThreshold: rs.lThreshold, inhibitOnFailure: rs.inhibit!, alpha: rs.alpha!, retry: rs.retry, delayBeforeRetry: rs.delayBeforeRetry,
    warmup: rs.warmup, connectTimeout: rs.connectTimeout!, delayLoop: rs.delayLoop!, smtpAlert: rs.smtpAlert!, virtualhost: rs.virtualhost,
    notifyUp: rs.notifyUp, notifyDown: rs.notifyDown,
    checkers: rs.checkers.filter((c) => !c.removed).map((c) => finishChecker(rs, c)), loc: rs.loc,
  };
}

/** Checker defaults: checker value, else real server's, else the checker type's default. */
function finishChecker(rs: RsDraft, c: CheckerDraft): Checker {
  const delayLoop = c.delayLoop ?? rs.delayLoop!;
  const alpha = c.alpha ?? rs.alpha!;
  const retry = c.retry ?? rs.retry ?? c.defaultRetry;
  const delayBeforeRetry = c.delayBeforeRetry ?? rs.delayBeforeRetry ?? c.defaultDelayBeforeRetry ?? delayLoop;
  const warmup = c.warmup ?? rs.warmup ?? delayLoop;
  const logAllFailures = c.logAllFailures;
  const loc = c.loc;
  const co = c.conn;
  // COMPAT(keepalived): keepalived copies the real server's address for checkers before the port
  // is inherited from the virtual server, so a port-less real server is checked on port 0; tsvs
  // uses the real server's final port.
  const connection: Connection = {
    connectIp: co?.connectIp ?? rs.address, connectPort: co?.connectPort ?? rs.port, bindto: co?.bindto ?? null,
    bindPort: co?.bindPort ?? 0, bindIf: co?.bindIf ?? null, connectTimeout: co?.connectTimeout ?? rs.connectTimeout!, fwmark: co?.fwmark ?? 0,
  };
  switch (c.type) {
    case 'TCP_CHECK':
    case 'PING_CHECK':
      return { type: c.type, connection, alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
    case 'HTTP_GET':
    case 'SSL_GET':
      return {
        type: c.type, connection, virtualhost: c.virtualhost ?? null, httpProtocol: c.httpProtocol ?? '1.0', enableSni: c.enableSni ?? false, fastRecovery: c.fastRecovery ?? false,
        urls: (c.urls ?? []).map((u) => ({ path: u.path!, digest: u.digest, statusCodes: codeRanges(u.codes), virtualhost: u.virtualhost, regex: u.regex, regexNoMatch: u.regexNoMatch, loc: u.loc })),
        alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc,
      };
    case 'MISC_CHECK':
      return { type: c.type, script: c.script!, timeout: c.miscTimeout ?? 0, dynamic: c.dynamic ?? false, user: c.user ?? null, alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
    case 'SMTP_CHECK':
      return { type: c.type, connection, heloName: c.heloName ?? 'smtpchecker.keepalived.org', alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
    case 'DNS_CHECK':
      return { type: c.type, connection, queryType: c.dnsType ?? 'SOA', name: c.dnsName ?? '.', alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
    case 'UDP_CHECK':
      return {
        type: c.type, connection, payload: c.payload ?? null, requireReply: c.requireReply ?? null, minReplyLength: c.minReplyLength ?? 0, maxReplyLength: c.maxReplyLength ?? 255,
        alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc,
      };
    case 'FILE_CHECK':
      return { type: c.type, trackFile: c.trackFile!, weight: c.fileWeight ?? null, reverse: c.fileReverse ?? false, alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
    case 'BFD_CHECK':
      return { type: c.type, name: c.bfdName!, alpha, retry, delayBeforeRetry, delayLoop, warmup, logAllFailures, loc };
  }
}

export function completeGroups(s: ParseState): VirtualServerGroup[] {
  return s.vsGroups.map((g) => ({ name: g.name, entries: g.entries, loc: g.loc }));
}
