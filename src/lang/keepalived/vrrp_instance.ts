/**
 * vrrp_instance NAME { } keywords (keepalived 2.2.7 keepalived/vrrp/vrrp_parser.c; defaults from
 * vrrp_data.c alloc_vrrp and vrrp.c vrrp_complete_instance, keepalived.md §2.4).
 */
import { parseSockAddr } from './inet.js';
import { US, block, bool, decimal, flag, oneOf, script, uint, values, words } from './keywords.js';
import { readDecimal, readInt, readUnsigned } from './numbers.js';
import { type InstanceDraft, type ParseState, emptyNotify, last } from './state.js';
import type { Block, Call, Keyword, ValueEntry } from './table.js';
import { parseRoute } from './ip-route.js';
import { parseRule } from './ip-rule.js';
import { addTracked } from './tracking.js';
import { parseVip } from './vip.js';

type I = InstanceDraft;
const UINT_MAX = 4294967295;

/** vrrp_handler(): start a new instance (alloc_vrrp copies the global GARP settings now). */
export function openInstance(s: ParseState, c: Call): void {
  if (c.words.length !== 2) {
    c.error('missing-required', 'vrrp_instance must have a name');
    return c.skipBlock();
  }
  const name = c.arg(1);
  if (s.instances.some((i) => i.name === name)) {
    c.error('duplicate', `vrrp instance ${name} already defined`, 1);
    return c.skipBlock();
  }
  const g = s.global;
  s.instances.push({
    name, loc: c.at(0), wantState: null, interface: null, locs: noLocs(), vrid: 0, priority: 0, advertInt: 0, version: 0, family: 0,
    authType: null, authPass: null, vips: [], evips: [], routes: [], rules: [], saddr: null, unicastConfigured: false,
    unicastFaultNoPeer: false, checkUnicastSrc: false, peers: [], ttl: null, mcastDst: null, trackInterfaces: [], trackScripts: [],
    trackFiles: [], dontTrackPrimary: false, notify: emptyNotify(), smtpAlert: null, notifyPriorityChanges: null, nopreempt: false,
    preemptDelay: 0, garpMasterDelay: g.vrrpGarpMasterDelay, garpMasterRepeat: g.vrrpGarpMasterRepeat,
    garpMasterRefresh: g.vrrpGarpMasterRefresh, garpMasterRefreshRepeat: g.vrrpGarpMasterRefreshRepeat, garpLowerPrioDelay: null,
    garpLowerPrioRepeat: null, strict: null, accept: null, lowerPrioNoAdvert: null, higherPrioSendAdvert: null,
    downTimerAdverts: g.vrrpDownTimerAdverts, skipCheckAdvAddr: g.vrrpSkipCheckAdvAddr, promoteSecondaries: false, useVmac: false,
    syncGroup: null,
  });
}

function noLocs(): InstanceDraft['locs'] {
  return {
    state: null, interface: null, virtualRouterId: null, priority: null, advertInt: null, version: null, authentication: null,
    authType: null, authPass: null, nopreempt: null, virtualIpAddress: null,
  };
}

function srcIp(i: I, c: Call): void {
  const t = c.arg(1);
  const a = parseSockAddr(t, undefined);
  if (!a) return c.error('bad-address', `Configuration error: VRRP instance[${i.name}] malformed src address[${t}]. Skipping...`, 1);
  if (i.family === 0) i.family = a.family;
  else if (a.family !== i.family) {
    return c.error('conflict', `Configuration error: VRRP instance[${i.name}] and src address[${t}] MUST be of the same family !!! Skipping...`, 1);
  }
  i.saddr = a.addr;
}

function mcastDst(i: I, c: Call): void {
  const t = c.arg(1);
  const a = parseSockAddr(t, undefined);
  if (!a) return c.error('bad-address', `(${i.name}) malformed mcast dest address ${t}. Skipping...`, 1);
  if (i.family === 0) i.family = a.family;
  else if (a.family !== i.family) return c.error('conflict', `(${i.name}) mcast dest address ${t} MUST match VRRP instance family. Skipping...`, 1);
  const ok = a.family === 4 ? /^(22[4-9]|23[0-9])\./.test(a.addr) : /^ff[0-9a-f]2:/.test(a.addr);
  if (!ok) return c.error('bad-address', `(${i.name}) mcast_dst_ip ${t} not${a.family === 6 ? ' link-local' : ''} multicast. Skipping...`, 1);
  i.mcastDst = a.addr;
}

