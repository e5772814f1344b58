/**
 * The host's packet-marking rules, read from `nft -j list ruleset`, for firewall-mark services:
 * rules in prerouting chains (by chain priority, then rule order) that set `meta mark` to a
 * number, with matches the packet engine can evaluate itself (src/core/forward/marks.ts):
 * ip/ip6 saddr and daddr (address, prefix, set), tcp/udp/sctp/th dport (port, range, set) and the
 * protocol (meta l4proto, ip protocol, ip6 nexthdr). A marking rule with anything else (an
 * interface, conntrack state, a negation, a jump) is reported, not guessed at, and so is one in a
 * chain at or after the priority where tsvs drops marked packets for the host (system.ts): the
 * host would already have taken the packet when that mark is set.
 *
 * COMPAT(ipvsadm): IPVS takes whatever mark the skb carries (any nft/iptables rule, eBPF, tc);
 * the packet engine only knows marks from the nft rules it can evaluate, read at each sync, and
 * reports the fwmark services whose marks come from anything else (iptables-legacy included).
 */
import type { MarkRuleSpec } from '../../core/forward/marks.js';
import { MARK_DROP_PRIORITY, NFT_TABLE, type RunCommand } from './system.js';

export interface MarkRules {
  readonly rules: MarkRuleSpec[];
  /** Marking rules that cannot be evaluated: the mark they set and why. */
  readonly unsupported: Array<{ readonly mark: number; readonly why: string }>;
}

type Json = Record<string, unknown>;
const PROTO: Record<string, number> = { tcp: 6, udp: 17, sctp: 132 };
/** Statements that neither match nor change what the rule marks. */
const HARMLESS = new Set(['counter', 'accept', 'continue', 'return', 'log', 'limit']);

export async function readMarkRules(run: RunCommand): Promise<MarkRules> {
  return marksFromRuleset(await run('nft', ['-j', 'list', 'ruleset']));
}

export function marksFromRuleset(text: string): MarkRules {
  const items = ((JSON.parse(text) as { nftables?: Json[] }).nftables ?? []) as Json[];
  const chains = new Map<string, { prio: number; order: number }>();
  for (const it of items) {
    const c = it['chain'] as Json | undefined;
    if (!c || c['hook'] !== 'prerouting' || c['table'] === NFT_TABLE) continue;
    chains.set(`${String(c['family'])} ${String(c['table'])} ${String(c['name'])}`, { prio: Number(c['prio'] ?? 0), order: chains.size });
  }
  const found: Array<{ prio: number; order: number; seq: number; rule: Json }> = [];
  for (const it of items) {
    const r = it['rule'] as Json | undefined;
    const chain = r && chains.get(`${String(r['family'])} ${String(r['table'])} ${String(r['chain'])}`);
    if (r && chain) found.push({ ...chain, seq: found.length, rule: r });
  }
  found.sort((a, b) => a.prio - b.prio || a.order - b.order || a.seq - b.seq);
  const out: MarkRules = { rules: [], unsupported: [] };
  for (const { rule, prio } of found) readRule(rule, out, prio >= MARK_DROP_PRIORITY ? `chain priority ${prio} (not before tsvs's drop at ${MARK_DROP_PRIORITY})` : null);
  return out;
}

interface Draft {
  family: 4 | 6 | null;
  protocol: number | null;
  daddr: string[] | null;
  saddr: string[] | null;
  dport: Array<[number, number]> | null;
  mark: number | null;
  why: string | null;
}

