/**
 * Health checker blocks inside real_server (keepalived 2.2.7 check_api.c common keywords,
 * check_tcp.c, check_misc.c, check_smtp.c, check_dns.c, check_udp.c, check_ping.c, check_file.c,
 * check_bfd.c). Retry / delay defaults differ per checker (keepalived.md §2.9).
 */
import { httpKeywords, newHttpFields } from './http_get.js';
import { parseInet } from './inet.js';
import { block, bool, flag, script, timer, uint, words } from './keywords.js';
import type { CheckerType } from './model.js';
import { readInt, readUnsigned } from './numbers.js';
import { type CheckerDraft, type ConnDraft, type ParseState, last } from './state.js';
import type { Block, Call, Keyword } from './table.js';
import { findTrackFile } from './track_file.js';

type C = CheckerDraft;
const UINT_MAX = 4294967295;
const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'];

/** The checker being read (kept local: it runs for every line of a checker block). */
function currentChecker(s: ParseState): C | null {
  const vs = s.servers[s.servers.length - 1];
  const rs = vs?.rs[vs.rs.length - 1];
  return rs?.checkers[rs.checkers.length - 1] ?? null;
}

function newConn(): ConnDraft {
  return { connectIp: null, connectFamily: null, connectPort: null, bindto: null, bindFamily: null, bindPort: 0, bindIf: null, connectTimeout: null, fwmark: 0 };
}

/** queue_checker(): a new checker on the current real server. */
function openChecker(s: ParseState, type: CheckerType, c: Call): void {
  const rs = last(last(s.servers)?.rs ?? []);
  if (!rs) return;
  const withConn = type !== 'MISC_CHECK' && type !== 'FILE_CHECK' && type !== 'BFD_CHECK';
  const ch: C = {
    type, loc: c.at(0), alpha: null, retry: null, delayBeforeRetry: null, delayLoop: null, warmup: null, logAllFailures: false,
    defaultRetry: type === 'MISC_CHECK' ? 0 : type === 'DNS_CHECK' ? 3 : 1,
    defaultDelayBeforeRetry: type === 'HTTP_GET' || type === 'SSL_GET' ? 3 : type === 'DNS_CHECK' ? null : 1,
    conn: withConn ? newConn() : null, removed: false,
  };
  if (type === 'HTTP_GET' || type === 'SSL_GET') Object.assign(ch, newHttpFields());
  else if (type === 'MISC_CHECK') Object.assign(ch, { script: null, miscTimeout: 0, dynamic: false, user: null });
  else if (type === 'SMTP_CHECK') ch.heloName = null;
  else if (type === 'DNS_CHECK') Object.assign(ch, { dnsType: 'SOA', dnsName: null });
  else if (type === 'UDP_CHECK') Object.assign(ch, { payload: null, requireReply: null, minReplyLength: 0, maxReplyLength: 255 });
  else if (type === 'FILE_CHECK') Object.assign(ch, { trackFile: null, fileWeight: null, fileReverse: false });
  else if (type === 'BFD_CHECK') ch.bfdName = null;
  rs.checkers.push(ch);
}

/** read_hex_str(): hex octets (one or two digits each), blanks between; `x` wildcards if allowed. */
export function validHex(text: string, wildcard: boolean): boolean {
  const digit = wildcard ? /[0-9a-fA-FxX]/ : /[0-9a-fA-F]/;
  let n = 0;
  for (let i = 0; i < text.length; ) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    if (!digit.test(text[i]!)) return false;
    i++;
    if (i < text.length && text[i] !== ' ') {
      if (!digit.test(text[i]!)) return false;
      i++;
    }
    n++;
  }
  return n > 0;
}