/** A unicast_peer entry: `ADDR [min_ttl N] [max_ttl N]`. */
function addPeer(i: I, e: ValueEntry, s: ParseState): void {
  {
    const w = e.words.map((x) => x.text);
    const a = parseSockAddr(w[0]!, undefined);
    if (!a) return s.sink.error('bad-address', `Configuration error: VRRP instance[${i.name}] malformed unicast peer address[${w[0]}]. Skipping...`, e.at(0));
    if (i.family === 0) i.family = a.family;
    else if (a.family !== i.family) {
      return s.sink.error('conflict', `Configuration error: VRRP instance[${i.name}] and unicast peer address[${w[0]}] MUST be of the same family !!! Skipping...`, e.at(0));
    }
    const p = { address: a.addr, minTtl: 0, maxTtl: 255, loc: e.at(0) };
    for (let k = 1; k < w.length; k += 2) {
      if (k + 1 >= w.length) {
        s.sink.error('missing-required', `(${i.name}) ${w[k]} is missing a value`, e.at(k));
        break;
      }
      const r = readUnsigned(w[k + 1]!, 0, 255);
      if (!r.ok) {
        s.sink.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', r.message, e.at(k + 1));
        continue;
      }
      if (w[k] === 'min_ttl') p.minTtl = r.value;
      else if (w[k] === 'max_ttl') p.maxTtl = r.value;
      else {
        s.sink.error('bad-value', `(${i.name}) unknown unicast_peer option ${w[k]}`, e.at(k));
        break;
      }
      i.checkUnicastSrc = true;
    }
    if (p.minTtl > p.maxTtl) s.sink.error('conflict', `(${i.name}) min_ttl ${p.minTtl} > max_ttl ${p.maxTtl} - all packets will be discarded`, e.at(0));
    i.peers.push(p);
  }
}

const notifyKw = (name: string, key: keyof InstanceDraft['notify']): Keyword<I> =>
  script<I>(name, (i, v) => {
    i.notify[key] = v;
  }, {
    userWords: true,
    already: (i) => i.notify[key] !== null,
    alreadyMessage: (t) => `${name} script already specified - ignoring ${t}`,
  });

const boolKw = (name: string, set: (i: I, v: boolean) => void, s: ParseState): Keyword<I> =>
  bool<I>(name, set, (t) => `(${last(s.instances)?.name}) invalid ${name} ${t} specified`);

