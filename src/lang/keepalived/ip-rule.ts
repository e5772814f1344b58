/**
 * static_rules / virtual_rules entries: ip-rule syntax as keepalived 2.2.7 reads it
 * (keepalived/vrrp/vrrp_iprule.c alloc_rule): selectors `from` / `to` / `iif` / `oif` / `fwmark` /
 * `tos` / `uidrange` / `sport` / `dport` / `ipproto` / `tunnel-id`..., exactly one action (`table`,
 * `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`, `l3mdev`), and a `preference`. An entry
 * keepalived rejects is reported and left out of the model; every message is keepalived's own.
 */
import type { Family } from '../../core/addr.js';
import { type EntryReader, readEntry } from './entry-reader.js';
import { RTN, RTPROT_KEEPALIVED, findDsfield, findGroup, findRealms, findRouteType, findTable, ipProtocol } from './iproute-names.js';
import { readUnsigned64, readUnsignedBase, strtoul } from './numbers.js';
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';

type Action = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

interface RuleDraft {
  family: 0 | Family;
  action: Action | null;
  preference: number | null;
  gotoTarget: number;
  table: number;
  l3mdev: boolean;
  /** realms / suppress_* were given: they need a table action. */
  tableOption: boolean;
  dontTrack: boolean;
  protocol: number | null;
  trackGroup: string | null;
  iif: boolean;
}

/** Keepalived numbers rules without a preference downwards from here, per family, in file order. */
export const RULE_START_PRIORITY = 16384;

const MULTIPLE_ACTIONS = 'Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable for rule';
const MULTIPLE_ACTIONS_L3MDEV = 'Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule';
const UINT32_MAX = 4294967295;

class RuleReader {
  readonly d: RuleDraft = {
    family: 0, action: null, preference: null, gotoTarget: 0, table: 0, l3mdev: false, tableOption: false, dontTrack: false,
    protocol: null, trackGroup: null, iif: false,
  };

  constructor(
    private readonly r: EntryReader,
    private readonly isStatic: boolean,
  ) {}

  /** Report and drop the rule (alloc_rule's `goto err`). */
  reject(message: string, i: number, code: 'bad-value' | 'bad-address' | 'conflict' | 'unknown-interface' | 'not-found' = 'bad-value'): never {
    return this.r.reject(code, message, i);
  }

  private setFamily(f: Family, i: number, message: string): void {
    if (this.d.family === 0) this.d.family = f;
    else if (this.d.family !== f) this.reject(message, i, 'conflict');
  }

  private address(i: number, what: 'from' | 'to'): void {
    const a = this.r.route(i);
    if (!a) this.reject(`Invalid rule ${what} address ${this.r.slot(i)}`, i, 'bad-address');
    // keepalived compares even a family-less `all` with the family already chosen.
    if (this.d.family === 0) this.d.family = a.family;
    else if (a.family !== this.d.family) this.reject('rule specification has mixed IPv4 and IPv6', i, 'conflict');
  }

  /** One keyword at index i; returns the index of its last word, or -1 to stop reading (`break`). */
  word(i: number): number {
    const k = this.r.w[i]!;
    const handler = KEYWORDS[k];
    if (handler) return handler(this, i);
    if (k === 'track_group' && this.isStatic) return this.trackGroup(i);
    return this.action(i);
  }

  family(i: number, f: Family): number {
    this.setFamily(f, i, f === 6 ? 'inet6 specified for IPv4 rule' : 'inet specified for IPv6 rule');
    // keepalived 2.2.7 steps over the word after inet / inet6 as well (alloc_rule increments twice).
    return i + 1;
  }

  fromTo(i: number, what: 'from' | 'to'): number {
    this.address(i + 1, what);
    return i + 1;
  }

  table(i: number): number {
    const t = this.r.slot(i + 1);
    const id = findTable(t);
    if (id === null) this.reject(`Routing table ${t} not found for rule`, i + 1, 'not-found');
    if (id === 0) this.reject('Table 0 is not valid', i + 1);
    this.d.table = id;
    if (this.d.action !== null) this.reject(MULTIPLE_ACTIONS, i);
    this.d.action = 'table';
    return i + 1;
  }

  preference(i: number): number {
    const v = readUnsignedBase(this.r.slot(i + 1), 0, UINT32_MAX, 0);
    if (!v.ok) {
      this.r.numberError(v, i + 1);
      this.reject(`Invalid rule preference ${this.r.w[i]} specified`, i + 1);
    }
    this.d.preference = v.value;
    return i + 1;
  }

  tos(i: number): number {
    const t = this.r.slot(i + 1);
    if (findDsfield(t) === null) this.reject(`TOS value ${t} is invalid`, i + 1);
    return i + 1;
  }