function connKeywords(): Keyword<C>[] {
  const conn = (ch: C): ConnDraft => ch.conn!;
  return [
    words<C>('connect_ip', (ch, c) => {
      const a = parseInet(c.arg(1));
      const co = conn(ch);
      if (!a) return c.error('bad-address', `Invalid connect_ip address ${c.arg(1)} - ignoring`, 1);
      if (co.bindFamily !== null && co.bindFamily !== a.family) {
        co.connectIp = null;
        co.connectFamily = null;
        return c.error('conflict', `connect_ip address ${c.arg(1)} does not match address family of bindto - skipping`, 1);
      }
      co.connectIp = a.addr;
      co.connectFamily = a.family;
    }, { maxWords: 2 }),
    uint<C>('connect_port', (ch, v) => (conn(ch).connectPort = v), { min: 1, max: 65535, invalid: (t) => `Invalid checker connect_port '${t}'` }),
    words<C>('bindto', (ch, c) => {
      const a = parseInet(c.arg(1));
      const co = conn(ch);
      if (!a) return c.error('bad-address', `Invalid bindto address ${c.arg(1)} - ignoring`, 1);
      if (co.connectFamily !== null && co.connectFamily !== a.family) {
        co.bindto = null;
        co.bindFamily = null;
        return c.error('conflict', `bindto address ${c.arg(1)} does not match address family of connect_ip - skipping`, 1);
      }
      co.bindto = a.addr;
      co.bindFamily = a.family;
    }, { maxWords: 2 }),
    uint<C>('bind_port', (ch, v) => (conn(ch).bindPort = v), { min: 1, max: 65535, invalid: (t) => `Invalid checker bind_port '${t}'` }),
    words<C>('bind_if', (ch, c) => {
      if (c.arg(1).length > 15) return c.error('bad-value', `Interface name ${c.arg(1)} is too long - ignoring`, 1);
      conn(ch).bindIf = c.arg(1);
    }, { maxWords: 2 }),
    timer<C>('connect_timeout', (ch, v) => (conn(ch).connectTimeout = v), { min: 0.000001, max: UINT_MAX / 1e6, invalid: (t) => `connect_timeout ${t} invalid - ignoring` }),
    uint<C>('fwmark', (ch, v) => (conn(ch).fwmark = v), { min: 0, max: UINT_MAX, invalid: (t) => `Invalid fwmark connection value '${t}'` }),
  ];
}

function commonKeywords(): Keyword<C>[] {
  return [
    uint<C>('retry', (ch, v) => (ch.retry = v), { min: 0, max: UINT_MAX, invalid: (t) => `Invalid retry connection value '${t}'` }),
    timer<C>('delay_before_retry', (ch, v) => (ch.delayBeforeRetry = v), { min: 0, max: 0, invalid: (t) => `Invalid delay_before_retry connection value '${t}'` }),
    timer<C>('warmup', (ch, v) => (ch.warmup = v), { min: 0, max: 0, invalid: (t) => `Invalid warmup connection value '${t}'` }),
    timer<C>('delay_loop', (ch, v) => (ch.delayLoop = v), { min: 0.000001, max: 0, invalid: (t) => `delay_loop '${t}' is invalid - ignoring` }),
    bool<C>('alpha', (ch, v) => (ch.alpha = v), (t) => `Invalid alpha parameter ${t}`),
    bool<C>('log_all_failures', (ch, v) => (ch.logAllFailures = v), (t) => `Invalid log_all_failures parameter ${t}`),
  ];
}

/** check_conn_opts(): an IPv6 link-local target needs bind_if. */
function checkConn(s: ParseState, ch: C): boolean {
  const rs = last(last(s.servers)?.rs ?? []);
  const ip = ch.conn?.connectIp ?? rs?.address ?? '';
  if (/^fe[89ab][0-9a-f]:/i.test(ip) && !ch.conn?.bindIf) {
    s.sink.error('missing-required', `Checker link local address ${ip} requires a bind_if`, ch.loc);
    return false;
  }
  return true;
}

function remove(ch: C): void {
  ch.removed = true;
}