export function instanceBlock(s: ParseState): Block<I> {
  const cur = (): I | null => last(s.instances);
  const garpUint = (name: string, max: number, set: (i: I, v: number) => void, msg: (n: string, t: string) => string): Keyword<I> =>
    uint<I>(name, set, { min: 0, max, invalid: (t) => msg(cur()?.name ?? '', t) });
  const repeat = (name: string, set: (i: I, v: number) => void): Keyword<I> =>
    uint<I>(name, (i, v, c) => {
      if (v === 0) c.error('value-adjusted', `(${i.name}): ${name} must be greater than 0, setting to 1`, 1);
      set(i, Math.max(1, v));
    }, { min: 0, max: UINT_MAX, invalid: (t) => `(${cur()?.name}): ${name} '${t}' invalid - ignoring` });
  const track = (kind: 'interface' | 'script' | 'file' | 'process' | 'bfd', pick: (i: I) => InstanceDraft['trackInterfaces']): Keyword<I> =>
    values<I>(`track_${kind}`, (i, e) => addTracked(kind, i.name, pick(i), e, s));
  const keywords: Keyword<I>[] = [
    words('use_vmac', (i) => (i.useVmac = true)),
    flag('use_vmac_addr', () => undefined),
    flag('vmac_xmit_base', () => undefined),
    words('use_ipvlan', () => undefined),
    words('unicast_peer', (i, c) => {
      i.unicastConfigured = true;
      for (const e of c.valueBlock()) addPeer(i, e, s);
    }),
    flag('unicast_fault_no_peer', (i) => ((i.unicastConfigured = true), (i.unicastFaultNoPeer = true))),
    flag('check_unicast_src', (i) => ((i.unicastConfigured = true), (i.checkUnicastSrc = true))),
    words('old_unicast_checksum', (i, c) => {
      i.unicastConfigured = true;
      if (c.has(1) && c.arg(1) !== 'never') c.error('bad-value', `(${i.name}) Unknown old_unicast_chksum mode ${c.arg(1)} - ignoring`, 1);
    }, { maxWords: 2 }),
    flag('native_ipv6', (i, c) => {
      if (i.family === 4) return c.error('conflict', `(${i.name}) Cannot specify native_ipv6 with IPv4 addresses`);
      i.family = 6;
      i.version = 3;
    }),
    words('state', (i, c) => {
      const t = c.arg(1);
      if (t === 'MASTER') {
        i.wantState = 'MASTER';
        i.locs.state = c.at(0);
      } else if (t === 'BACKUP') {
        if (i.wantState === 'MASTER') c.error('conflict', `(${i.name}) state previously set as MASTER - ignoring BACKUP`, 1);
        else {
          i.wantState = 'BACKUP';
          i.locs.state = c.at(0);
        }
      } else {
        const near = t.toUpperCase() === 'MASTER' || t.toUpperCase() === 'BACKUP' ? `keepalived is case-sensitive: write '${t.toUpperCase()}'` : 'expected MASTER or BACKUP';
        c.error('bad-value', `(${i.name}) unknown state '${t}', defaulting to BACKUP`, 1, near);
        i.wantState = 'BACKUP';
        i.locs.state = c.at(0);
      }
    }, { maxWords: 2 }),
    words('interface', (i, c) => {
      const name = c.arg(1);
      if (name.length >= 16) return c.error('bad-value', `Interface name '${name}' too long - ignoring`, 1);
      if (s.interfaces && !s.interfaces.has(name)) {
        s.missingInterface = true;
        c.error('unknown-interface', `WARNING - interface ${name} for vrrp_instance ${i.name} doesn't exist`, 1);
      } else if (name === 'lo') return c.error('bad-value', `(${i.name}) cannot use a loopback interface (${name}) for vrrp - ignoring`, 1);
      i.interface = name;
      i.locs.interface = c.at(0);
    }, { maxWords: 2 }),
    words('vrf', (_i, c) => void c.arg(1), { maxWords: 2 }),
    flag('dont_track_primary', (i) => (i.dontTrackPrimary = true)),
    track('interface', (i) => i.trackInterfaces),
    track('script', (i) => i.trackScripts),
    track('file', (i) => i.trackFiles),
    track('process', () => []),
    track('bfd', () => []),
    words('mcast_src_ip', srcIp, { maxWords: 2 }),
    words('unicast_src_ip', (i, c) => ((i.unicastConfigured = true), srcIp(i, c)), { maxWords: 2 }),
    words('mcast_dst_ip', mcastDst, { maxWords: 2 }),
    flag('track_src_ip', () => undefined),
    uint('virtual_router_id', (i, v, c) => ((i.vrid = v), (i.locs.virtualRouterId = c.at(0))), { min: 1, max: 255, invalid: (t) => `(${cur()?.name}): VRID '${t}' not valid - must be between 1 & 255` }),
    uint('unicast_ttl', (i, v) => (i.ttl = v), { min: 0, max: 255, invalid: (t) => `(${cur()?.name}): TTL '${t}' not valid - must be between 0 & 255` }),
    words('version', (i, c) => {
      const r = readInt(c.arg(1), 2, 3);
      if (!r.ok) return c.error('out-of-range', `(${i.name}): Version must be either 2 or 3`, 1, r.message);
      const v = r.value as 2 | 3;
      if ((i.version !== 0 && i.version !== v) || (v === 2 && i.family === 6)) {
        return c.error('conflict', `(${i.name}) vrrp_version ${v} conflicts with configured or deduced version ${i.version}; ignoring.`, 1);
      }
      i.version = v;
      i.locs.version = c.at(0);
    }, { maxWords: 2 }),
    words('priority', (i, c) => {
      const r = readUnsigned(c.arg(1), 1, 255);
      i.locs.priority = c.at(0);
      if (r.ok) i.priority = r.value;
      else {
        c.error('out-of-range', `(${i.name}) Priority not valid! must be between 1 & 255. Using default 100`, 1, r.message);
        i.priority = 100;
      }
    }, { maxWords: 2 }),
    decimal('advert_int', (i, v, c) => ((i.advertInt = v), (i.locs.advertInt = c.at(0))), { min: 0.01, max: 255, default: 1, invalid: (t) => `(${cur()?.name}) Advert interval (${t}) not valid! Must be > 0 - ignoring` }),
    values('virtual_ipaddress', (i, e, c) => {
      i.locs.virtualIpAddress ??= c.at(0);
      const vip = parseVip(e, s);
      if (!vip) return;
      if (i.family === 0) i.family = vip.family;
      else if (vip.family !== i.family) {
        return s.sink.error('conflict', `(${i.name}): address family must match VRRP instance [${e.words[0]!.text}] - ignoring`, e.at(0));
      }
      i.vips.push(vip);
    }),
    values('virtual_ipaddress_excluded', (i, e) => {
      const vip = parseVip(e, s);
      if (vip) i.evips.push(vip);
    }),
    flag('promote_secondaries', (i) => (i.promoteSecondaries = true)),
    flag('linkbeat_use_polling', (i, c) => c.error('deprecated', `(${i.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`)),
    values('virtual_routes', (i, e) => {
      const route = parseRoute(e, s, false);
      if (route) i.routes.push(route);
    }),
    values('virtual_rules', (i, e) => {
      const rule = parseRule(e, s, false);
      if (rule) i.rules.push(rule);
    }),
    flag('accept', (i) => (i.accept = true)),
    flag('no_accept', (i) => (i.accept = false)),
    boolKw('skip_check_adv_addr', (i) => (i.skipCheckAdvAddr = true), s),
    boolKw('strict_mode', (i, v) => (i.strict = v), s),
    flag('preempt', (i, c) => ((i.nopreempt = false), (i.locs.nopreempt = c.at(0)))),
    flag('nopreempt', (i, c) => ((i.nopreempt = true), (i.locs.nopreempt = c.at(0)))),
    words('preempt_delay', (i, c) => {
      const r = readDecimal(c.arg(1), 0, 1000 * US, 6);
      if (!r.ok) {
        c.error('out-of-range', `(${i.name}) Preempt_delay not valid! must be between 0-1000`, 1, r.message);
        i.preemptDelay = 0;
      } else i.preemptDelay = r.value / US;
    }, { maxWords: 2 }),
    uint('debug', () => undefined, { min: 0, max: 4, invalid: (t) => `(${cur()?.name}) Debug value '${t}' not valid; must be between 0-4` }),
    notifyKw('notify_backup', 'backup'),
    notifyKw('notify_master', 'master'),
    notifyKw('notify_fault', 'fault'),
    notifyKw('notify_stop', 'stop'),
    words('notify_deleted', (i, c) => {
      if (c.has(1)) notifyKw('notify_deleted', 'deleted').run!(i, c);
    }, { maxWords: 4 }),
    notifyKw('notify', 'any'),
    notifyKw('notify_master_rx_lower_pri', 'masterRxLowerPri'),
    bool('smtp_alert', (i, v) => (i.smtpAlert = v), (t) => `Invalid vrrp_instance smtp_alert parameter ${t}`),
    bool('notify_priority_changes', (i, v) => (i.notifyPriorityChanges = v), (t) => `(${cur()?.name}) Invalid value '${t}' for notify_priority_changes specified`),
    words('lvs_sync_daemon_interface', (i, c) => {
      c.error('deprecated', `(${i.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, 0, "use global_defs' lvs_sync_daemon");
      const ifname = c.arg(1);
      if (s.global.lvsSyncDaemon) return c.error('duplicate', `(${i.name}) lvs_sync_daemon_interface has already been specified as ${s.global.lvsSyncDaemon.interface} - ignoring`, 1);
      s.global.lvsSyncDaemon = { interface: ifname, instance: i.name, syncId: null, maxlen: null, port: 8848, ttl: null, group: null };
    }, { maxWords: 2 }),
    garpUint('garp_master_delay', 4294, (i, v) => (i.garpMasterDelay = v), (n, t) => `(${n}): garp_master_delay '${t}' invalid - ignoring`),
    garpUint('garp_master_refresh', UINT_MAX, (i, v) => (i.garpMasterRefresh = v), (n, t) => `(${n}): Invalid garp_master_refresh '${t}' - ignoring`),
    repeat('garp_master_repeat', (i, v) => (i.garpMasterRepeat = v)),
    repeat('garp_master_refresh_repeat', (i, v) => (i.garpMasterRefreshRepeat = v)),
    garpUint('garp_lower_prio_delay', 4294, (i, v) => (i.garpLowerPrioDelay = v), (n, t) => `(${n}): garp_lower_prio_delay '${t}' invalid - ignoring`),
    garpUint('garp_lower_prio_repeat', 2147483647, (i, v) => (i.garpLowerPrioRepeat = v), (n, t) => `(${n}): Invalid garp_lower_prio_repeat '${t}'`),
    uint('down_timer_adverts', (i, v) => (i.downTimerAdverts = v), { min: 1, max: 100, default: 3, invalid: (t) => `(${cur()?.name}): Invalid down_timer_adverts [1:100] '${t}'` }),
    garpExtraIf('garp_extra_if'),
    garpExtraIf('vmac_garp_intvl'),
    boolKw('lower_prio_no_advert', (i, v) => (i.lowerPrioNoAdvert = v), s),
    boolKw('higher_prio_send_advert', (i, v) => (i.higherPrioSendAdvert = v), s),
    words('kernel_rx_buf_size', (i, c) => {
      if (c.words.length !== 2 || !readUnsigned(c.arg(1), 0, UINT_MAX).ok) c.error('bad-value', `(${i.name}) invalid kernel_rx_buf_size specified`);
    }),
    block('authentication', () => authBlock(s), (i, c) => void (i.locs.authentication ??= c.at(0))),
  ];
  return {
    name: 'vrrp_instance',
    keywords,
    target: cur,
    close: (i) => {
      if (i.peers.length === 0 && i.ttl !== null) {
        s.sink.error('ignored', `(${i.name}): Cannot use unicast_ttl without unicast peers - resetting`, i.loc);
        i.ttl = null;
      }
    },
  };
}

function garpExtraIf(name: string): Keyword<I> {
  return words<I>(name, (i, c) => {
    if (name === 'vmac_garp_intvl') c.error('deprecated', 'Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"');
    let delay: number | null = null;
    for (let k = 1; k < c.words.length; k++) {
      if (c.arg(k) === 'all') continue;
      const r = readUnsigned(c.arg(k), 0, 86400);
      if (!r.ok) return c.error('bad-value', `(${i.name}): ${name} '${c.arg(k)}' invalid - ignoring`, k);
      delay = r.value;
    }
    if (delay === null) c.error('missing-required', `(${i.name}): ${name} specified without time - ignoring`);
  });
}

function authBlock(s: ParseState): Block<I> {
  const cur = (): I | null => last(s.instances);
  return {
    name: 'authentication',
    target: cur,
    keywords: [
      oneOf<I, 'PASS' | 'AH'>('auth_type', ['PASS', 'AH'], (i, v, c) => ((i.authType = v), (i.locs.authType = c.at(0))), (t) => `(${cur()?.name}) unknown authentication type '${t}'`),
      words<I>('auth_pass', (i, c) => {
        let p = c.arg(1);
        if (p.length > 8) {
          c.error('value-adjusted', 'Truncating auth_pass to 8 characters', 1, 'VRRPv2 simple passwords are at most 8 characters');
          p = p.slice(0, 8);
        }
        i.authPass = p;
        i.locs.authPass = c.at(0);
      }, { maxWords: 2 }),
    ],
  };
}