  /** fwmark MARK[/MASK], each a C number (base 0) up to 2^32-1. */
  fwmark(i: number): number {
    const raw = this.r.slot(i + 1);
    const t = raw.replace(/^[ \t\n\v\f\r]+/, '');
    const bad = (): never => this.reject(`Invalid rule fwmark ${t} specified`, i + 1);
    if (t[0] === '-') bad();
    const mark = strtoul(t, 0);
    if (mark.value > 0xffffffffn) bad();
    let rest = t.slice(mark.end);
    if (rest[0] === '/') {
      if (/^[ \t\n\v\f\r-]/.test(rest.slice(1))) bad();
      const mask = strtoul(rest.slice(1), 0);
      if (mask.value > 0xffffffffn) bad();
      rest = rest.slice(1 + mask.end);
    }
    if (rest !== '') bad();
    return i + 1;
  }

  realms(i: number): number {
    const t = this.r.slot(i + 1);
    if (findRealms(t) === null) this.reject(`invalid realms ${t} for rule`, i + 1);
    this.d.tableOption = true;
    this.setFamily(4, i, 'realms is only valid for IPv4');
    return i + 1;
  }

  suppressPrefixLength(i: number): number {
    const v = readUnsignedBase(this.r.slot(i + 1), 0, 2147483647, 10);
    if (!v.ok) {
      this.r.numberError(v, i + 1);
      this.reject(`Invalid suppress_prefixlength ${this.r.w[i]} specified`, i + 1);
    }
    this.d.tableOption = true;
    return i + 1;
  }

  suppressGroup(i: number): number {
    const t = this.r.slot(i + 1);
    if (findGroup(t) === null) this.reject(`suppress_group ${t} is invalid`, i + 1);
    this.d.tableOption = true;
    return i + 1;
  }

  device(i: number, input: boolean): number {
    const t = this.r.slot(i + 1);
    if (!this.r.interfaceExists(t)) this.reject(`WARNING - interface ${t} for rule doesn't exist`, i + 1, 'unknown-interface');
    if (input) this.d.iif = true;
    return i + 1;
  }

  tunnelId(i: number): number {
    const v = readUnsigned64(this.r.slot(i + 1), 0n, (1n << 64n) - 1n);
    if (!v.ok) {
      this.r.error('invalid-number', v.message, i + 1);
      this.reject(`Invalid tunnel-id ${this.r.w[i]} specified`, i + 1);
    }
    return i + 1;
  }

  uidrange(i: number): number {
    if (!scanRange(this.r.slot(i + 1))) this.reject(`Invalid uidrange ${this.r.w[i]} specified`, i + 1);
    return i + 1;
  }

  l3mdev(i: number): number {
    if (this.d.action !== null) this.reject('Cannot specify l3mdev with other action', i);
    this.d.l3mdev = true;
    this.d.action = 'table';
    return i;
  }

  /** protocol N (0..255): a bad value is reported but the rule is kept. */
  protocol(i: number): number {
    const t = this.r.slot(i + 1);
    const v = readUnsignedBase(t, 0, 255, 10);
    if (v.ok) this.d.protocol = v.value;
    else {
      this.r.numberError(v, i + 1);
      this.r.error('bad-value', `Invalid protocol ${t}`, i + 1);
    }
    return i + 1;
  }

  ipproto(i: number): number {
    const t = this.r.slot(i + 1);
    const p = ipProtocol(t);
    if (p < 0 || p > 255) this.r.error('bad-value', `Invalid ipproto ${t}`, i + 1);
    return i + 1;
  }

  /** sport / dport: keepalived 2.2.7 accepts only `LOW-HIGH` (a single port is reported as invalid). */
  portRange(i: number): number {
    const t = this.r.slot(i + 1);
    if (!scanRange(t)) this.r.error('bad-value', `invalid ${this.r.w[i]} range ${t}`, i + 1);
    return i + 1;
  }

  private trackGroup(i: number): number {
    const name = this.r.slot(i + 1);
    if (this.d.trackGroup !== null) {
      this.r.error('duplicate', `track_group ${name} is a duplicate`, i + 1);
      return -1;
    }
    if (this.r.s.otherBlocks.some((b) => b.keyword === 'track_group' && b.name === name)) this.d.trackGroup = name;
    else this.r.error('not-found', `track_group ${name} not found`, i + 1);
    return i + 1;
  }

  /** Anything else is an action: [type] goto N | nop | blackhole | unreachable | prohibit. */
  private action(i: number): number {
    let j = i;
    let k = this.r.w[i]!;
    if (k === 'type') k = this.r.slot(++j);
    let action: Action;
    if (k === 'goto') {
      const v = readUnsignedBase(this.r.slot(++j), 0, UINT32_MAX, 10);
      if (!v.ok) {
        this.r.numberError(v, j);
        this.reject(`Invalid target ${k} specified`, j);
      }
      this.d.gotoTarget = v.value;
      action = 'goto';
    } else if (k === 'nop') action = 'nop';
    else {
      const type = findRouteType(k);
      if (type === null) this.reject(`Unknown rule option ${k}`, j);
      const byType: Partial<Record<number, Action>> = { [RTN.blackhole]: 'blackhole', [RTN.unreachable]: 'unreachable', [RTN.prohibit]: 'prohibit' };
      const a = byType[type];
      if (a === undefined) this.reject(`Invalid rule action ${k}`, j);
      action = a;
    }
    if (this.d.action !== null) this.reject(MULTIPLE_ACTIONS_L3MDEV, j);
    this.d.action = action;
    return j;
  }

