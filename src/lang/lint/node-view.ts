/**
 * What the cross-node checks need to know about one node's configuration, flattened from the
 * keepalived model (see from-model.ts). Keeping the checks on this small shape keeps them
 * independent of how the parser lays out its model.
 */
import type { Loc } from '../keepalived/diagnostics.js';

/** One VIP: canonical address with prefix (e.g. `192.168.64.100/32`) and its line. */
export interface VipView {
  readonly text: string;
  readonly at: Loc;
}

/**
 * One VRRP instance. Each `...At` is where the keyword was written, or the instance's own line
 * when the keyword is absent (the default, or a global_defs setting, applies).
 */
export interface InstanceView {
  readonly name: string;
  readonly at: Loc;
  readonly vrid: number | undefined;
  readonly vridAt: Loc;
  readonly state: 'MASTER' | 'BACKUP' | undefined;
  readonly stateAt: Loc;
  readonly priority: number;
  readonly priorityAt: Loc;
  readonly nopreempt: boolean;
  readonly nopreemptAt: Loc;
  /** Advertisement interval in milliseconds. */
  readonly advertMs: number;
  readonly advertAt: Loc;
  readonly version: 2 | 3;
  readonly versionAt: Loc;
  /** `PASS` / `AH` and the password as keepalived uses it (first 8 bytes); undefined = none. */
  readonly authType: string | undefined;
  readonly authPass: string | undefined;
  /** auth_type (else the authentication block); auth_pass (else auth_type's fallback). */
  readonly authTypeAt: Loc;
  readonly authPassAt: Loc;
  /** The VIPs in configuration order. */
  readonly vips: readonly VipView[];
  /** The virtual_ipaddress keyword. */
  readonly vipsAt: Loc;
}

export interface RealServerView {
  /** `ADDR:PORT` (IPv6 in brackets), the port already resolved as keepalived does. */
  readonly key: string;
}

export interface ServiceView {
  /** Identity across nodes: `TCP 192.168.64.100:80`, `FWM 7`, `group NAME`. */
  readonly key: string;
  /** The address a VIP must carry for this service to receive traffic (undefined for fwmark/group). */
  readonly address: string | undefined;
  readonly at: Loc;
  readonly scheduler: string;
  readonly method: string;
  readonly realServers: readonly RealServerView[];
}

export interface NodeView {
  readonly file: string;
  readonly instances: readonly InstanceView[];
  readonly services: readonly ServiceView[];
}
