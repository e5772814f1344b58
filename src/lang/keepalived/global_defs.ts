/**
 * global_defs { } keywords (keepalived 2.2.7 keepalived/core/global_parser.c; defaults from
 * global_data.c alloc_global_data / set_vrrp_defaults).
 */
import { INCLUDE_B, INCLUDE_M, INCLUDE_R, INCLUDE_W } from './include.js';
import { hostResolvable, inetAton, isMulticast4, parseSockAddr } from './inet.js';
import { bool, decimal, flag, int, script, str, uint, values, words } from './keywords.js';
import { readUnsigned } from './numbers.js';
import type { GlobalDraft, ParseState } from './state.js';
import type { Block, Call, Keyword } from './table.js';

const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
const LVS_MAX_TIMEOUT = 86400 * 31;

export function newGlobal(): GlobalDraft {
  return {
    routerId: null,
    notificationEmail: [],
    notificationEmailFrom: null,
    smtpServer: null,
    smtpHeloName: null,
    smtpConnectTimeout: 30,
    smtpAlert: null,
    smtpAlertVrrp: null,
    smtpAlertChecker: null,
    scriptUser: null,
    enableScriptSecurity: false,
    vrrpVersion: 2,
    vrrpStrict: false,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpGarpMasterDelay: 5,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefresh: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpLowerPrioDelay: null,
    vrrpGarpLowerPrioRepeat: null,
    vrrpGarpInterval: 0,
    vrrpGnaInterval: 0,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpDownTimerAdverts: 3,
    vrrpCheckUnicastSrc: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpStartupDelay: 0,
    defaultInterface: 'eth0',
    dynamicInterfaces: false,
    lvsSyncDaemon: null,
    lvsTimeouts: { tcp: 0, tcpfin: 0, udp: 0 },
    lvsFlush: false,
    lvsFlushOnStop: 'off',
    startupScript: null,
    shutdownScript: null,
    notifyFifo: null,
    vrrpNotifyFifo: null,
    lvsNotifyFifo: null,
    other: {},
    loc: null,
    vrrpVersionLoc: null,
  };
}

type G = GlobalDraft;

