/**
 * The LVS part of the keepalived.conf model (virtual_server_group, virtual_server, real_server and
 * health checkers), with keepalived 2.2.7's defaults filled in (keepalived.md §2.6-§2.9, §3.1).
 * Times are seconds; addresses are canonical text.
 */
import type { Family } from '../../core/addr.js';
import type { FwdMethod, Protocol, TunnelCsum, TunnelType } from '../../core/model.js';
import type { Loc } from './diagnostics.js';
import type { Script } from './script.js';


export interface VirtualServerGroupEntry {
  readonly kind: 'range' | 'fwmark';
  /** First address of the range (range entries). */
  readonly address: string | null;
  /** Last address of the range; equal to `address` for a single address. */
  readonly addressEnd: string | null;
  readonly family: Family | null;
  readonly port: number;
  readonly fwmark: number;
  readonly loc: Loc;
}

export interface VirtualServerGroup {
  readonly name: string;
  readonly entries: readonly VirtualServerGroupEntry[];
  readonly loc: Loc;
}

export interface Forwarding {
  readonly method: FwdMethod;
  readonly tunType: TunnelType;
  readonly tunPort: number;
  readonly tunCsum: TunnelCsum;
}

export interface SorryServer {
  readonly address: string;
  readonly family: Family;
  readonly port: number;
  readonly forwarding: Forwarding;
  readonly inhibit: boolean;
}

/** One IPVS service a virtual server stands for (a group expands into several). */
export interface ServiceEndpoint {
  readonly kind: 'addr' | 'fwmark';
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly fwmark: number;
}

/** The checker kinds are the health core's; the model names the same ones. */
export type { CheckerType } from '../../core/health/spec.js';

export interface HttpUrl {
  readonly path: string;
  /** Lower-case hex MD5, or null. */
  readonly digest: string | null;
  /** Accepted status codes as inclusive ranges (default 200-299). */
  readonly statusCodes: readonly (readonly [number, number])[];
  readonly virtualhost: string | null;
  readonly regex: string | null;
  readonly regexNoMatch: boolean;
  readonly loc: Loc;
}

interface CheckerBase {
  readonly alpha: boolean;
  readonly retry: number;
  readonly delayBeforeRetry: number;
  readonly delayLoop: number;
  readonly warmup: number;
  readonly logAllFailures: boolean;
  readonly loc: Loc;
}

/** Where a connection-based checker connects and from where. */
export interface Connection {
  readonly connectIp: string;
  readonly connectPort: number;
  readonly bindto: string | null;
  readonly bindPort: number;
  readonly bindIf: string | null;
  readonly connectTimeout: number;
  readonly fwmark: number;
}

export type Checker =
  | (CheckerBase & { readonly type: 'TCP_CHECK' | 'PING_CHECK'; readonly connection: Connection })
  | (CheckerBase & {
      readonly type: 'HTTP_GET' | 'SSL_GET';
      readonly connection: Connection;
      readonly urls: readonly HttpUrl[];
      readonly virtualhost: string | null;
      readonly httpProtocol: '1.0' | '1.0C' | '1.1';
      readonly enableSni: boolean;
      readonly fastRecovery: boolean;
    })
  | (CheckerBase & {
      readonly type: 'MISC_CHECK';
      readonly script: Script;
      /** Seconds; 0 = the virtual server's delay_loop. */
      readonly timeout: number;
      readonly dynamic: boolean;
      readonly user: string | null;
    })
  | (CheckerBase & { readonly type: 'SMTP_CHECK'; readonly connection: Connection; readonly heloName: string })
  | (CheckerBase & { readonly type: 'DNS_CHECK'; readonly connection: Connection; readonly queryType: string; readonly name: string })
  | (CheckerBase & {
      readonly type: 'UDP_CHECK';
      readonly connection: Connection;
      readonly payload: string | null;
      readonly requireReply: string | null;
      readonly minReplyLength: number;
      readonly maxReplyLength: number;
    })
  | (CheckerBase & { readonly type: 'FILE_CHECK'; readonly trackFile: string; readonly weight: number | null; readonly reverse: boolean })
  | (CheckerBase & { readonly type: 'BFD_CHECK'; readonly name: string });

export interface RealServer {
  readonly address: string;
  readonly family: Family;
  readonly port: number;
  readonly weight: number;
  readonly forwarding: Forwarding;
  readonly uThreshold: number;
  readonly lThreshold: number;
  readonly inhibitOnFailure: boolean;
  readonly alpha: boolean;
  readonly retry: number | null;
  readonly delayBeforeRetry: number | null;
  readonly warmup: number | null;
  readonly connectTimeout: number;
  readonly delayLoop: number;
  readonly smtpAlert: boolean;
  readonly virtualhost: string | null;
  readonly notifyUp: Script | null;
  readonly notifyDown: Script | null;
  readonly checkers: readonly Checker[];
  readonly loc: Loc;
}

export interface VirtualServer {
  readonly kind: 'addr' | 'fwmark' | 'group';
  /** Address form: the VIP; fwmark/group forms: null. */
  readonly address: string | null;
  readonly port: number;
  readonly fwmark: number;
  readonly group: string | null;
  readonly family: Family;
  /** Null for fwmark services (the protocol is ignored there). */
  readonly protocol: Protocol | null;
  readonly scheduler: string;
  readonly forwarding: Forwarding;
  /** IPVS service flags (SVC_F bits: ONEPACKET, SCHED1..3). */
  readonly flags: number;
  /** Seconds; 0 = not persistent. */
  readonly persistenceTimeout: number;
  /** IPv4: 32-bit netmask; IPv6: prefix length. */
  readonly persistenceGranularity: number;
  readonly persistenceEngine: string | null;
  readonly delayLoop: number;
  readonly connectTimeout: number;
  readonly retry: number | null;
  readonly delayBeforeRetry: number | null;
  readonly warmup: number | null;
  readonly inhibitOnFailure: boolean;
  readonly alpha: boolean;
  readonly omega: boolean;
  readonly haSuspend: boolean;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp: Script | null;
  readonly quorumDown: Script | null;
  readonly sorryServer: SorryServer | null;
  readonly virtualhost: string | null;
  readonly smtpAlert: boolean;
  /** Default real server weight. */
  readonly weight: number;
  readonly realServers: readonly RealServer[];
  /** The IPVS services this virtual server programs (one, or one per group address / fwmark). */
  readonly endpoints: readonly ServiceEndpoint[];
  readonly loc: Loc;
}
