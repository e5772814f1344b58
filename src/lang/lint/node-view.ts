/**
 * What the cross-node checks need to know about one node's configuration, flattened from the
 * keepalived model (see from-model.ts). Keeping the checks on this small shape keeps them
 * independent of how the parser lays out its model.
 */
import type { Loc } from '../keepalived/diagnostics.js';

export interface InstanceView {
  readonly name: string;
  readonly at: Loc;
  readonly vrid: number | undefined;
  readonly vridAt: Loc;
  readonly state: 'MASTER' | 'BACKUP' | undefined;
  readonly priority: number;
  readonly priorityAt: Loc;
  readonly nopreempt: boolean;
  /** Advertisement interval in milliseconds. */
  readonly advertMs: number;
  readonly advertAt: Loc;
  readonly version: 2 | 3;
  /** `PASS` / `AH` and the password as keepalived uses it (first 8 bytes); undefined = none. */
  readonly authType: string | undefined;
  readonly authPass: string | undefined;
  readonly authAt: Loc;
  /** Canonical VIP addresses with prefix, e.g. `192.168.64.100/32`, in configuration order. */
  readonly vips: readonly string[];
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
