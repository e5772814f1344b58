/**
 * real_server ADDR [PORT] { } keywords (keepalived 2.2.7 check_parser.c rs_*; defaults from
 * check_data.c alloc_rs: everything inherits from the virtual server unless set, weight from the
 * virtual server's `weight`, smtp_alert on).
 */
import { checkerKeywords } from './checkers.js';
import { parseForwarding } from './forwarding.js';
import { allZeros, parseSockAddr } from './inet.js';
import { bool, script, timer, uint, words } from './keywords.js';
import { type ParseState, type RsDraft, type VsDraft, last } from './state.js';
import type { Block, Call, Keyword } from './table.js';
import { addressHint, skippedNote } from './virtual_server.js';

type R = RsDraft & { phantom?: boolean };
const UINT_MAX = 4294967295;
const INT32_MAX = 2147483647;

/**
 * rs_handler()/alloc_rs(). An unusable address is keepalived's error and the block is skipped.
 * COMPAT(keepalived): tsvs reads it into a dropped draft so that mistakes inside it are reported,
 * as warnings (see skippedNote).
 */
export function openRealServer(_s: ParseState, vs: VsDraft, c: Call): void {
  const ip = c.arg(1);
  const port = c.has(2) ? c.arg(2) : undefined;
  const a = parseSockAddr(ip, port !== undefined && !allZeros(port) ? port : undefined);
  const rs: R = {
    address: a?.addr ?? ip, family: a?.family ?? 4, port: a?.port ?? 0, weight: null, fwd: vs.fwd, uThreshold: 0, lThreshold: 0,
    inhibit: null, alpha: null, retry: null, delayBeforeRetry: null, warmup: null, connectTimeout: null, delayLoop: null,
    smtpAlert: null, virtualhost: null, notifyUp: null, notifyDown: null, checkers: [], loc: c.at(0),
  };
  if (!a) {
    c.error('bad-address', `Invalid real server ip address/port ${ip}/${port ?? '(null)'} - skipping`, 1, addressHint(ip));
    rs.phantom = true;
    const portAtFault = parseSockAddr(ip, undefined) !== null;
    c.readSkippedBlock(skippedNote('real_server', c.at(0).line, portAtFault ? 'port' : 'address'));
  }
  vs.rs.push(rs);
}

function closeRealServer(s: ParseState, rs: R): void {
  const vs = last(s.servers);
  if (!vs) return;
  if (rs.phantom) {
    vs.rs.pop();
    return;
  }
  if (rs.fwd?.method === 'tun') return;
  if (vs.family === 0) vs.family = rs.family;
  else if (vs.family !== rs.family) {
    s.sink.error('conflict', `Address family of virtual server and real server ${rs.address} don't match - skipping real server.`, rs.loc);
    vs.rs.pop();
  }
}

export function realServerBlock(s: ParseState): Block<R> {
  const cur = (): R | null => {
    const vs = s.servers[s.servers.length - 1];
    return vs?.rs[vs.rs.length - 1] ?? null;
  };
  const vsName = (): string => last(s.servers)?.group ?? '(null)';
  const keywords: Keyword<R>[] = [
    uint<R>('weight', (rs, v) => (rs.weight = v), { min: 0, max: INT32_MAX, invalid: (t) => `Real server weight ${t} is outside range 0-${INT32_MAX}` }),
    words<R>('lvs_method', (rs, c) => {
      const f = parseForwarding(c, 'real');
      if (f) rs.fwd = f;
    }),
    uint<R>('uthreshold', (rs, v) => (rs.uThreshold = v), { min: 0, max: UINT_MAX, default: 0, invalid: (t) => `Invalid real_server uthreshold '${t}' - ignoring` }),
    uint<R>('lthreshold', (rs, v) => (rs.lThreshold = v), { min: 0, max: UINT_MAX, default: 0, invalid: (t) => `Invalid real_server lthreshold '${t}' - ignoring` }),
    bool<R>('inhibit_on_failure', (rs, v) => (rs.inhibit = v), (t) => `Invalid inhibit_on_failure parameter ${t}`),
    script<R>('notify_up', (rs, v) => (rs.notifyUp = v), { userWords: true, already: (rs) => rs.notifyUp !== null, alreadyMessage: (t) => `(${vsName()}) notify_up script already specified - ignoring ${t}` }),
    script<R>('notify_down', (rs, v) => (rs.notifyDown = v), { userWords: true, already: (rs) => rs.notifyDown !== null, alreadyMessage: (t) => `(${vsName()}) notify_down script already specified - ignoring ${t}` }),
    bool<R>('alpha', (rs, v) => (rs.alpha = v), (t) => `Invalid alpha parameter ${t}`),
    uint<R>('retry', (rs, v) => (rs.retry = v), { min: 1, max: UINT_MAX, invalid: (t) => `retry value invalid - ${t}` }),
    timer<R>('delay_before_retry', (rs, v) => (rs.delayBeforeRetry = v), { min: 0, max: 0, invalid: (t) => `real server delay_before_retry '${t}' invalid - ignoring` }),
    timer<R>('warmup', (rs, v) => (rs.warmup = v), { min: 0, max: 0, invalid: (t) => `real server warmup '${t}' invalid - ignoring` }),
    timer<R>('connect_timeout', (rs, v) => (rs.connectTimeout = v), { min: 0.000001, max: UINT_MAX / 1e6, invalid: (t) => `real server connect_timeout ${t} invalid - ignoring` }),
    timer<R>('delay_loop', (rs, v) => (rs.delayLoop = v), { min: 0.000001, max: 0, invalid: (t) => `real server delay_loop '${t}' invalid - ignoring` }),
    bool<R>('smtp_alert', (rs, v) => (rs.smtpAlert = v), (t) => `Invalid real_server smtp_alert parameter ${t}`),
    words<R>('virtualhost', (rs, c) => {
      if (!c.has(1)) return c.error('missing-required', 'real server virtualhost missing');
      rs.virtualhost = c.arg(1);
    }, { maxWords: 2 }),
    words<R>('snmp_name', (_rs, c) => {
      if (c.words.length !== 2) c.error('bad-value', 'real server snmp_name missing or extra parameters');
    }),
    ...(checkerKeywords(s) as Keyword<R>[]),
  ];
  return { name: 'real_server', keywords, target: cur, close: (rs) => closeRealServer(s, rs) };
}
