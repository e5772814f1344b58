/**
 * virtual_server (ADDR [PORT] | fwmark N | group NAME) { } keywords (keepalived 2.2.7
 * check_parser.c; defaults from check_data.c alloc_vs: delay_loop 60 s, connect_timeout 5 s,
 * quorum 1, hysteresis 0, weight 1; scheduler/method/protocol unset until validation).
 */
import { SVC_F, SCHED_FLAG_FALLBACK, SCHED_FLAG_PORT } from '../../core/model.js';
import { parseForwarding } from './forwarding.js';
import { allZeros, parseInet, parseSockAddr } from './inet.js';
import { block, bool, flag, script, timer, uint, words } from './keywords.js';
import { readUnsigned } from './numbers.js';
import { realServerBlock, openRealServer } from './real_server.js';
import type { ParseState, VsDraft } from './state.js';
import type { Block, Call, Keyword } from './table.js';

type V = VsDraft & { phantom?: boolean };
const UINT_MAX = 4294967295;
const INT32_MAX = 2147483647;
const LVS_MAX_TIMEOUT = 86400 * 31;
export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;

function newVs(c: Call): V {
  return {
    kind: 'addr', address: null, port: 0, fwmark: 0, group: null, family: 0, protocol: null, protocolLoc: null, scheduler: null,
    fwd: null, flags: 0, persistenceTimeout: 0, persistenceGranularity: 0xffffffff, persistenceEngine: null, delayLoop: 60,
    connectTimeout: 5, retry: null, delayBeforeRetry: null, warmup: null, inhibit: false, alpha: false, omega: false,
    haSuspend: false, quorum: 1, hysteresis: 0, quorumUp: null, quorumDown: null, sorry: null, virtualhost: null,
    smtpAlert: null, weight: 1, rs: [], loc: c.at(0),
  };
}

/**
 * What a finding inside a virtual_server / real_server block keepalived skips says about it.
 * COMPAT(keepalived): keepalived skips the block of a virtual or real server whose address (or
 * fwmark) is unusable without looking inside; tsvs still reads it (into a draft that is then
 * dropped) so that mistakes inside are found before the address is fixed, but reports them as
 * warnings with this note: keepalived -t does not report them, and its verdict is decided by the
 * address error alone, so tsvs's verdict stays the same as keepalived's.
 */
export function skippedNote(block: 'virtual_server' | 'real_server', line: number, what: string): string {
  return `keepalived skips the whole ${block} block at line ${line} (its ${what} is invalid) and does not report this`;
}

/** vs_handler()/alloc_vs(). An unusable address is keepalived's error and its block is skipped. */
export function openVirtualServer(s: ParseState, c: Call): void {
  const vs = newVs(c);
  const p1 = c.arg(1);
  if (p1 === 'group') {
    vs.kind = 'group';
    vs.group = c.arg(2);
  } else if (p1 === 'fwmark') {
    const r = readUnsigned(c.arg(2), 0, UINT_MAX);
    if (!r.ok) {
      c.error('out-of-range', `virtual server fwmark '${c.arg(2)}' must be in [0, ${UINT_MAX}] - ignoring`, 2, r.message);
      vs.phantom = true;
      c.readSkippedBlock(skippedNote('virtual_server', c.at(0).line, 'fwmark'));
    }
    vs.kind = 'fwmark';
    vs.fwmark = r.value;
  } else {
    const p2 = c.has(2) ? c.arg(2) : undefined;
    const portText = p2 !== undefined && !allZeros(p2) ? p2 : undefined;
    const a = parseSockAddr(p1, portText);
    if (!a) {
      const msg = `Invalid virtual server IP address${portText ? '/port' : ''} ${p1}${portText ? `/${portText}` : ''} - skipping`;
      const portAtFault = portText !== undefined && parseInet(p1.replace(/[-/].*$/, ''), p1.includes(':')) !== null;
      c.error('bad-address', msg, portAtFault ? 2 : 1, addressHint(p1));
      vs.phantom = true;
      c.readSkippedBlock(skippedNote('virtual_server', c.at(0).line, portAtFault ? 'port' : 'address'));
    } else {
      vs.address = a.addr;
      vs.port = a.port;
      vs.family = a.family;
    }
  }
  s.servers.push(vs);
}

/** Explain why an address is not one. */
export function addressHint(text: string): string {
  const parts = text.split('.');
  if (!text.includes(':') && parts.length < 4 && parts.every((p) => /^[0-9]+$/.test(p))) {
    return `an IPv4 address needs four numbers (a.b.c.d); '${text}' has ${parts.length}`;
  }
  if (!text.includes(':') && parts.some((p) => /^0[0-9]/.test(p))) return 'leading zeros are not allowed in IPv4 addresses';
  return 'expected an IPv4 or IPv6 address';
}

