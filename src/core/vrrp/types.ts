/**
 * The VRRP machine's vocabulary: its configuration (already checked and defaulted by the
 * keepalived.conf layer, times in microseconds as keepalived keeps them), the events it is fed and
 * the effects it asks for. The machine does no I/O and starts no timer: a timer is an effect
 * (`{kind: 'timer', at}`) that the engine arms on the Timers port and feeds back as an event.
 */
import type { VrrpAdvertSpec } from '../../wire/vrrp.js';

export type Family = 4 | 6;

/** INIT and the two notify-only pseudo-states aside, what keepalived calls vrrp->state. */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** One virtual address as `ip addr add` needs it (virtual_ipaddress entry syntax, keepalived.md §2.5). */
export interface VipSpec {
  readonly address: string;
  readonly family: Family;
  readonly prefix: number;
  /** Interface the address goes on (the instance's interface when not given). */
  readonly dev: string;
  readonly broadcast: string | null;
  readonly scope: string | null;
  readonly label: string | null;
  readonly peer: string | null;
  readonly noDad: boolean;
  readonly noPrefixRoute: boolean;
  readonly home: boolean;
  readonly preferredLft: number | 'forever' | null;
}

export interface UnicastPeerSpec {
  readonly address: string;
  readonly minTtl: number;
  readonly maxTtl: number;
}

/** A tracked interface or script: weight 0 means "fault while down". */
export interface TrackSpec {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface GarpSpec {
  readonly masterDelayUs: number;
  readonly masterRepeat: number;
  readonly masterRefreshUs: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPrioDelayUs: number;
  readonly lowerPrioRepeat: number;
}

export interface InstanceConfig {
  readonly name: string;
  readonly ifname: string;
  readonly family: Family;
  readonly vrid: number;
  readonly version: 2 | 3;
  /** Configured priority 1..255 (255: address owner). */
  readonly priority: number;
  /** `state MASTER` was configured (or implied by priority 255). */
  readonly wantMaster: boolean;
  /** advert_int in µs (v2: whole seconds; v3: multiples of 10 ms). */
  readonly advertIntUs: number;
  readonly nopreempt: boolean;
  readonly preemptDelayUs: number;
  /** 0 none, 1 PASS, 2 AH (AH is refused by the engine: not implemented). */
  readonly authType: 0 | 1 | 2;
  /** PASS: the 8 bytes sent and compared. */
  readonly authData: Uint8Array | null;
  readonly vips: readonly VipSpec[];
  readonly evips: readonly VipSpec[];
  /** unicast_src_ip / mcast_src_ip; null: the interface's primary address. */
  readonly srcIp: string | null;
  /** Non-empty: unicast mode. */
  readonly unicastPeers: readonly UnicastPeerSpec[];
  readonly mcastGroup: string;
  /** TTL / hop limit of unicast adverts (multicast always 255). */
  readonly unicastTtl: number;
  readonly garp: GarpSpec;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly downTimerAdverts: number;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  /** `old_unicast_checksum`: v3 unicast pseudo-header with the multicast group as destination (pre-1.3.6). */
  readonly oldUnicastChecksum: boolean;
  /** Tracked interfaces, the instance's own interface first unless dont_track_primary. */
  readonly trackInterfaces: readonly TrackSpec[];
  readonly trackScripts: readonly TrackSpec[];
  readonly syncGroup: string | null;
}

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
}

export interface ScriptConfig {
  readonly name: string;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
}

export interface VrrpConfig {
  readonly instances: readonly InstanceConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
  readonly scripts: readonly ScriptConfig[];
  readonly logUnknownVrids: boolean;
  /** Rejected adverts: each reason is logged once, then at most once per this many ms (0: every time). */
  readonly rejectLogIntervalMs: number;
}

/** What the machine knows about an interface. */
export interface InterfaceFacts {
  /** IFF_UP and IFF_RUNNING. */
  readonly up: boolean;
  /** Primary IPv4 address, and the IPv6 link-local address (the default advert sources). */
  readonly primary4: string | null;
  readonly linkLocal6: string | null;
  /** Every address on the interface (to find VIPs left behind by an earlier run). */
  readonly addresses: readonly string[];
}