  /** The checks after the last word (throws Rejected when the rule is dropped). */
  finish(): void {
    const d = this.d;
    const at = 0;
    if (d.action === 'goto') {
      if (d.preference === null) this.reject(`Invalid rule - goto target ${d.gotoTarget} specified without preference`, at);
      if (d.preference >= d.gotoTarget) this.reject(`Invalid rule - preference ${d.preference} >= goto target ${d.gotoTarget}`, at);
    }
    if (d.action === null) this.reject('No action specified for rule - ignoring', at, 'bad-value');
    if (d.action !== 'table' && d.tableOption) this.reject('suppressor/realm specified for non table action - skipping', at);
    if (d.table !== 0 && d.l3mdev) this.reject('table cannot be specified for l3mdev rules', at);
    if (!d.dontTrack && d.protocol !== null && d.protocol !== RTPROT_KEEPALIVED) {
      this.r.error('value-adjusted', `Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`, at);
    }
    if (d.trackGroup !== null && !d.iif) this.r.error('ignored', 'Static rule cannot have track_group if dev/iif not specified', at);
    if (d.preference === null) {
      const family = d.family === 6 ? 6 : 4;
      const next = this.r.s.nextRulePriority;
      const assigned = next[family]--;
      this.r.error('default-applied', `Rule has no preference specified - setting to ${assigned}. This is probably not what you want.`, at,
        "add 'preference N' (ip rule priority) so the rule's place among the host's rules is deliberate");
    }
  }
}

type Handler = (rr: RuleReader, i: number) => number;

const KEYWORDS: Readonly<Record<string, Handler>> = {
  inet6: (rr, i) => rr.family(i, 6),
  inet: (rr, i) => rr.family(i, 4),
  from: (rr, i) => rr.fromTo(i, 'from'),
  to: (rr, i) => rr.fromTo(i, 'to'),
  table: (rr, i) => rr.table(i),
  lookup: (rr, i) => rr.table(i),
  not: (_rr, i) => i,
  preference: (rr, i) => rr.preference(i),
  order: (rr, i) => rr.preference(i),
  priority: (rr, i) => rr.preference(i),
  tos: (rr, i) => rr.tos(i),
  dsfield: (rr, i) => rr.tos(i),
  fwmark: (rr, i) => rr.fwmark(i),
  realms: (rr, i) => rr.realms(i),
  suppress_prefixlength: (rr, i) => rr.suppressPrefixLength(i),
  sup_pl: (rr, i) => rr.suppressPrefixLength(i),
  suppress_ifgroup: (rr, i) => rr.suppressGroup(i),
  sup_group: (rr, i) => rr.suppressGroup(i),
  dev: (rr, i) => rr.device(i, true),
  iif: (rr, i) => rr.device(i, true),
  oif: (rr, i) => rr.device(i, false),
  'tunnel-id': (rr, i) => rr.tunnelId(i),
  uidrange: (rr, i) => rr.uidrange(i),
  l3mdev: (rr, i) => rr.l3mdev(i),
  protocol: (rr, i) => rr.protocol(i),
  ipproto: (rr, i) => rr.ipproto(i),
  sport: (rr, i) => rr.portRange(i),
  dport: (rr, i) => rr.portRange(i),
  no_track: (rr, i) => ((rr.d.dontTrack = true), i),
};

/**
 * sscanf(text, "%u-%u") == 2 (uidrange) or sscanf(text, "%hu-%hu") == 2 (ports): two C numbers
 * (optional blanks and sign) joined by '-'; anything after the second number is ignored.
 */
function scanRange(text: string): boolean {
  const m = /^[ \t\n\v\f\r]*[+-]?[0-9]+-[ \t\n\v\f\r]*[+-]?[0-9]/.exec(text);
  return m !== null;
}

/**
 * Parse one rule entry. Returns its words when keepalived keeps the rule, null when it drops it
 * (the reason is reported). `isStatic`: static_rules (where `track_group` is allowed).
 */
export function parseRule(e: ValueEntry, s: ParseState, isStatic: boolean): string[] | null {
  return readEntry(e, s, (r) => {
    const rr = new RuleReader(r, isStatic);
    for (let i = 0; i < r.size; i++) {
      const last = rr.word(i);
      if (last < 0) break;
      i = last;
    }
    rr.finish();
    return [...r.w];
  });
}