/** The close of a virtual_server block (vs_end_handler): family from the sorry server if unset. */
function closeVirtualServer(s: ParseState, vs: V): void {
  const sorry = vs.sorry;
  if (sorry && sorry.fwd?.method !== 'tun') {
    if (vs.family === 0) vs.family = sorry.family;
    else if (vs.family !== sorry.family) {
      s.sink.error('conflict', `Address family of virtual server and sorry server ${sorry.address} don't match - skipping sorry server.`, vs.loc);
      vs.sorry = null;
    }
  }
  if (vs.family === 0 && vs.kind !== 'group') {
    let fam: 0 | 4 | 6 = vs.sorry?.family ?? 0;
    let mixed = false;
    for (const rs of vs.rs) {
      if (fam === 0) fam = rs.family;
      else if (fam !== rs.family) mixed = true;
    }
    vs.family = mixed || fam === 0 ? 4 : fam;
  }
}

function lbFlag(name: string): Keyword<V> {
  return flag<V>(name, (vs, c) => {
    if (name === 'ops') vs.flags |= SVC_F.ONEPACKET;
    else if (name === 'flag-1') vs.flags |= SVC_F.SCHED1;
    else if (name === 'flag-2') vs.flags |= SVC_F.SCHED2;
    else if (name === 'flag-3') vs.flags |= SVC_F.SCHED3;
    else if (vs.scheduler === 'sh' || vs.scheduler === 'mh') {
      if (name === `${vs.scheduler}-port`) vs.flags |= SCHED_FLAG_PORT;
      if (name === `${vs.scheduler}-fallback`) vs.flags |= SCHED_FLAG_FALLBACK;
    } else c.error('ignored', `${name} only applies to sh scheduler - ignoring`, 0, name === 'hashed' ? undefined : `set 'lvs_sched ${name.slice(0, 2)}' before '${name}'`);
  });
}

function granularity(vs: V, c: Call): void {
  const t = c.arg(1);
  const family = vs.family !== 0 ? vs.family : t.includes('.') ? 4 : 6;
  if (family === 6) {
    const r = readUnsigned(t, 1, 128);
    if (!r.ok) return c.error('bad-value', `Invalid IPv6 persistence_granularity specified - ${t}`, 1, r.message);
    vs.persistenceGranularity = r.value;
  } else {
    const a = parseInet(t, false);
    if (!a) return c.error('bad-value', `Invalid IPv4 persistence_granularity specified - ${t}`, 1);
    vs.persistenceGranularity = a.addr.split('.').reduce((v, p) => v * 256 + Number(p), 0);
  }
  if (vs.family === 0) vs.family = family;
  if (vs.persistenceTimeout === 0) vs.persistenceTimeout = 360;
}

function sorryServer(vs: V, c: Call): void {
  const p2 = c.has(2) ? c.arg(2) : undefined;
  const a = parseSockAddr(c.arg(1), p2 !== undefined && !allZeros(p2) ? p2 : undefined);
  if (!a) return c.error('bad-address', `Invalid sorry server IP address ${c.arg(1)} - skipping`, 1, addressHint(c.arg(1)));
  vs.sorry = { address: a.addr, family: a.family, port: a.port, fwd: vs.fwd, inhibit: false };
}