/** Keywords kept only as words: name → what keepalived does when the value is missing. */
const OTHER: ReadonlyArray<[string, 'fatal' | 'optional' | string]> = [
  ['process_names', 'optional'],
  ['process_name', 'fatal'],
  ['vrrp_process_name', 'fatal'],
  ['checker_process_name', 'fatal'],
  ['bfd_process_name', 'fatal'],
  ['startup_script_timeout', 'startup_script_timeout requires value'],
  ['shutdown_script_timeout', 'shutdown_script_timeout requires value'],
  ['max_auto_priority', 'optional'],
  ['min_auto_priority_delay', 'min_auto_priority_delay requires delay time'],
  ['checker_log_all_failures', 'optional'],
  ['no_email_faults', 'optional'],
  ['disable_local_igmp', 'optional'],
  ['vrrp_garp_extra_if', 'vrrp_garp_extra_if specified without time - ignoring'],
  ['nftables', 'optional'],
  ['nftables_priority', 'fatal'],
  ['nftables_ifindex', 'optional'],
  ['nftables_ipvs', 'optional'],
  ['nftables_ipvs_priority', 'fatal'],
  ['nftables_ipvs_start_fwmark', 'fatal'],
  ['nftables_counters', 'optional'],
  ['vrrp_priority', 'No vrrp process priority specified'],
  ['vrrp_no_swap', 'optional'],
  ['vrrp_rt_priority', 'No vrrp process real-time priority specified'],
  ['vrrp_cpu_affinity', 'No vrrp cpu_id set specified'],
  ['vrrp_rlimit_rttime', 'fatal'],
  ['notify_fifo_script', 'No notify_fifo_script specified'],
  ['vrrp_notify_fifo_script', 'No vrrp_notify_fifo_script specified'],
  ['vrrp_notify_priority_changes', 'optional'],
  ['fifo_write_vrrp_states_on_reload', 'optional'],
  ['lvs_notify_fifo_script', 'No lvs_notify_fifo_script specified'],
  ['checker_priority', 'No checker process priority specified'],
  ['checker_no_swap', 'optional'],
  ['checker_rt_priority', 'No checker process real-time priority specified'],
  ['checker_cpu_affinity', 'No checker cpu_id set specified'],
  ['checker_rlimit_rttime', 'fatal'],
  ['bfd_priority', 'No bfd process priority specified'],
  ['bfd_no_swap', 'optional'],
  ['bfd_rt_priority', 'No bfd process real-time priority specified'],
  ['bfd_cpu_affinity', 'No bfd cpu_id set specified'],
  ['bfd_rlimit_rttime', 'fatal'],
  ['snmp_socket', 'SNMP error : snmp socket name missing'],
  ['enable_traps', 'optional'],
  ['enable_snmp_vrrp', 'optional'],
  ['enable_snmp_rfc', 'optional'],
  ['enable_snmp_rfcv2', 'optional'],
  ['enable_snmp_rfcv3', 'optional'],
  ['enable_snmp_checker', 'optional'],
  ['enable_dbus', 'optional'],
  ['dbus_service_name', 'dbus_service_name missing - ignoring'],
  ['vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs size missing'],
  ['vrrp_netlink_cmd_rcv_bufs_force', 'optional'],
  ['vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs size missing'],
  ['vrrp_netlink_monitor_rcv_bufs_force', 'optional'],
  ['process_monitor_rcv_bufs', 'process_monitor_rcv_bufs size missing'],
  ['process_monitor_rcv_bufs_force', 'optional'],
  ['lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs size missing'],
  ['lvs_netlink_cmd_rcv_bufs_force', 'optional'],
  ['lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs size missing'],
  ['lvs_netlink_monitor_rcv_bufs_force', 'optional'],
  ['rs_init_notifies', 'optional'],
  ['no_checker_emails', 'optional'],
  ['vrrp_rx_bufs_policy', 'vrrp_rx_bufs_policy missing'],
  ['vrrp_rx_bufs_multiplier', 'Invalid vrrp_rx_bufs_multiplier'],
  ['log_unknown_vrids', 'optional'],
  ['vmac_prefix', 'fatal'],
  ['vmac_addr_prefix', 'fatal'],
  ['umask', 'fatal'],
  ['random_seed', 'fatal'],
  ['reload_check_config', 'optional'],
  ['reload_time_file', 'reload_time_file invalid'],
  ['reload_repeat', 'optional'],
  ['reload_file', 'optional'],
  ['config_save_dir', 'fatal'],
  ['tmp_config_directory', 'tmp_config_directory missing directory name'],
  ['data_use_instance', 'optional'],
];

function record(g: G, c: Call): void {
  const name = c.words[0]!.text;
  (g.other[name] ??= []).push(c.words.slice(1).map((w) => w.text));
}

function other(name: string, missing: string): Keyword<G> {
  return words<G>(name, (g, c) => {
    if (!c.has(1) && missing === 'fatal') c.arg(1);
    if (!c.has(1) && missing !== 'optional') return c.error('missing-required', missing);
    record(g, c);
  });
}

/** Deprecated spellings keepalived still accepts, with what it says about them. */
function deprecatedOther(name: string, replacement: string, message: string | null, missing: string): Keyword<G> {
  return words<G>(name, (g, c) => {
    if (message !== null) c.error('deprecated', message, 0, `use '${replacement}'`);
    else c.info('deprecated', `'${name}' is deprecated - please use '${replacement}'`);
    if (!c.has(1) && missing === 'fatal') c.arg(1);
    if (!c.has(1) && missing !== 'optional') return c.error('missing-required', missing);
    record(g, c);
  });
}

/**
 * smtp_server HOST [PORT] (smtpserver_handler): an address (inet_pton, unless the text has '-' or
 * '/'), else a name or other numeric form for getaddrinfo(); port 1..65535, default 25.
 */
