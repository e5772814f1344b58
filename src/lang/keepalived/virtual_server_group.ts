/**
 * virtual_server_group NAME { entries } (keepalived 2.2.7 check_parser.c vsg_handler,
 * check_data.c alloc_vsg_entry, lib/utils.c inet_stor). Entries: `ADDR [PORT]`,
 * `A.B.C.D-E` / `A.B.C.D-A.B.C.E` / `ADDR/len` ranges, `fwmark N [inet|inet6]`.
 */
import { formatIPv6Groups, parseIPv6Groups } from '../../core/addr.js';
import { parseSockAddr } from './inet.js';
import type { Draft, VirtualServerGroupEntry } from './model.js';
import { readUnsigned } from './numbers.js';
import type { ParseState, VsgDraft } from './state.js';
import type { Call, ValueEntry } from './table.js';

type E = Draft<VirtualServerGroupEntry>;

/** Address as a BigInt (IPv4 32 bits, IPv6 128 bits). */
export function addrToBig(addr: string, family: 4 | 6): bigint {
  if (family === 4) return BigInt(addr.split('.').reduce((v, p) => v * 256 + Number(p), 0));
  return parseIPv6Groups(addr)!.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
}

export function bigToAddr(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  return formatIPv6Groups(groups);
}

function fwmarkEntry(g: VsgDraft, e: ValueEntry, s: ParseState): E | null {
  const w = e.words.map((x) => x.text);
  const t = w[1];
  const r = t === undefined ? null : readUnsigned(t, 0, 4294967295);
  if (r === null || !r.ok) {
    s.sink.error('out-of-range', `(${g.name}): fwmark '${t ?? ''}' must be in [0, 4294967295] - ignoring`, e.at(1), r && !r.ok ? r.message : undefined);
    return null;
  }
  let family: 4 | 6 | null = null;
  if (w.length > 2) {
    if (w[2] === 'inet') family = 4;
    else if (w[2] === 'inet6') family = 6;
    else {
      s.sink.error('bad-value', `(${g.name}): fwmark '${r.value}' family ${w[2]} unknown - ignoring`, e.at(2));
      return null;
    }
  }
  return { kind: 'fwmark', address: null, addressEnd: null, family, port: 0, fwmark: r.value, loc: e.at(0) };
}

/** One address entry, or null (reported) when keepalived skips it. */
function addressEntry(e: ValueEntry, s: ParseState): E | null {
  const w = e.words.map((x) => x.text);
  const text = w[0]!;
  const portText = w[1] !== undefined && /[^0]/.test(w[1]) ? w[1] : undefined;
  const err = (msg: string, code: 'bad-address' | 'bad-value' | 'invalid-number' = 'bad-address') => {
    s.sink.error(code, msg, e.at(0));
    return null;
  };
  const a = parseSockAddr(text, portText);
  if (!a) {
    const p = portText === undefined ? '' : `/port/${portText}`;
    return err(`Invalid virtual server group IP address ${text} ${p} - skipping`);
  }
  const family = a.family;
  const bits = family === 4 ? 32 : 128;
  const start = addrToBig(a.addr, family);
  let end = start;
  const slash = text.indexOf('/');
  const dash = text.indexOf('-');
  if (slash >= 0) {
    const m = /^[0-9]+$/.exec(text.slice(slash + 1));
    const mask = m ? Number(text.slice(slash + 1)) : NaN;
    if (!m || mask === 0 || mask > bits) return err(`Invalid netmask - ${text} - skipping`, 'bad-value');
    const host = (1n << BigInt(bits - mask)) - 1n;
    if ((start & host) !== 0n) return err(`Address mask bits not empty - ${text} - skipping`, 'bad-value');
    end = start | host;
  } else if (dash >= 0 && text.slice(dash + 1).includes(family === 4 ? '.' : ':')) {
    const b = parseSockAddr(text.slice(dash + 1), portText);
    if (!b) return err(`Invalid range end ${text} - skipping`);
    if (b.family !== family) return err(`Range address families do not match ${text} - skipping`);
    end = addrToBig(b.addr, family);
    if (end < start) return err(`Address range end is less than address range start - ${text} - skipping`, 'bad-value');
  } else if (dash >= 0) {
    const tail = text.slice(dash + 1);
    const m = family === 4 ? /^[0-9]*/.exec(tail)! : /^[0-9a-fA-F]*/.exec(tail)!;
    if (m[0].length !== tail.length) {
      return err(`Virtual server group range '${text}' has extra characters at end '${tail.slice(m[0].length)}'`, 'invalid-number');
    }
    const range = m[0] === '' ? 0 : parseInt(m[0], family === 4 ? 10 : 16);
    if (range > (family === 4 ? 255 : 0xffff)) return err(`Virtual server group range '${text}' end '${tail}' too large`, 'invalid-number');
    const low = family === 4 ? 0xffn : 0xffffn;
    if (range <= Number(start & low)) {
      return err(`Address range end is not greater than address range start - ${text} - skipping`, 'bad-value');
    }
    end = (start & ~low) | BigInt(range);
  }
  return { kind: 'range', address: a.addr, addressEnd: bigToAddr(end, family), family, port: a.port, fwmark: 0, loc: e.at(0) };
}

/** vsg_handler(): the group's name, then its entries. */
export function virtualServerGroup(s: ParseState, c: Call): void {
  const name = c.arg(1);
  const g: VsgDraft = { name, entries: [], loc: c.at(0) };
  s.vsGroups.push(g);
  for (const e of c.valueBlock(2)) {
    const entry = e.words[0]!.text === 'fwmark' ? fwmarkEntry(g, e, s) : addressEntry(e, s);
    if (entry) g.entries.push(entry);
  }
  const v4 = g.entries.some((x) => x.family === 4);
  const v6 = g.entries.some((x) => x.family === 6);
  const noFamilyFwmark = g.entries.some((x) => x.kind === 'fwmark' && x.family === null);
  if (g.entries.length === 0) {
    c.error('missing-required', `virtual server group ${name} has no entries - removing`, 1);
    s.vsGroups.pop();
  } else if (v4 && v6 && noFamilyFwmark) {
    c.error('conflict', `virtual server group ${name} cannot have IPv4, IPv6 and fwmark without family - removing`, 1);
    s.vsGroups.pop();
  }
}
