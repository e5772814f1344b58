/**
 * virtual_ipaddress / virtual_ipaddress_excluded entries (keepalived 2.2.7
 * keepalived/vrrp/vrrp_ipaddress.c alloc_ipaddress):
 * `ADDR[/len] [dev IF] [brd ADDR|+|-] [scope S] [label L] [peer ADDR] [home] [-nodad] [mngtmpaddr]
 * [noprefixroute] [autojoin] [no_track] [preferred_lft N|forever] [use_vmac]`.
 */
import { parseInet, parsePrefixed } from './inet.js';
import type { Draft, VirtualIp } from './model.js';
import { readUnsigned } from './numbers.js';
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';

const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function v4(addr: string): number {
  return addr.split('.').reduce((v, p) => v * 256 + Number(p), 0);
}

function v4Text(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

type VipDraft = Draft<VirtualIp>;
type Err = (msg: string, i?: number, code?: 'bad-address' | 'bad-value' | 'unknown-interface' | 'missing-required') => void;

interface OptionCtx {
  readonly vip: VipDraft;
  readonly w: readonly string[];
  readonly err: Err;
  readonly s: ParseState;
  brd: '+' | '-' | null;
}

/** Options with a value: they read w[i + 1]; false means the address is dropped. */
const VALUE_OPTIONS: Readonly<Record<string, (o: OptionCtx, i: number) => boolean>> = {
  dev: (o, i) => {
    if (o.vip.dev !== null) return (o.err(`Cannot specify ipaddress device more than once for ${o.w[0]}`, i - 1), false);
    o.vip.dev = o.w[i]!;
    if (o.s.interfaces && !o.s.interfaces.has(o.vip.dev)) {
      o.s.missingInterface = true;
      o.err(`WARNING - interface ${o.vip.dev} for ip address ${o.w[0]} doesn't exist`, i, 'unknown-interface');
      return false;
    }
    return true;
  },
  scope: (o, i) => {
    const t = o.w[i]!;
    if (SCOPES[t] === undefined && !readUnsigned(t, 0, 255).ok) o.err(`Invalid scope '${t}' specified for ${o.w[0]} - ignoring`, i);
    else o.vip.scope = t;
    return true;
  },
  broadcast: (o, i) => {
    const t = o.w[i]!;
    if (o.vip.family === 6) return (o.err(`VRRP is trying to assign a broadcast ${o.w[i - 1]} to the IPv6 address ${o.w[0]} !!?? WTF... skipping VIP...`, i), false);
    if (t === '+' || t === '-') o.brd = t;
    else {
      const b = parseInet(t, false);
      if (!b) return (o.err(`VRRP is trying to assign invalid broadcast ${t}. skipping VIP...`, i, 'bad-address'), false);
      o.vip.broadcast = b.addr;
    }
    return true;
  },
  label: (o, i) => {
    const t = o.w[i]!;
    if (t.length >= 16) return (o.err(`Address label ${t} is longer than maximum length 15 - removing address`, i), false);
    o.vip.label = t;
    return true;
  },
  peer: (o, i) => {
    const t = o.w[i]!;
    if (o.vip.peer !== null) return (o.err(`Peer ${t} - another peer has already been specified`, i), true);
    const peer = parsePrefixed(t.includes('/') ? t.slice(0, t.indexOf('/')) : t);
    if (!peer) o.err(`Invalid peer address ${t}`, i, 'bad-address');
    else if (peer.family !== o.vip.family) o.err(`Peer address ${t} does not match address family`, i);
    else {
      const full = o.vip.family === 6 ? 128 : 32;
      if (o.vip.prefix !== full) o.err('Cannot specify address prefix when specifying peer address - ignoring', i);
      o.vip.peer = peer.addr;
      o.vip.prefix = full;
    }
    return true;
  },
  preferred_lft: (o, i) => {
    const t = o.w[i]!;
    if (t === 'forever') o.vip.preferredLft = 'forever';
    else if (readUnsigned(t, 0, 4294967295).ok) o.vip.preferredLft = Number(t);
    else o.err(`preferred_lft ${t} is invalid`, i);
    return true;
  },
};

const FLAG_OPTIONS: Readonly<Record<string, (v: VipDraft) => void>> = {
  home: (v) => (v.home = true),
  '-nodad': (v) => (v.noDad = true),
  mngtmpaddr: (v) => (v.mngTmpAddr = true),
  noprefixroute: (v) => (v.noPrefixRoute = true),
  autojoin: (v) => (v.autoJoin = true),
  no_track: (v) => (v.noTrack = true),
  use_vmac: (v) => (v.useVmac = true),
};

/** Broadcast from `brd +|-`, and the IPv6 restrictions (no scope, no label, preferred_lft default). */
function finishVip(o: OptionCtx): void {
  const { vip, err, w } = o;
  if (o.brd !== null && vip.peer !== null) {
    err('Cannot specify broadcast and peer addresses - ignoring broadcast address');
    vip.broadcast = null;
  } else if (o.brd !== null && vip.prefix <= 30) {
    const mask = ipv4Mask(vip.prefix);
    const a = v4(vip.address);
    vip.broadcast = v4Text(o.brd === '+' ? (a | ~mask) >>> 0 : (a & mask) >>> 0);
  } else if (o.brd !== null) err(`Address prefix length ${vip.prefix} too long for broadcast`);
  if (vip.family !== 6) return;
  if (vip.scope !== null) {
    err(`Cannot specify scope for IPv6 addresses (${w[0]}) - ignoring scope`);
    vip.scope = null;
  }
  if (vip.label !== null) {
    err(`Cannot specify label for IPv6 addresses (${w[0]}) - ignoring label`);
    vip.label = null;
  }
  if (vip.preferredLft === null) vip.preferredLft = vip.prefix === 128 ? 0 : 'forever';
}

/** Parse one entry; null (with the reason reported) when keepalived drops it. */
export function parseVip(e: ValueEntry, s: ParseState): VipDraft | null {
  const w = e.words.map((x) => x.text);
  const err: Err = (msg, i = 0, code = 'bad-value') => s.sink.error(code, msg, e.at(i));
  const p = parsePrefixed(w[0]!);
  const full = w[0]!.includes(':') ? 128 : 32;
  const slash = w[0]!.indexOf('/');
  if (slash >= 0 && !readUnsigned(w[0]!.slice(slash + 1), 0, full).ok) {
    err(`Invalid address prefix len ${w[0]!.slice(slash + 1)} for address ${w[0]} - using ${full}`);
  }
  if (!p) {
    err(`VRRP parsed invalid IP ${w[0]}. skipping IP...`, 0, 'bad-address');
    return null;
  }
  const vip: VipDraft = {
    address: p.addr, family: p.family, prefix: p.prefix, dev: null, broadcast: null, scope: null, label: null, peer: null,
    home: false, noDad: false, mngTmpAddr: false, noPrefixRoute: false, autoJoin: false, noTrack: false,
    preferredLft: null, useVmac: false, loc: e.at(0),
  };
  const o: OptionCtx = { vip, w, err, s, brd: null };
  for (let i = 1; i < w.length; i++) {
    const k = w[i]!;
    const withValue = VALUE_OPTIONS[k === 'brd' ? 'broadcast' : k];
    if (withValue) {
      if (i + 1 >= w.length) return (err(`No ${k} parameter specified for ${w[0]}`, i, 'missing-required'), null);
      if (!withValue(o, ++i)) return null;
    } else if (FLAG_OPTIONS[k]) FLAG_OPTIONS[k](vip);
    else err(`Unknown configuration entry '${k}' for ip address - ignoring`, i);
  }
  finishVip(o);
  return vip;
}