function smtpServer(g: G, c: Call): void {
  const host = c.arg(1);
  const port = c.has(2) ? c.arg(2) : '25';
  const p = readUnsigned(port, 1, 65535);
  if (!p.ok) c.error(p.reason === 'range' ? 'out-of-range' : 'invalid-number', p.message, 2);
  const ip = /[-/]/.test(host) ? null : parseSockAddr(host, undefined);
  const aton = ip ? null : inetAton(host);
  if (p.ok && ip) g.smtpServer = { host: ip.addr, port: p.value };
  else if (p.ok && aton !== null) g.smtpServer = { host: [24, 16, 8, 0].map((b) => (aton >>> b) & 255).join('.'), port: p.value };
  else if (p.ok && hostResolvable(host)) g.smtpServer = { host, port: p.value };
  else c.error('bad-address', `Invalid smtp server ${host} ${port}`, 1, p.ok ? smtpHint(host) : undefined);
}

function smtpHint(host: string): string {
  if (/^[0-9.]+$/.test(host)) return `'${host}' is not an IPv4 address (four numbers 0-255) and cannot be a host name`;
  return 'expected an IPv4 or IPv6 address or a host name';
}

function mcastGroup(family: 4 | 6, set: (g: G, a: string) => void): (g: G, c: Call) => void {
  const name = `vrrp_mcast_group${family}`;
  return (g, c) => {
    const t = c.arg(1);
    const a = parseSockAddr(t, undefined);
    if (!a) return c.error('bad-address', `Can't parse ${name} [${t}]. Skipping`, 1);
    if (a.family !== family) return c.error('bad-address', `${name} [${t}] is not IPv${family}. Skipping`, 1);
    const multicast = family === 4 ? isMulticast4(a.addr) : a.addr.startsWith('ff');
    if (!multicast) return c.error('bad-address', `${name} [${t}] is not multicast. Skipping`, 1);
    if (family === 6 && !/^ff[0-9a-f]2:/.test(a.addr)) c.error('bad-value', `${name} [${t}] should be link-local multicast.`, 1);
    set(g, a.addr);
  };
}

function lvsTimeouts(g: G, c: Call): void {
  if (c.words.length < 3) return c.error('missing-required', 'lvs_timeouts requires at least one option');
  for (let i = 1; i < c.words.length; i++) {
    const k = c.arg(i);
    if (k !== 'tcp' && k !== 'tcpfin' && k !== 'udp') {
      c.error('bad-value', `Unknown option ${k} specified for lvs_timeouts`, i);
      continue;
    }
    if (i === c.words.length - 1) {
      c.error('missing-required', `No value specified for lvs_timeout ${k} - ignoring`, i);
      continue;
    }
    const r = readUnsigned(c.arg(i + 1), 0, LVS_MAX_TIMEOUT);
    if (r.ok) g.lvsTimeouts[k] = r.value;
    else c.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', `Invalid lvs_timeout ${k} (${c.arg(i + 1)}) - ignoring`, i + 1, r.message);
    i++;
  }
}

