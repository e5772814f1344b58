/**
 * The host rule in iptables form, for hosts where `nft` is missing or the kernel refuses
 * nf_tables: the same drops as the nft table (system.ts `nftScript`), in two chains tsvs owns.
 * - `TSVS_PACKET` in the raw table, jumped to first from PREROUTING (nft: priority raw): requests
 *   to a virtual service, and NAT replies not addressed to the host (`-m addrtype ! --dst-type
 *   LOCAL`, nft's `fib daddr type != local`).
 * - `TSVS_PACKET_MARK` in the mangle table, jumped to last from PREROUTING (nft: a chain at
 *   priority 299, after every marking chain): packets marked for a fwmark service, dropped once
 *   the host's own iptables marking rules have run.
 * Each family is written by one `iptables-restore --noflush` script: declaring a chain that
 * exists flushes it, so a sync replaces the chain's rules atomically and leaves every other
 * rule of the host alone.
 */
import type { HostRuleSpec } from './system.js';

export const IPT_CHAIN = 'TSVS_PACKET';
export const IPT_MARK_CHAIN = 'TSVS_PACKET_MARK';

/** `iptables` is whatever the host's alternative points at (nft-based on Debian); `iptables-legacy` needs no nf_tables. */
export type IptablesFlavour = 'iptables' | 'iptables-legacy';

export interface IptablesTools {
  /** The rule command (`iptables`, `ip6tables-legacy`, ...) and its restore command. */
  readonly cmd: string;
  readonly restore: string;
}

export function iptablesTools(flavour: IptablesFlavour, family: 4 | 6): IptablesTools {
  const base = family === 4 ? 'iptables' : 'ip6tables';
  const cmd = flavour === 'iptables' ? base : `${base}-legacy`;
  return { cmd, restore: `${cmd}-restore` };
}

/** Where each chain is jumped to from. */
export const IPT_JUMPS: ReadonlyArray<{ readonly table: 'raw' | 'mangle'; readonly chain: string }> = [
  { table: 'raw', chain: IPT_CHAIN },
  { table: 'mangle', chain: IPT_MARK_CHAIN },
];

/** Does this family need any rule (an address rule of the family, or a mark, which applies to both)? */
export function familyHasRules(rules: readonly HostRuleSpec[], family: 4 | 6): boolean {
  return rules.some((r) => r.kind === 'mark' || r.family === family);
}

/**
 * The restore script for one family. `jumpRaw` / `jumpMangle`: add the jump from PREROUTING
 * (only when it is not there yet, so a sync never adds a second one).
 */
export function iptablesScript(rules: readonly HostRuleSpec[], family: 4 | 6, jumpRaw: boolean, jumpMangle: boolean): string {
  const raw: string[] = [];
  const marks: string[] = [];
  for (const r of rules) {
    if (r.kind === 'mark') {
      marks.push(`-A ${IPT_MARK_CHAIN} -m mark --mark 0x${r.mark.toString(16)} -j DROP`);
      continue;
    }
    if (r.family !== family) continue;
    raw.push(...addressRules(r, family));
  }
  return [
    '*raw',
    `:${IPT_CHAIN} - [0:0]`,
    ...raw,
    ...(jumpRaw ? [`-I PREROUTING 1 -j ${IPT_CHAIN}`] : []),
    'COMMIT',
    '*mangle',
    `:${IPT_MARK_CHAIN} - [0:0]`,
    ...marks,
    ...(jumpMangle ? [`-A PREROUTING -j ${IPT_MARK_CHAIN}`] : []),
    'COMMIT',
    '',
  ].join('\n');
}

type AddressRule = Extract<HostRuleSpec, { kind: 'to-vip' | 'nat-reply' }>;

/**
 * One rule per protocol. A port without a protocol (a NAT real server of a fwmark service) is
 * nft's `th sport`: iptables needs the protocol for a port match, so one rule each for TCP, UDP
 * and SCTP.
 */
function addressRules(r: AddressRule, family: 4 | 6): string[] {
  const toVip = r.kind === 'to-vip';
  const addr = `${toVip ? '-d' : '-s'} ${r.addr}/${family === 4 ? 32 : 128}`;
  const notLocal = toVip ? '' : ' -m addrtype ! --dst-type LOCAL';
  const protocols = r.protocol !== null ? [r.protocol] : r.port === 0 ? [null] : (['tcp', 'udp', 'sctp'] as const);
  return protocols.map((p) => {
    const proto = p === null ? '' : ` -p ${p}`;
    const port = p === null || r.port === 0 ? '' : ` -m ${p} ${toVip ? '--dport' : '--sport'} ${r.port}`;
    return `-A ${IPT_CHAIN} ${addr}${proto}${port}${notLocal} -j DROP`;
  });
}