/** A protocol-112 datagram as a raw socket delivered it. */
export interface ReceivedPacket {
  readonly ifname: string;
  readonly family: Family;
  /** IPv4: the whole datagram from the IP header on; IPv6: the VRRP message (the kernel strips the header). */
  readonly bytes: Uint8Array;
  readonly src: string;
  /** Destination address (IPv4 from the header, IPv6 from IPV6_PKTINFO); null when not known. */
  readonly dst: string | null;
  /** Received TTL / hop limit; -1 when not known. */
  readonly ttl: number;
}

/** How a tracking script run ended. */
export type ScriptOutcome =
  | { readonly kind: 'exit'; readonly status: number }
  | { readonly kind: 'signal'; readonly signal: number }
  | { readonly kind: 'timeout' };

export type VrrpTimer = 'instance' | 'garp' | 'garp-lower';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

export interface GarpTarget {
  readonly ifname: string;
  readonly family: Family;
  readonly address: string;
}

export type VrrpEffect =
  /** Send one advert to each destination (multicast group or unicast peers) with this TTL. */
  | {
      readonly kind: 'send';
      readonly instance: string;
      readonly ifname: string;
      readonly family: Family;
      readonly advert: VrrpAdvertSpec;
      readonly src: string;
      readonly dsts: readonly string[];
      readonly ttl: number;
      /** v3 IPv4 pseudo-header destination, when it is not each packet's own destination (old unicast checksum). */
      readonly pseudoDst: string | null;
    }
  /** Arm (at = monotonic ms) or cancel (at = null) one of the instance's timers. */
  | { readonly kind: 'timer'; readonly instance: string; readonly timer: VrrpTimer; readonly at: number | null }
  | { readonly kind: 'vips'; readonly instance: string; readonly op: 'add' | 'remove'; readonly vips: readonly VipSpec[] }
  /** `repeat` rounds of one gratuitous ARP / unsolicited NA per target. */
  | { readonly kind: 'garp'; readonly instance: string; readonly targets: readonly GarpTarget[]; readonly repeat: number }
  | { readonly kind: 'notify'; readonly target: 'INSTANCE' | 'GROUP'; readonly name: string; readonly state: NotifyState; readonly priority: number }
  /** notify_master_rx_lower_pri. */
  | { readonly kind: 'notify-event'; readonly name: string; readonly event: 'MASTER_RX_LOWER_PRI'; readonly priority: number }
  | { readonly kind: 'log'; readonly level: 'debug' | 'info' | 'warn'; readonly message: string }
  | { readonly kind: 'transition'; readonly instance: string; readonly from: VrrpState; readonly to: VrrpState; readonly at: number };

/** keepalived's per-instance statistics (vrrp_print.c), plus the counters only SNMP builds keep. */
export interface InstanceCounters {
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
  vers_err: number;
  chk_err: number;
}

export function zeroCounters(): InstanceCounters {
  return {
    advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0, advert_interval_err: 0,
    ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0,
    pri_zero_rcvd: 0, pri_zero_sent: 0, vers_err: 0, chk_err: 0,
  };
}

/** Counters of packets no instance took (per interface and family). */
export interface SocketCounters {
  too_short: number;
  unknown_vrid: number;
  not_ready: number;
  wrong_cast: number;
}

export interface InstanceStatus {
  readonly name: string;
  readonly ifname: string;
  readonly family: Family;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly state: VrrpState;
  readonly wantState: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  /** Address of the current master as last heard (ourselves when master), null when none yet. */
  readonly masterAddress: string | null;
  readonly masterPriority: number | null;
  /** Monotonic ms of the last state change, null before the first. */
  readonly lastTransition: number | null;
  readonly vipsSet: boolean;
  readonly syncGroup: string | null;
  readonly counters: Readonly<InstanceCounters>;
}