/** `late`: why the rule's chain runs too late for its mark to count, or null. */
function readRule(rule: Json, out: MarkRules, late: string | null): void {
  const fam = rule['family'];
  const d: Draft = { family: fam === 'ip' ? 4 : fam === 'ip6' ? 6 : null, protocol: null, daddr: null, saddr: null, dport: null, mark: null, why: late };
  for (const e of (rule['expr'] as Json[] | undefined) ?? []) {
    const [key] = Object.keys(e);
    if (key === 'mangle') readMangle(e[key] as Json, d);
    else if (key === 'match') readMatch(e[key] as Json, d);
    else if (!HARMLESS.has(key ?? '')) d.why ??= `statement '${key}'`;
  }
  if (d.mark === null) return;
  const where = `rule ${String(rule['handle'])} of ${String(rule['family'])} ${String(rule['table'])} ${String(rule['chain'])}`;
  if (d.why !== null) {
    out.unsupported.push({ mark: d.mark, why: `${where}: cannot evaluate ${d.why}` });
    return;
  }
  for (const family of d.family === null ? ([4, 6] as const) : [d.family]) {
    out.rules.push({ family, protocol: d.protocol, daddr: d.daddr, saddr: d.saddr, dport: d.dport, mark: d.mark });
  }
}

function readMangle(m: Json, d: Draft): void {
  const meta = (m['key'] as Json | undefined)?.['meta'] as Json | undefined;
  if (meta?.['key'] !== 'mark') return;
  if (typeof m['value'] === 'number') d.mark = m['value'];
  else d.why ??= 'a computed mark';
  // A rule that sets a computed mark still marks: record it under mark 0 so it is reported.
  d.mark ??= 0;
}

function readMatch(m: Json, d: Draft): void {
  const left = m['left'] as Json;
  const right = m['right'];
  if (m['op'] !== '==' && m['op'] !== 'in') return void (d.why ??= `operator '${String(m['op'])}'`);
  const payload = left['payload'] as Json | undefined;
  const meta = left['meta'] as Json | undefined;
  if (meta?.['key'] === 'l4proto' || (payload && ((payload['protocol'] === 'ip' && payload['field'] === 'protocol') || (payload['protocol'] === 'ip6' && payload['field'] === 'nexthdr')))) {
    const p = typeof right === 'number' ? right : PROTO[String(right)];
    if (p === undefined) return void (d.why ??= `protocol ${JSON.stringify(right)}`);
    if (payload) d.family = payload['protocol'] === 'ip' ? 4 : 6;
    d.protocol = p;
    return;
  }
  if (payload && (payload['protocol'] === 'ip' || payload['protocol'] === 'ip6') && (payload['field'] === 'daddr' || payload['field'] === 'saddr')) {
    d.family = payload['protocol'] === 'ip' ? 4 : 6;
    const list = prefixList(right);
    if (list === null) return void (d.why ??= `address ${JSON.stringify(right)}`);
    d[payload['field'] as 'daddr' | 'saddr'] = list;
    return;
  }
  if (payload && payload['field'] === 'dport' && (PROTO[String(payload['protocol'])] !== undefined || payload['protocol'] === 'th')) {
    if (payload['protocol'] !== 'th') d.protocol = PROTO[String(payload['protocol'])]!;
    const ranges = portList(right);
    if (ranges === null) return void (d.why ??= `port ${JSON.stringify(right)}`);
    d.dport = ranges;
    return;
  }
  d.why ??= `match on ${JSON.stringify(left)}`;
}

function prefixList(v: unknown): string[] | null {
  const one = (x: unknown): string | null => {
    if (typeof x === 'string') return x;
    const p = (x as Json | null)?.['prefix'] as Json | undefined;
    return p && typeof p['addr'] === 'string' ? `${p['addr']}/${Number(p['len'])}` : null;
  };
  const items = Array.isArray((v as Json | null)?.['set']) ? ((v as Json)['set'] as unknown[]) : [v];
  const out = items.map(one);
  return out.every((x) => x !== null) ? (out as string[]) : null;
}

function portList(v: unknown): Array<[number, number]> | null {
  const one = (x: unknown): [number, number] | null => {
    if (typeof x === 'number') return [x, x];
    const r = (x as Json | null)?.['range'];
    return Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number' ? [r[0], r[1]] : null;
  };
  const items = Array.isArray((v as Json | null)?.['set']) ? ((v as Json)['set'] as unknown[]) : [v];
  const out = items.map(one);
  return out.every((x) => x !== null) ? (out as Array<[number, number]>) : null;
}