function checkerBlock(s: ParseState, type: CheckerType, specific: Keyword<C>[], close?: (ch: C) => void): Keyword<unknown> {
  const cur = (): C | null => currentChecker(s);
  const withConn = type !== 'MISC_CHECK' && type !== 'FILE_CHECK' && type !== 'BFD_CHECK';
  const sub: Block<C> = {
    name: type,
    target: cur,
    keywords: [...(withConn ? connKeywords() : []), ...(type === 'FILE_CHECK' || type === 'BFD_CHECK' ? [] : commonKeywords()), ...specific],
    close: (ch) => {
      if (withConn && type !== 'SMTP_CHECK' && !checkConn(s, ch)) return remove(ch);
      close?.(ch);
    },
  };
  return block<unknown>(type, () => sub as Block<unknown>, (_t, c) => openChecker(s, type, c));
}

export function checkerKeywords(s: ParseState): Keyword<unknown>[] {
  const cur = (): C | null => currentChecker(s);
  const smtpHost: Block<C> = { name: 'host', target: cur, keywords: connKeywords() };
  return [
    checkerBlock(s, 'TCP_CHECK', []),
    checkerBlock(s, 'PING_CHECK', []),
    ...(['HTTP_GET', 'SSL_GET'] as const).map((t) =>
      checkerBlock(s, t, httpKeywords(s, cur), (ch) => {
        if (!ch.urls?.length) {
          s.sink.error('missing-required', 'HTTP/SSL_GET checker has no urls specified - ignoring', ch.loc, "add a 'url { path ... }' block");
          remove(ch);
        }
      }),
    ),
    checkerBlock(s, 'MISC_CHECK', [
      script<C>('misc_path', (ch, v) => (ch.script = v), { userWords: false }),
      uint<C>('misc_timeout', (ch, v) => (ch.miscTimeout = v), { min: 0, max: Math.floor(UINT_MAX / 1e6), invalid: (t) => `Invalid misc_timeout value '${t}'` }),
      flag<C>('misc_dynamic', (ch) => (ch.dynamic = true)),
      words<C>('user', (ch, c) => {
        if (!c.has(1)) return c.error('missing-required', `No user specified for misc checker script ${ch.script?.text ?? '(null)'}`);
        ch.user = c.arg(1);
      }, { maxWords: 3 }),
    ], (ch) => {
      if (!ch.script) {
        s.sink.error('missing-required', 'No script path has been specified for MISC_CHECKER - skipping', ch.loc, "add 'misc_path'");
        remove(ch);
      }
    }),
    checkerBlock(s, 'SMTP_CHECK', [
      words<C>('helo_name', (ch, c) => {
        if (!c.has(1)) return c.error('missing-required', 'SMTP_CHECK helo name missing');
        ch.heloName = c.arg(1);
      }, { maxWords: 2 }),
      block<C>('host', () => smtpHost as Block<unknown>, (_ch, c) => c.info('deprecated', "SMTP_CHECK 'host' blocks are deprecated: use several SMTP_CHECKs with connect_ip")),
    ]),
    checkerBlock(s, 'DNS_CHECK', [
      words<C>('type', (ch, c) => {
        const t = c.arg(1);
        const v = DNS_TYPES.find((x) => x === t.toUpperCase());
        if (!v) return c.error('bad-value', `Unknown DNS check type ${t} - ignoring`, 1, `expected one of: ${DNS_TYPES.join(' ')}`);
        ch.dnsType = v;
      }, { maxWords: 2 }),
      words<C>('name', (ch, c) => {
        if (ch.dnsName !== null) return c.error('duplicate', 'DNS_CHECK name already specified - ignoring');
        const n = c.arg(1);
        if ((n[0] === '.' && n.length > 1) || n.includes('..')) return c.error('bad-value', `DNS_CHECK name '${n}' has empty label - ignoring`, 1);
        ch.dnsName = n;
      }, { maxWords: 2 }),
    ], (ch) => {
      ch.dnsName ??= '.';
    }),
    checkerBlock(s, 'UDP_CHECK', [
      words<C>('payload', (ch, c) => {
        if (!c.has(1)) return c.error('missing-required', 'UDP_CHECK payload requires a payload');
        const hex = c.words.slice(1).map((w) => w.text).join(' ');
        if (!validHex(hex, false)) return c.error('bad-value', 'Invalid hex string for UDP_CHECK payload', 1);
        ch.payload = hex;
      }),
      words<C>('require_reply', (ch, c) => {
        const hex = c.words.slice(1).map((w) => w.text).join(' ');
        ch.requireReply = hex;
        if (c.has(1) && !validHex(hex, true)) c.error('bad-value', 'Invalid hex string for UDP_CHECK reply', 1);
      }),
      words<C>('min_reply_length', (ch, c) => udpLength(ch, c, 'min')),
      words<C>('max_reply_length', (ch, c) => udpLength(ch, c, 'max')),
    ], (ch) => {
      if (ch.minReplyLength! > ch.maxReplyLength!) {
        s.sink.error('conflict', `UDP_CHECK min_reply length ${ch.minReplyLength} > max_reply_length ${ch.maxReplyLength} - will always fail`, ch.loc);
      }
    }),
    checkerBlock(s, 'FILE_CHECK', [
      words<C>('track_file', (ch, c) => {
        const n = c.arg(1);
        if (!findTrackFile(s, n)) return c.error('not-found', `track_file ${n} not found`, 1, 'define it first in a top-level track_file block');
        ch.trackFile = n;
      }, { maxWords: 2 }),
      words<C>('weight', (ch, c) => {
        if (!c.has(1)) return c.error('missing-required', 'track file weight missing');
        const r = readInt(c.arg(1), -2147483647, 2147483647);
        if (!r.ok) return c.error('out-of-range', 'weight for track file must be in [-2147483647..2147483647] inclusive. Ignoring...', 1, r.message);
        if (c.has(2) && c.arg(2) !== 'reverse' && c.arg(2) !== 'noreverse') return c.error('bad-value', `unknown track file weight option ${c.arg(2)} - ignoring`, 2);
        ch.fileWeight = r.value;
        ch.fileReverse = c.has(2) && c.arg(2) === 'reverse';
      }, { maxWords: 3 }),
    ], (ch) => {
      if (ch.trackFile === null) {
        s.sink.error('missing-required', 'FILE_CHECK has no track_file specified - ignoring', ch.loc);
        remove(ch);
      }
    }),
    checkerBlock(s, 'BFD_CHECK', [
      words<C>('name', (ch, c) => {
        const rs = last(last(s.servers)?.rs ?? []);
        const who = rs ? `[${rs.address}]:tcp:${rs.port}` : '';
        if (c.words.length !== 2) return c.error('bad-value', `(${who}) BFD_CHECK - No or too many names specified`);
        const n = c.arg(1);
        if (!s.otherBlocks.some((b) => b.keyword === 'bfd_instance' && b.name === n)) return c.error('not-found', `(${who}) BFD_CHECK - BFD ${n} not configured`, 1);
        ch.bfdName = n;
      }),
      bool<C>('alpha', (ch, v) => (ch.alpha = v), (t) => `Invalid alpha parameter ${t}`),
    ], (ch) => {
      if (ch.bfdName === null) {
        s.sink.error('missing-required', 'No name has been specified for BFD_CHECKER - skipping', ch.loc);
        remove(ch);
      }
    }),
  ];
}

function udpLength(ch: C, c: Call, which: 'min' | 'max'): void {
  const r = readUnsigned(c.arg(1), 0, 65535);
  if (!r.ok) return c.error('out-of-range', `UDP_CHECK ${which} length ${c.arg(1)} not valid - must be between 0 & 65535`, 1, r.message);
  if (which === 'min') ch.minReplyLength = r.value;
  else ch.maxReplyLength = r.value;
}
