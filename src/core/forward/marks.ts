/**
 * Packet marks for firewall-mark services (ipvs.md §4.4). IPVS reads the skb mark that an
 * iptables/nft rule set in PREROUTING; the packet engine sees frames before netfilter runs, so
 * it evaluates the host's marking rules itself: each rule is a conjunction of matches (family,
 * protocol, source/destination prefixes, destination port ranges) and sets a mark. As in
 * netfilter, setting a mark does not stop evaluation: the last matching rule's mark wins.
 */
import type { Family } from '../addr.js';
import type { PacketMeta } from '../conn/packet.js';
import { inPrefix, parsePrefix, type Prefix } from './prefix.js';

export interface MarkRuleSpec {
  readonly family: Family;
  /** IP protocol number, or null for any. */
  readonly protocol: number | null;
  /** Destination prefixes ("10.0.0.100", "10.0.0.0/24"), any of which matches; null for any. */
  readonly daddr: readonly string[] | null;
  readonly saddr: readonly string[] | null;
  /** Destination port ranges [low, high], any of which matches; null for any. */
  readonly dport: ReadonlyArray<readonly [number, number]> | null;
  readonly mark: number;
}

interface Rule {
  readonly family: Family;
  readonly protocol: number;
  readonly daddr: readonly Prefix[] | null;
  readonly saddr: readonly Prefix[] | null;
  readonly dport: Uint16Array | null;
  readonly mark: number;
}

export class MarkTable {
  private rules: Rule[] = [];

  get size(): number {
    return this.rules.length;
  }

  clear(): void {
    this.rules = [];
  }

  /** Append a rule (after those added before); returns why it cannot be used, or null. */
  add(spec: MarkRuleSpec): string | null {
    const daddr = spec.daddr === null ? null : prefixes(spec.family, spec.daddr);
    const saddr = spec.saddr === null ? null : prefixes(spec.family, spec.saddr);
    if (typeof daddr === 'string') return daddr;
    if (typeof saddr === 'string') return saddr;
    if (!Number.isInteger(spec.mark) || spec.mark <= 0 || spec.mark > 0xffffffff) return `mark ${spec.mark} is not 1..4294967295`;
    let dport: Uint16Array | null = null;
    if (spec.dport !== null) {
      if (spec.protocol !== 6 && spec.protocol !== 17 && spec.protocol !== 132) return 'a port match needs protocol tcp, udp or sctp';
      dport = new Uint16Array(spec.dport.length * 2);
      spec.dport.forEach(([lo, hi], i) => {
        dport![2 * i] = lo;
        dport![2 * i + 1] = hi;
      });
    }
    this.rules.push({ family: spec.family, protocol: spec.protocol ?? -1, daddr, saddr, dport, mark: spec.mark >>> 0 });
    return null;
  }

  /** The mark the rules give the packet `m` (0: none). Allocates nothing. */
  classify(m: PacketMeta): number {
    let mark = 0;
    for (const r of this.rules) {
      if (r.family !== m.family || (r.protocol >= 0 && r.protocol !== m.protocol)) continue;
      if (r.daddr !== null && !anyPrefix(r.daddr, m.daddr)) continue;
      if (r.saddr !== null && !anyPrefix(r.saddr, m.saddr)) continue;
      if (r.dport !== null && !inRanges(r.dport, m.dport)) continue;
      mark = r.mark;
    }
    return mark;
  }
}

function prefixes(family: Family, texts: readonly string[]): Prefix[] | string {
  const out: Prefix[] = [];
  for (const t of texts) {
    const p = parsePrefix(t);
    if (!p || p.family !== family) return `not an IPv${family} prefix: ${t}`;
    out.push(p);
  }
  return out;
}

function anyPrefix(list: readonly Prefix[], addr: Uint32Array): boolean {
  for (const p of list) if (inPrefix(p, addr)) return true;
  return false;
}

function inRanges(r: Uint16Array, port: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (port >= r[i]! && port <= r[i + 1]!) return true;
  return false;
}