function lvsSyncDaemon(g: G, c: Call): void {
  if (g.lvsSyncDaemon) return c.error('duplicate', `lvs_sync_daemon has already been specified as ${g.lvsSyncDaemon.interface} ${g.lvsSyncDaemon.instance ?? ''} - ignoring`);
  if (!c.has(1)) return c.error('missing-required', 'lvs_sync_daemon requires interface');
  if (c.arg(1).length >= 16) return c.error('bad-value', `lvs_sync_daemon interface name '${c.arg(1)}' too long - ignoring`, 1);
  const d = { interface: c.arg(1), instance: null as string | null, syncId: null as number | null, maxlen: null as number | null, port: 8848, ttl: null as number | null, group: null as string | null };
  g.lvsSyncDaemon = d;
  const num = (i: number, min: number, max: number, what: string): number | null => {
    const r = readUnsigned(c.arg(i), min, max);
    if (r.ok) return r.value;
    const then = what === 'syncid' ? 'defaulting to vrid' : 'ignoring';
    c.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', `Invalid ${what} (${c.arg(i)}) - ${then}`, i, r.message);
    return null;
  };
  for (let i = 2; i < c.words.length; i++) {
    const k = c.arg(i);
    const hasValue = i + 1 < c.words.length;
    if (k === 'inst') d.instance = c.arg(++i);
    else if (k === 'id' || k === 'maxlen' || k === 'port' || k === 'ttl' || k === 'group') {
      if (!hasValue) {
        c.error('missing-required', `No value specified for lvs_sync_daemon ${k} - ignoring`, i);
        continue;
      }
      i++;
      if (k === 'id') d.syncId = num(i, 0, 255, 'syncid') ?? d.syncId;
      else if (k === 'maxlen') d.maxlen = num(i, 1, 65535 - 20 - 8, 'lvs_sync_daemon maxlen') ?? d.maxlen;
      else if (k === 'port') d.port = num(i, 1, 65535, 'lvs_sync_daemon port') ?? d.port;
      else if (k === 'ttl') d.ttl = num(i, 1, 255, 'lvs_sync_daemon ttl') ?? d.ttl;
      else {
        const a = parseSockAddr(c.arg(i), undefined);
        const mc = a && (a.family === 4 ? isMulticast4(a.addr) : a.addr.startsWith('ff'));
        if (!a) c.error('bad-address', `Invalid lvs_sync_daemon group (${c.arg(i)}) - ignoring`, i);
        else if (!mc) c.error('bad-address', `lvs_sync_daemon group address ${c.arg(i)} is not multicast - ignoring`, i);
        else d.group = a.addr;
      }
    } else if (i === 2) d.instance = k;
    else if (i === 3) {
      const v = num(3, 0, 255, 'syncid');
      if (v !== null) {
        c.error('deprecated', 'Please use keyword "id" before lvs_sync_daemon SYNCID', 3);
        d.syncId = v;
      }
    } else c.error('bad-value', `Unknown option ${k} specified for lvs_sync_daemon`, i);
  }
}

/** include_check [read|match|wildcard_match|brace_match ...] (+x / -x adjust; no word = all). */
function includeCheck(s: ParseState): (g: G, c: Call) => void {
  const bits: Record<string, number> = { read: INCLUDE_R, match: INCLUDE_M, wildcard_match: INCLUDE_W, brace_match: INCLUDE_B };
  return (_g, c) => {
    if (!c.has(1)) return s.include.setCheck(INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B);
    let v = 0;
    for (let i = 1; i < c.words.length; i++) {
      let w = c.arg(i);
      const op = w[0] === '+' || w[0] === '-' ? w[0] : '';
      if (op) w = w.slice(1);
      const b = bits[w];
      if (b === undefined) {
        c.error('bad-value', `Unknown include_check type '${c.arg(i)}' - ignoring`, i);
        continue;
      }
      if (op === '') v |= b;
      else if (op === '+') v = (i === 1 ? s.include.getCheck() : v) | b;
      else v = (i === 1 ? s.include.getCheck() : v) & ~b;
    }
    s.include.setCheck(v);
  };
}

const invalidGlobal = (name: string) => (t: string) => `Invalid value '${t}' for global ${name} specified`;
const repeat = (name: string, set: (g: G, v: number) => void): Keyword<G> =>
  uint<G>(name, (g, v, c) => {
    if (v === 0) c.error('value-adjusted', `${name} must be greater than 0, setting to 1`, 1);
    set(g, Math.max(1, v));
  }, { min: 0, max: UINT_MAX, invalid: (t) => `${name} '${t}' invalid - ignoring` });

