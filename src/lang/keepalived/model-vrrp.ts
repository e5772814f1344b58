/**
 * The VRRP part of the keepalived.conf model (vrrp_script, vrrp_sync_group, vrrp_instance), with
 * keepalived 2.2.7's defaults filled in (keepalived.md §2.2-§2.5). Times are seconds.
 */
import type { Family } from '../../core/addr.js';
import type { Loc } from './diagnostics.js';
import type { Script } from './script.js';


export interface VrrpScript {
  readonly name: string;
  readonly script: Script | null;
  readonly interval: number;
  /** 0 means "use interval". */
  readonly timeout: number;
  readonly weight: number;
  readonly weightReverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly user: string | null;
  readonly group: string | null;
  readonly initFail: boolean;
  readonly loc: Loc;
}

export interface Tracked {
  readonly name: string;
  /** 0 = fault when down; otherwise added to / subtracted from the priority. */
  readonly weight: number;
  readonly reverse: boolean;
  readonly loc: Loc;
}

export interface NotifyScripts {
  readonly master: Script | null;
  readonly backup: Script | null;
  readonly fault: Script | null;
  readonly stop: Script | null;
  readonly deleted: Script | null;
  /** `notify`: called with INSTANCE|GROUP name state priority appended. */
  readonly any: Script | null;
  readonly masterRxLowerPri: Script | null;
}

export interface VrrpSyncGroup {
  readonly name: string;
  readonly members: readonly string[];
  readonly trackInterfaces: readonly Tracked[];
  readonly trackScripts: readonly Tracked[];
  readonly trackFiles: readonly Tracked[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean | null;
  readonly trackingWeight: boolean;
  readonly notifyPriorityChanges: boolean | null;
  readonly loc: Loc;
}

export interface VirtualIp {
  readonly address: string;
  readonly family: Family;
  readonly prefix: number;
  readonly dev: string | null;
  readonly broadcast: string | null;
  readonly scope: string | null;
  readonly label: string | null;
  readonly peer: string | null;
  readonly home: boolean;
  readonly noDad: boolean;
  readonly mngTmpAddr: boolean;
  readonly noPrefixRoute: boolean;
  readonly autoJoin: boolean;
  readonly noTrack: boolean;
  /** Seconds, or 'forever'; null when not set (IPv6 /128 defaults to 0, other IPv6 to forever). */
  readonly preferredLft: number | 'forever' | null;
  readonly useVmac: boolean;
  readonly loc: Loc;
}

export interface UnicastPeer {
  readonly address: string;
  readonly minTtl: number;
  readonly maxTtl: number;
  readonly loc: Loc;
}

export interface Garp {
  readonly masterDelay: number;
  readonly masterRepeat: number;
  readonly masterRefresh: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPrioDelay: number;
  readonly lowerPrioRepeat: number;
}

/**
 * Where an instance's settings were written: the location of the keyword (its last accepted
 * occurrence), or null when it was not written and the default or a global setting applies.
 */
export interface VrrpInstanceLocs {
  readonly state: Loc | null;
  readonly interface: Loc | null;
  readonly virtualRouterId: Loc | null;
  readonly priority: Loc | null;
  readonly advertInt: Loc | null;
  /** The instance's `version`, else global_defs' `vrrp_version` when that decided the version. */
  readonly version: Loc | null;
  /** The `authentication` block and the `auth_type` / `auth_pass` lines in it. */
  readonly authentication: Loc | null;
  readonly authType: Loc | null;
  readonly authPass: Loc | null;
  /** The last `nopreempt` or `preempt` keyword. */
  readonly nopreempt: Loc | null;
  /** The first `virtual_ipaddress` keyword (each VIP has its own `loc` too). */
  readonly virtualIpAddress: Loc | null;
}

export interface VrrpInstance {
  readonly name: string;
  readonly state: 'MASTER' | 'BACKUP';
  /** The state as configured (null: derived from the priority). */
  readonly configuredState: 'MASTER' | 'BACKUP' | null;
  readonly interface: string | null;
  readonly virtualRouterId: number;
  readonly priority: number;
  readonly advertInt: number;
  readonly version: 2 | 3;
  readonly family: Family;
  readonly authType: 'PASS' | 'AH' | null;
  /** Up to 8 characters. */
  readonly authPass: string | null;
  readonly virtualIpAddresses: readonly VirtualIp[];
  readonly virtualIpAddressesExcluded: readonly VirtualIp[];
  /** Raw entries of virtual_routes / virtual_rules (ip-route / ip-rule syntax). */
  readonly virtualRoutes: readonly (readonly string[])[];
  readonly virtualRules: readonly (readonly string[])[];
  readonly unicastSrcIp: string | null;
  readonly unicastPeers: readonly UnicastPeer[];
  readonly unicastTtl: number | null;
  /** Multicast group adverts go to (null for unicast instances). */
  readonly mcastDstIp: string | null;
  readonly trackInterfaces: readonly Tracked[];
  readonly trackScripts: readonly Tracked[];
  readonly trackFiles: readonly Tracked[];
  readonly dontTrackPrimary: boolean;
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  readonly notifyPriorityChanges: boolean;
  readonly nopreempt: boolean;
  readonly preemptDelay: number;
  readonly garp: Garp;
  readonly strict: boolean;
  readonly accept: boolean;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly downTimerAdverts: number;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly promoteSecondaries: boolean;
  readonly useVmac: boolean;
  readonly syncGroup: string | null;
  readonly loc: Loc;
  readonly keywordLocs: VrrpInstanceLocs;
}