export function virtualServerBlock(s: ParseState): Block<V> {
  const cur = (): V | null => s.servers[s.servers.length - 1] ?? null;
  const name = (): string => cur()?.group ?? '(null)';
  const keywords: Keyword<V>[] = [
    words<V>('ip_family', (vs, c) => {
      const t = c.arg(1);
      const fam = t === 'inet' ? 4 : t === 'inet6' ? 6 : null;
      if (fam === null) return c.error('bad-value', `unknown address family ${t}`, 1, 'expected inet or inet6');
      if (vs.family !== 0 && fam !== vs.family) return c.error('conflict', `Virtual server specified family ${t} conflicts with server family`, 1);
      vs.family = fam;
    }, { maxWords: 2 }),
    uint<V>('retry', (vs, v) => (vs.retry = v), { min: 1, max: UINT_MAX, invalid: (t) => `retry value invalid - ${t}` }),
    timer<V>('delay_before_retry', (vs, v) => (vs.delayBeforeRetry = v), { min: 0, max: 0, invalid: (t) => `virtual server delay before retry '${t}' invalid - ignoring` }),
    timer<V>('warmup', (vs, v) => (vs.warmup = v), { min: 0, max: 0, invalid: (t) => `virtual server warmup '${t}' invalid - ignoring` }),
    timer<V>('connect_timeout', (vs, v) => (vs.connectTimeout = v), { min: 0.000001, max: UINT_MAX / 1e6, default: 5, invalid: (t) => `virtual server connect_timeout ${t} invalid - ignoring` }),
    timer<V>('delay_loop', (vs, v) => (vs.delayLoop = v), { min: 0.000001, max: 0, default: 60, invalid: (t) => `virtual server delay loop '${t}' invalid - ignoring` }),
    flag<V>('inhibit_on_failure', (vs) => (vs.inhibit = true)),
    words<V>('lvs_sched', (vs, c) => {
      const t = c.arg(1);
      if (!(SCHEDULERS as readonly string[]).includes(t)) {
        const lower = t.toLowerCase();
        const hint = (SCHEDULERS as readonly string[]).includes(lower) ? `scheduler names are lower case: '${lower}'` : `expected one of: ${SCHEDULERS.join(' ')}`;
        return c.error('bad-value', `Invalid lvs_scheduler '${t}' - ignoring`, 1, hint);
      }
      vs.scheduler = t;
    }, { maxWords: 2, aliases: ['lb_algo'] }),
    ...['hashed', 'ops', 'flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'].map(lbFlag),
    words<V>('lvs_method', (vs, c) => {
      const f = parseForwarding(c, 'virtual');
      if (f) vs.fwd = f;
    }, { aliases: ['lb_kind'] }),
    words<V>('persistence_engine', (vs, c) => {
      const t = c.arg(1);
      if (t.length > 15) c.error('bad-value', `persistence_name too long, truncating - ${t}`, 1);
      vs.persistenceEngine = t.slice(0, 15);
    }, { maxWords: 2 }),
    words<V>('persistence_timeout', (vs, c) => {
      if (!c.has(1)) return void (vs.persistenceTimeout = 360);
      const r = readUnsigned(c.arg(1), 1, LVS_MAX_TIMEOUT);
      if (!r.ok) return c.error('out-of-range', 'persistence_timeout invalid', 1, `${r.message}; omit persistence_timeout to disable persistence`);
      vs.persistenceTimeout = r.value;
    }, { maxWords: 2 }),
    words<V>('persistence_granularity', granularity, { maxWords: 2 }),
    words<V>('protocol', (vs, c) => {
      const t = c.arg(1).toUpperCase();
      if (t === 'TCP' || t === 'UDP' || t === 'SCTP') {
        vs.protocol = t.toLowerCase() as 'tcp' | 'udp' | 'sctp';
        vs.protocolLoc = c.at(1);
      } else c.error('bad-value', `Unknown protocol ${c.arg(1)} - ignoring`, 1, 'expected TCP, UDP or SCTP');
    }, { maxWords: 2 }),
    flag<V>('ha_suspend', (vs) => (vs.haSuspend = true)),
    bool<V>('smtp_alert', (vs, v) => (vs.smtpAlert = v), (t) => `Invalid virtual_server smtp_alert parameter ${t}`),
    words<V>('virtualhost', (vs, c) => {
      if (!c.has(1)) return c.error('missing-required', 'virtual server virtualhost missing');
      vs.virtualhost = c.arg(1);
    }, { maxWords: 2 }),
    words<V>('snmp_name', (_vs, c) => {
      if (c.words.length !== 2) c.error('bad-value', 'virtual server snmp_name missing or extra parameters');
    }),
    flag<V>('alpha', (vs) => (vs.alpha = true)),
    flag<V>('omega', (vs) => (vs.omega = true)),
    script<V>('quorum_up', (vs, v) => (vs.quorumUp = v), { userWords: true, already: (vs) => vs.quorumUp !== null, alreadyMessage: (t) => `(${name()}) quorum_up script already specified - ignoring ${t}` }),
    script<V>('quorum_down', (vs, v) => (vs.quorumDown = v), { userWords: true, already: (vs) => vs.quorumDown !== null, alreadyMessage: (t) => `(${name()}) quorum_down script already specified - ignoring ${t}` }),
    words<V>('quorum', (vs, c) => {
      const r = readUnsigned(c.arg(1), 1, UINT_MAX);
      if (r.ok) vs.quorum = r.value;
      else {
        c.error('out-of-range', `Quorum ${c.arg(1)} must be in [1, ${UINT_MAX}]. Setting to 1.`, 1, r.message);
        vs.quorum = 1;
      }
    }, { maxWords: 2 }),
    uint<V>('hysteresis', (vs, v) => (vs.hysteresis = v), { min: 0, max: UINT_MAX, default: 0, invalid: (t) => `Hysteresis ${t} must be in [0, ${UINT_MAX}] - ignoring` }),
    uint<V>('weight', (vs, v) => (vs.weight = v), { min: 1, max: INT32_MAX, default: 1, invalid: (t) => `Virtual server weight ${t} is outside range 1-${INT32_MAX}` }),
    words<V>('sorry_server', sorryServer, { maxWords: 3 }),
    flag<V>('sorry_server_inhibit', (vs, c) => {
      if (vs.sorry) vs.sorry.inhibit = true;
      else c.error('ignored', 'Ignoring sorry_server inhibit used before or without sorry_server', 0, "put 'sorry_server' first");
    }),
    words<V>('sorry_server_lvs_method', (vs, c) => {
      if (!vs.sorry) return c.error('ignored', 'sorry_server forwarding used without sorry_server', 0, "put 'sorry_server' first");
      const f = parseForwarding(c, 'sorry');
      if (f) vs.sorry.fwd = f;
    }),
    block<V>('real_server', () => realServerBlock(s), (vs, c) => openRealServer(s, vs, c)),
  ];
  return { name: 'virtual_server', keywords, target: cur, close: (vs) => closeVirtualServer(s, vs) };
}
