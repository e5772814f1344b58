/**
 * The top level of keepalived.conf (keepalived 2.2.7: global_parser.c init_global_keywords,
 * vrrp_parser.c init_vrrp_keywords, check_parser.c init_check_keywords, bfd_parser.c,
 * trackers/track_file.c). Blocks tsvs does not model (static addresses, BFD, garp groups, SSL...)
 * are parsed for structure only, so mistakes inside them are still reported.
 */
import { globalDefsBlock } from './global_defs.js';
import { block, known, values, words } from './keywords.js';
import type { OtherBlock } from './model.js';
import { parseRoute } from './ip-route.js';
import { parseRule } from './ip-rule.js';
import { type ParseState, last } from './state.js';
import { openSyncGroup, syncGroupBlock } from './sync_group.js';
import type { Block, Keyword } from './table.js';
import { trackFileKeywords } from './track_file.js';
import { openScript, scriptBlock } from './vrrp_script.js';
import { instanceBlock, openInstance } from './vrrp_instance.js';
import { openVirtualServer, virtualServerBlock } from './virtual_server.js';
import { parseVip } from './vip.js';
import { virtualServerGroup } from './virtual_server_group.js';

type O = OtherBlock & { seen: Set<string> };

/** A structure-only block: `keyword [NAME] { sub-keywords }`. */
function otherBlock(s: ParseState, keyword: string, sub: readonly string[], opts: { named: boolean } = { named: true }): Keyword<unknown> {
  const cur = (): O | null => {
    const b = last(s.otherBlocks);
    return b && b.keyword === keyword ? (b as O) : null;
  };
  const inner: Block<O> = {
    name: keyword,
    target: cur,
    keywords: sub.map((k) => known<O>(k, (b) => b.seen.add(k))),
  };
  return block<unknown>(keyword, () => inner as Block<unknown>, (_t, c) => {
    const name = opts.named ? c.arg(1) : null;
    const b: O = { keyword, name, loc: c.at(0), seen: new Set() };
    s.otherBlocks.push(b);
  });
}

/**
 * track_group NAME { group { INSTANCE ... } } (vrrp_parser.c static_track_group_handler): the VRRP
 * instances whose state static routes, rules and addresses with `track_group NAME` follow.
 */
function trackGroup(s: ParseState): Keyword<ParseState> {
  const cur = (): O | null => {
    const b = last(s.otherBlocks);
    return b && b.keyword === 'track_group' ? (b as O) : null;
  };
  const inner: Block<O> = {
    name: 'track_group',
    target: cur,
    keywords: [
      words<O>('group', (b, c) => {
        if (b.seen.has('group')) {
          c.error('duplicate', `Group list already specified for sync group ${b.name}`);
          return c.skipBlock();
        }
        // An empty block leaves the group list unset, so a later `group` is still accepted.
        if (c.valueBlock().length > 0) b.seen.add('group');
        else c.error('missing-required', `Warning - track group ${b.name} has empty group block`);
      }),
    ],
  };
  return block<ParseState>('track_group', () => inner as Block<unknown>, (st, c) => {
    if (c.words.length !== 2) {
      c.error('missing-required', 'track_group must have a name - skipping');
      return c.skipBlock();
    }
    const name = c.arg(1);
    if (st.otherBlocks.some((b) => b.keyword === 'track_group' && b.name === name)) {
      c.error('duplicate', `track_group ${name} already defined`, 1);
      return c.skipBlock();
    }
    const b: O = { keyword: 'track_group', name, loc: c.at(0), seen: new Set() };
    st.otherBlocks.push(b);
  });
}

const BFD_KEYWORDS = ['source_ip', 'neighbor_ip', 'neighbour_ip', 'min_rx', 'min_tx', 'idle_tx', 'multiplier', 'passive', 'ttl', 'hoplimit', 'max_hops', 'weight', 'vrrp', 'checker'];
const TRACK_PROCESS_KEYWORDS = ['process', 'param_match', 'weight', 'quorum', 'quorum_max', 'delay', 'terminate_delay', 'fork_delay', 'full_command'];

export function rootBlock(s: ParseState): Block<ParseState> {
  const keywords: Keyword<ParseState>[] = [
    block<ParseState>('global_defs', () => globalDefsBlock(s) as Block<unknown>, (st, c) => {
      st.global.loc ??= c.at(0);
    }),
    ...['net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time', 'linkbeat_use_polling'].map((k) => known<ParseState>(k)),
    values<ParseState>('linkbeat_interfaces', () => undefined),
    trackGroup(s),
    values<ParseState>('static_ipaddress', (st, e) => void parseVip(e, st)),
    values<ParseState>('static_routes', (st, e) => void parseRoute(e, st, true)),
    values<ParseState>('static_rules', (st, e) => void parseRule(e, st, true)),
    block<ParseState>('vrrp_sync_group', () => syncGroupBlock(s) as Block<unknown>, (st, c) => openSyncGroup(st, c)),
    otherBlock(s, 'garp_group', ['garp_interval', 'gna_interval', 'interface', 'interfaces'], { named: false }),
    block<ParseState>('vrrp_instance', () => instanceBlock(s) as Block<unknown>, (st, c) => openInstance(st, c)),
    block<ParseState>('vrrp_script', () => scriptBlock(s) as Block<unknown>, (st, c) => openScript(st, c)),
    otherBlock(s, 'vrrp_track_process', TRACK_PROCESS_KEYWORDS),
    values<ParseState>('interface_up_down_delays', () => undefined),
    otherBlock(s, 'bfd_instance', BFD_KEYWORDS),
    words<ParseState>('virtual_server_group', (st, c) => virtualServerGroup(st, c)),
    block<ParseState>('virtual_server', () => virtualServerBlock(s) as Block<unknown>, (st, c) => openVirtualServer(st, c)),
    otherBlock(s, 'SSL', ['password', 'ca', 'certificate', 'key'], { named: false }),
    ...trackFileKeywords(s),
  ];
  return { name: 'keepalived.conf', keywords, target: () => s };
}
