/**
 * A lab scenario as plain data: the machines of a seed write-up (network namespaces), their
 * interfaces, addresses, routes and sysctls, what runs on them, and the experiment's expected
 * outcome as a list of steps. The machinery in src/lab/ builds, runs and checks it.
 */

/** One interface of a node, plugged into a segment (a bridge). */
export interface LinkSpec {
  /** Interface name inside the node, as the seed names it (ens33, eth0, ...). */
  readonly ifname: string;
  readonly segment: string;
  /** Addresses with prefix, `ip addr add` words allowed after it (`192.0.2.1/24 label ens33:0`). */
  readonly addrs: readonly string[];
}

export type Role = 'client' | 'router' | 'director' | 'realserver';

export interface NodeSpec {
  /** Short name; the namespace is `tsvs-lab-<name>`. */
  readonly name: string;
  readonly role: Role;
  /** What the seed calls this machine (Mk.II, lvs01, ...), for the cluster map. */
  readonly seedName?: string;
  readonly links: readonly LinkSpec[];
  /** `ip route add` arguments, in order (`default via 192.0.2.1`). */
  readonly routes?: readonly string[];
  /** Addresses on lo (`192.0.2.100/32`), as the seed's lo:0 / lo:1 aliases. */
  readonly loAddrs?: readonly string[];
  /** sysctl name → value, applied inside the node. */
  readonly sysctls?: Readonly<Record<string, number>>;
}

/** A director: `tsvs run --engine packet` with a keepalived.conf, then ipvsadm commands (`tsvs adm`). */
export interface DirectorSpec {
  readonly node: string;
  /** keepalived.conf text; a configuration without virtual servers when the seed uses ipvsadm only. */
  readonly keepalived: string;
  /** ipvsadm argument vectors run against the daemon once it is up, as the seed's script does. */
  readonly ipvsadm?: readonly (readonly string[])[];
}

/** A real server: an HTTP server answering `body`, and `tsvs realserver start` for DR/TUN. */
export interface RealServerSpec {
  readonly node: string;
  /** The page's text (the seed's index.html); its first line is the name the probe shows. */
  readonly body: string;
  readonly port: number;
  /** DR/TUN: the VIP the real server accepts (`tsvs realserver start --vip`); NAT: none. */
  readonly vip?: string;
  readonly mode: 'dr' | 'tun' | 'nat';
  /** The interface tunnelled packets arrive on (tun). */
  readonly dev?: string;
}

export interface RouterSpec {
  readonly node: string;
  /** An nftables ruleset (`nft -f`), the seed's iptables DNAT/SNAT rules. */
  readonly nft: string;
}

export type FailHow = 'kill' | 'stop' | 'link';

/** One step of a scenario's experiment; each gives one or more PASS/FAIL checks. */
export type Step =
  /** `count` sequential requests, each a new connection; exact order and/or exact counts per answer. */
  | { readonly kind: 'requests'; readonly count: number; readonly sequence?: readonly string[]; readonly shares?: Readonly<Record<string, number>>; readonly sameAnswer?: boolean }
  /** An ipvsadm command on a director; `expect` is its exact output, `expectLine` a line of it (blanks collapsed, prefix); `expectCode` + `expectErr` an expected failure (exit status, exact stderr). */
  | { readonly kind: 'adm'; readonly director: string; readonly argv: readonly string[]; readonly expect?: string; readonly expectLine?: string; readonly expectCode?: number; readonly expectErr?: string }
  /** `ipvsadm-save -n`, `-C`, `ipvsadm-restore`: the saved rules equal before and after. */
  | { readonly kind: 'save-restore'; readonly director: string }
  /** `tsvs vrrp watch IFNAME -c 2` on `node` (the seed's `tcpdump -nn -vvv vrrp`): who advertises, with which priority. */
  | { readonly kind: 'vrrp-adverts'; readonly node: string; readonly ifname: string; readonly from: string; readonly vrid: number; readonly prio: number; readonly vip: string }
  /** The VIP is (or is not) on a node's interfaces. */
  | { readonly kind: 'vip-on'; readonly node: string; readonly vip: string; readonly present: boolean; readonly withinMs: number }
  /** While the probe runs: fail a director; requests resume within `maxGapMs`; `vipMovesTo` holds the VIP. */
  | { readonly kind: 'fail-director'; readonly node: string; readonly how: FailHow; readonly maxGapMs: number; readonly vipMovesTo?: string; readonly vip?: string; readonly sameAnswerAfter?: boolean }
  /** While the probe runs: heal a director; requests keep being answered within `maxGapMs`. */
  | { readonly kind: 'heal-director'; readonly node: string; readonly maxGapMs: number; readonly vipBackTo?: string; readonly vip?: string }
  /** While the probe runs: fail a real server; it leaves the table of `director` within `removedWithinMs`, then only the others answer. */
  | { readonly kind: 'fail-realserver'; readonly node: string; readonly how: FailHow; readonly director: string; readonly removedWithinMs: number; readonly othersOnly: readonly string[] }
  /** Heal a real server; it is back in the table within `backWithinMs` and answers again. */
  | { readonly kind: 'heal-realserver'; readonly node: string; readonly director: string; readonly backWithinMs: number; readonly answers: readonly string[] };

export interface Scenario {
  readonly name: string;
  /** The seed file this comes from. */
  readonly seed: string;
  readonly title: string;
  readonly nodes: readonly NodeSpec[];
  readonly directors: readonly DirectorSpec[];
  readonly realServers: readonly RealServerSpec[];
  readonly router?: RouterSpec;
  /** The node the probe runs on and the URL it asks (the seed's curl loop). */
  readonly client: { readonly node: string; readonly url: string };
  /** The seed's slips and how the lab fixed them (lint's advice), shown by `up`. */
  readonly fixes: readonly string[];
  /** Expected outcome, in order. */
  readonly steps: readonly Step[];
  /** Lines for "what to try" after `up`. */
  readonly tryNext: readonly string[];
}