export function globalDefsBlock(s: ParseState): Block<G> {
  const fifo = (name: string, set: (g: G, v: string) => void): Keyword<G> =>
    words<G>(name, (g, c) => {
      if (!c.has(1)) return c.error('missing-required', `No ${name} name specified`);
      set(g, c.arg(1));
    });
  const keywords: Keyword<G>[] = [
    str('router_id', (g, v) => (g.routerId = v), { missing: 'routerid name missing - ignoring' }),
    values('notification_email', (g, e) => g.notificationEmail.push(e.words.map((w) => w.text).join(' ')), {
      empty: (_g, c) => c.error('missing-required', 'Warning - empty notification_email block'),
    }),
    str('notification_email_from', (g, v) => (g.notificationEmailFrom = v), { missing: 'emailfrom missing - ignoring' }),
    words('smtp_server', smtpServer, { maxWords: 3 }),
    words('smtp_helo_name', (g, c) => {
      if (c.has(1)) g.smtpHeloName = c.arg(1);
    }, { maxWords: 2 }),
    uint('smtp_connect_timeout', (g, v, c) => {
      if (v === 0) c.error('value-adjusted', 'smtp_conect_timeout must be greater than 0, setting to 1', 1);
      g.smtpConnectTimeout = Math.max(1, v);
    }, { min: 0, max: Math.floor(UINT_MAX / 1e6), default: 30, invalid: (t) => `smtp_connect_timeout '${t}' must be in [0, ${Math.floor(UINT_MAX / 1e6)}] - ignoring` }),
    bool('smtp_alert', (g, v) => (g.smtpAlert = v), invalidGlobal('smtp_alert')),
    bool('smtp_alert_vrrp', (g, v) => (g.smtpAlertVrrp = v), invalidGlobal('smtp_alert_vrrp')),
    bool('smtp_alert_checker', (g, v) => (g.smtpAlertChecker = v), invalidGlobal('smtp_alert_checker')),
    words<G>('startup_script', (g, c) => {
      if (!c.has(1)) return c.error('missing-required', 'startup script missing');
      script<G>('startup_script', (gg, v) => (gg.startupScript = v), { userWords: true }).run!(g, c);
    }),
    words<G>('shutdown_script', (g, c) => {
      if (!c.has(1)) return c.error('missing-required', 'shutdown script missing');
      script<G>('shutdown_script', (gg, v) => (gg.shutdownScript = v), { userWords: true }).run!(g, c);
    }),
    words('script_user', (g, c) => {
      if (!c.has(1)) return c.error('missing-required', 'No script username specified');
      g.scriptUser = { user: c.arg(1), group: c.has(2) ? c.arg(2) : null };
    }, { maxWords: 3 }),
    flag('enable_script_security', (g) => (g.enableScriptSecurity = true)),
    int('vrrp_version', (g, v, c) => ((g.vrrpVersion = v as 2 | 3), (g.vrrpVersionLoc = c.at(0))), { min: 2, max: 3, default: 2, invalid: () => 'VRRP Error: Version must be either 2 or 3' }),
    flag('vrrp_strict', (g) => (g.vrrpStrict = true)),
    words('vrrp_mcast_group4', mcastGroup(4, (g, a) => (g.vrrpMcastGroup4 = a)), { maxWords: 2 }),
    words('vrrp_mcast_group6', mcastGroup(6, (g, a) => (g.vrrpMcastGroup6 = a)), { maxWords: 2 }),
    uint('vrrp_garp_master_delay', (g, v) => (g.vrrpGarpMasterDelay = v), { min: 0, max: 4294, default: 5, invalid: (t) => `vrrp_garp_master_delay '${t}' invalid - ignoring` }),
    repeat('vrrp_garp_master_repeat', (g, v) => (g.vrrpGarpMasterRepeat = v)),
    uint('vrrp_garp_master_refresh', (g, v) => (g.vrrpGarpMasterRefresh = v), { min: 0, max: UINT_MAX, default: 0, invalid: (t) => `Invalid vrrp_garp_master_refresh '${t}' - ignoring` }),
    repeat('vrrp_garp_master_refresh_repeat', (g, v) => (g.vrrpGarpMasterRefreshRepeat = v)),
    uint('vrrp_garp_lower_prio_delay', (g, v) => (g.vrrpGarpLowerPrioDelay = v), { min: 0, max: 4294, invalid: (t) => `vrrp_garp_lower_prio_delay '${t}' invalid - ignoring` }),
    uint('vrrp_garp_lower_prio_repeat', (g, v) => (g.vrrpGarpLowerPrioRepeat = v), { min: 0, max: INT_MAX, invalid: (t) => `Invalid vrrp_garp_lower_prio_repeat '${t}'` }),
    uint('vrrp_down_timer_adverts', (g, v) => (g.vrrpDownTimerAdverts = v), { min: 1, max: 100, default: 3, invalid: (t) => `Invalid vrrp_down_timer_adverts [1:100] '${t}'` }),
    decimal('vrrp_garp_interval', (g, v) => (g.vrrpGarpInterval = v), { min: 0.000001, max: UINT_MAX / 1e6, default: 0, invalid: (t) => `vrrp_garp_interval '${t}' is invalid` }),
    decimal('vrrp_gna_interval', (g, v) => (g.vrrpGnaInterval = v), { min: 0.000001, max: UINT_MAX / 1e6, default: 0, invalid: (t) => `vrrp_gna_interval '${t}' is invalid` }),
    bool('vrrp_min_garp', (g, v) => {
      if (!v) return;
      if (g.vrrpGarpMasterRepeat === 5) g.vrrpGarpMasterRepeat = 1;
      if (g.vrrpGarpMasterRefreshRepeat === 1) g.vrrpGarpMasterRefreshRepeat = 0;
      if (g.vrrpGarpMasterDelay === 5) g.vrrpGarpMasterDelay = 0;
    }, () => 'Invalid value for vrrp_min_garp specified'),
    deprecatedOther('vrrp_vmac_garp_intvl', 'vrrp_garp_extra_if', 'Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"', 'vrrp_vmac_garp_intvl specified without time - ignoring'),
    bool('vrrp_lower_prio_no_advert', (g, v) => (g.vrrpLowerPrioNoAdvert = v), () => 'Invalid value for vrrp_lower_prio_no_advert specified'),
    bool('vrrp_higher_prio_send_advert', (g, v) => (g.vrrpHigherPrioSendAdvert = v), () => 'Invalid value for vrrp_higher_prio_send_advert specified'),
    // COMPAT(keepalived): Debian's 2.2.7 is built with nftables only; it answers vrrp_iptables so.
    words('vrrp_iptables', (g, c) => {
      c.error('deprecated', "iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
      record(g, c);
    }),
    flag('vrrp_check_unicast_src', (g) => (g.vrrpCheckUnicastSrc = true)),
    flag('vrrp_skip_check_adv_addr', (g) => (g.vrrpSkipCheckAdvAddr = true)),
    decimal('vrrp_startup_delay', (g, v) => (g.vrrpStartupDelay = v), { min: 0.001, max: UINT_MAX / 1e6, default: 0, invalid: (t) => `vrrp_startup_delay '${t}' is invalid` }),
    str('default_interface', (g, v) => (g.defaultInterface = v), { missing: 'default_interface requires interface name', default: 'eth0' }),
    words('dynamic_interfaces', (g, c) => {
      g.dynamicInterfaces = true;
      if (c.has(1) && c.arg(1) !== 'allow_if_changes') c.error('bad-value', `Unknown dynamic_interfaces option '${c.arg(1)}'`, 1);
    }, { maxWords: 2 }),
    words('lvs_timeouts', lvsTimeouts),
    flag('lvs_flush', (g) => (g.lvsFlush = true)),
    words('lvs_flush_on_stop', (g, c) => {
      if (!c.has(1)) g.lvsFlushOnStop = 'on';
      else if (c.arg(1) === 'VS') g.lvsFlushOnStop = 'vs';
      else c.error('bad-value', `Unknown lvs_flush_on_stop type ${c.arg(1)}`, 1);
    }, { maxWords: 2, aliases: ['lvs_flush_onstop'] }),
    words('lvs_sync_daemon', lvsSyncDaemon),
    fifo('notify_fifo', (g, v) => (g.notifyFifo = v)),
    fifo('vrrp_notify_fifo', (g, v) => (g.vrrpNotifyFifo = v)),
    fifo('lvs_notify_fifo', (g, v) => (g.lvsNotifyFifo = v)),
    words('include_check', includeCheck(s)),
    deprecatedOther('lvs_process_name', 'checker_process_name', null, 'fatal'),
    deprecatedOther('vrrp_rlimit_rtime', 'vrrp_rlimit_rttime', null, 'fatal'),
    deprecatedOther('checker_rlimit_rtime', 'checker_rlimit_rttime', null, 'fatal'),
    deprecatedOther('bfd_rlimit_rtime', 'bfd_rlimit_rttime', null, 'fatal'),
    deprecatedOther('enable_snmp_keepalived', 'enable_snmp_vrrp', null, 'optional'),
    ...OTHER.map(([name, missing]) => other(name, missing)),
  ];
  return { name: 'global_defs', keywords, target: () => s.global, parentProcess: true };
}
