/**
 * The typed, frozen model of a keepalived.conf, with keepalived 2.2.7's defaults filled in
 * (keepalived.md §2, §3.1). Times are seconds (decimal, microsecond resolution); addresses are
 * canonical text (core/addr.ts). Every object records where it was defined.
 */
import type { Loc } from './diagnostics.js';
import type { VirtualServer, VirtualServerGroup } from './model-lvs.js';
import type { VrrpInstance, VrrpScript, VrrpSyncGroup } from './model-vrrp.js';
import type { Script } from './script.js';

export type { Script } from './script.js';
export type * from './model-lvs.js';
export type * from './model-vrrp.js';

export interface KeepalivedConfig {
  /** Every file read, main file first. */
  readonly files: readonly string[];
  readonly globalDefs: GlobalDefs;
  readonly vrrpScripts: readonly VrrpScript[];
  readonly vrrpSyncGroups: readonly VrrpSyncGroup[];
  readonly vrrpInstances: readonly VrrpInstance[];
  readonly virtualServerGroups: readonly VirtualServerGroup[];
  readonly virtualServers: readonly VirtualServer[];
  /** track_file blocks (and vrrp_track_file), in order; FILE_CHECK and track_file entries name them. */
  readonly trackFiles: readonly TrackFile[];
  /** Root-level blocks parsed only for structure (static_ipaddress, bfd_instance, garp_group, ...). */
  readonly otherBlocks: readonly OtherBlock[];
}

/** track_file NAME { } (keepalived 2.2.7 trackers/track_file.c): a number kept in a file. */
export interface TrackFile {
  readonly name: string;
  readonly path: string;
  /** Multiplies the file's value (default 1); 0: a non-zero value is a fault. */
  readonly weight: number;
  readonly reverse: boolean;
  /**
   * init_file: write `value` to the file when it does not exist, or with `overwrite` also when it
   * does (but not on a reload); null: leave the file alone.
   */
  readonly init: { readonly value: number; readonly overwrite: boolean } | null;
  readonly loc: Loc;
}

export interface OtherBlock {
  readonly keyword: string;
  readonly name: string | null;
  readonly loc: Loc;
}

// ---------------------------------------------------------------------------------------------
// global_defs

export interface LvsSyncDaemon {
  readonly interface: string;
  /** VRRP instance whose state drives master/backup (null: none named). */
  readonly instance: string | null;
  /** Sync id; null means "the VRID of the instance". */
  readonly syncId: number | null;
  readonly maxlen: number | null;
  readonly port: number;
  readonly ttl: number | null;
  readonly group: string | null;
}

export interface GlobalDefs {
  /** Defaults to the short host name (null when the host name is not known to the parser). */
  readonly routerId: string | null;
  readonly notificationEmail: readonly string[];
  readonly notificationEmailFrom: string | null;
  readonly smtpServer: { readonly host: string; readonly port: number } | null;
  readonly smtpHeloName: string | null;
  readonly smtpConnectTimeout: number;
  readonly smtpAlert: boolean | null;
  readonly smtpAlertVrrp: boolean | null;
  readonly smtpAlertChecker: boolean | null;
  readonly scriptUser: { readonly user: string; readonly group: string | null } | null;
  readonly enableScriptSecurity: boolean;
  readonly vrrpVersion: 2 | 3;
  readonly vrrpStrict: boolean;
  readonly vrrpMcastGroup4: string;
  readonly vrrpMcastGroup6: string;
  readonly vrrpGarpMasterDelay: number;
  readonly vrrpGarpMasterRepeat: number;
  readonly vrrpGarpMasterRefresh: number;
  readonly vrrpGarpMasterRefreshRepeat: number;
  readonly vrrpGarpLowerPrioDelay: number;
  readonly vrrpGarpLowerPrioRepeat: number;
  readonly vrrpGarpInterval: number;
  readonly vrrpGnaInterval: number;
  readonly vrrpLowerPrioNoAdvert: boolean;
  readonly vrrpHigherPrioSendAdvert: boolean;
  readonly vrrpDownTimerAdverts: number;
  readonly vrrpCheckUnicastSrc: boolean;
  readonly vrrpSkipCheckAdvAddr: boolean;
  readonly vrrpStartupDelay: number;
  readonly defaultInterface: string;
  readonly dynamicInterfaces: boolean;
  readonly lvsSyncDaemon: LvsSyncDaemon | null;
  /** `--set tcp tcpfin udp` values from lvs_timeouts (0 = leave the kernel's value). */
  readonly lvsTimeouts: { readonly tcp: number; readonly tcpfin: number; readonly udp: number };
  readonly lvsFlush: boolean;
  readonly lvsFlushOnStop: 'off' | 'on' | 'vs';
  readonly startupScript: Script | null;
  readonly shutdownScript: Script | null;
  readonly notifyFifo: string | null;
  readonly vrrpNotifyFifo: string | null;
  readonly lvsNotifyFifo: string | null;
  /** Other recognised keywords, by name, with the words given on each occurrence. */
  readonly other: Readonly<Record<string, readonly (readonly string[])[]>>;
}

/** Deeply freeze a plain data structure (arrays and objects), iteratively. */
export function deepFreeze<T>(value: T): T {
  const stack: object[] = [];
  if (value !== null && typeof value === 'object') stack.push(value as object);
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (Object.isFrozen(o)) continue;
    Object.freeze(o);
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v: unknown = o[i];
        if (v !== null && typeof v === 'object') stack.push(v);
      }
    } else {
      const r = o as Record<string, unknown>;
      for (const k in r) {
        const v = r[k];
        if (v !== null && typeof v === 'object') stack.push(v);
      }
    }
  }
  return value;
}

/** A mutable version of a model type, used while building it. */
export type Draft<T> = T extends readonly (infer U)[]
  ? Draft<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Draft<T[K]> }
    : T;
