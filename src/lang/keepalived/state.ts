/**
 * Mutable drafts built while parsing, before defaults and cross-checks turn them into the frozen
 * model. A null field means "not configured" (keepalived's PARAMETER_UNSET / -1 / UINT_MAX).
 */
import type { Family } from '../../core/addr.js';
import type { Protocol } from '../../core/model.js';
import type { DiagnosticSink, Loc } from './diagnostics.js';
import type { CheckerType, Draft, Forwarding, GlobalDefs, OtherBlock, Tracked, UnicastPeer, VirtualIp, VirtualServerGroupEntry, VrrpInstanceLocs } from './model.js';
import type { Script } from './script.js';
import type { TrackFileDraft } from './track_file.js';

export interface NotifyDraft {
  master: Script | null;
  backup: Script | null;
  fault: Script | null;
  stop: Script | null;
  deleted: Script | null;
  any: Script | null;
  masterRxLowerPri: Script | null;
}

export const emptyNotify = (): NotifyDraft => ({ master: null, backup: null, fault: null, stop: null, deleted: null, any: null, masterRxLowerPri: null });

export interface GlobalDraft extends Draft<Omit<GlobalDefs, 'vrrpGarpLowerPrioDelay' | 'vrrpGarpLowerPrioRepeat' | 'other' | 'startupScript' | 'shutdownScript'>> {
  startupScript: Script | null;
  shutdownScript: Script | null;
  vrrpGarpLowerPrioDelay: number | null;
  vrrpGarpLowerPrioRepeat: number | null;
  other: Record<string, string[][]>;
  loc: Loc | null;
  /** Where vrrp_version was set (parse-time only, like loc). */
  vrrpVersionLoc: Loc | null;
}

export interface ScriptDraft {
  name: string;
  script: Script | null;
  interval: number;
  timeout: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  user: string | null;
  group: string | null;
  initFail: boolean;
  used: boolean;
  loc: Loc;
}

export interface SyncGroupDraft {
  name: string;
  members: string[] | null;
  trackInterfaces: Tracked[];
  trackScripts: Tracked[];
  trackFiles: Tracked[];
  notify: NotifyDraft;
  smtpAlert: boolean | null;
  trackingWeight: boolean;
  notifyPriorityChanges: boolean | null;
  loc: Loc;
}

export interface InstanceDraft {
  name: string;
  loc: Loc;
  wantState: 'MASTER' | 'BACKUP' | null;
  interface: string | null;
  /** Keyword locations (see VrrpInstanceLocs); `version` holds only the instance's own keyword. */
  locs: Draft<VrrpInstanceLocs>;
  vrid: number;
  priority: number;
  advertInt: number;
  version: 0 | 2 | 3;
  family: 0 | Family;
  authType: 'PASS' | 'AH' | null;
  authPass: string | null;
  vips: Draft<VirtualIp>[];
  evips: Draft<VirtualIp>[];
  routes: string[][];
  rules: string[][];
  saddr: string | null;
  unicastConfigured: boolean;
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  peers: UnicastPeer[];
  ttl: number | null;
  mcastDst: string | null;
  trackInterfaces: Tracked[];
  trackScripts: Tracked[];
  trackFiles: Tracked[];
  dontTrackPrimary: boolean;
  notify: NotifyDraft;
  smtpAlert: boolean | null;
  notifyPriorityChanges: boolean | null;
  nopreempt: boolean;
  preemptDelay: number;
  garpMasterDelay: number;
  garpMasterRepeat: number;
  garpMasterRefresh: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelay: number | null;
  garpLowerPrioRepeat: number | null;
  strict: boolean | null;
  accept: boolean | null;
  lowerPrioNoAdvert: boolean | null;
  higherPrioSendAdvert: boolean | null;
  downTimerAdverts: number;
  skipCheckAdvAddr: boolean;
  promoteSecondaries: boolean;
  useVmac: boolean;
  syncGroup: string | null;
}

export interface VsgDraft {
  name: string;
  entries: Draft<VirtualServerGroupEntry>[];
  loc: Loc;
}

export interface ConnDraft {
  connectIp: string | null;
  connectFamily: Family | null;
  connectPort: number | null;
  bindto: string | null;
  bindFamily: Family | null;
  bindPort: number;
  bindIf: string | null;
  connectTimeout: number | null;
  fwmark: number;
}

export interface UrlDraft {
  path: string | null;
  digest: string | null;
  codes: Set<number>;
  virtualhost: string | null;
  regex: string | null;
  regexNoMatch: boolean;
  loc: Loc;
}

export interface CheckerDraft {
  type: CheckerType;
  loc: Loc;
  alpha: boolean | null;
  retry: number | null;
  delayBeforeRetry: number | null;
  delayLoop: number | null;
  warmup: number | null;
  logAllFailures: boolean;
  defaultRetry: number;
  /** null: defaults to the delay loop (DNS_CHECK). */
  defaultDelayBeforeRetry: number | null;
  conn: ConnDraft | null;
  removed: boolean;
  /** Type-specific settings, present only for the checkers that have them. */
  urls?: UrlDraft[];
  virtualhost?: string | null;
  httpProtocol?: '1.0' | '1.0C' | '1.1';
  enableSni?: boolean;
  fastRecovery?: boolean;
  script?: Script | null;
  miscTimeout?: number;
  dynamic?: boolean;
  user?: string | null;
  heloName?: string | null;
  dnsType?: string;
  dnsName?: string | null;
  payload?: string | null;
  requireReply?: string | null;
  minReplyLength?: number;
  maxReplyLength?: number;
  trackFile?: string | null;
  fileWeight?: number | null;
  fileReverse?: boolean;
  bfdName?: string | null;
}

export interface RsDraft {
  address: string;
  family: Family;
  port: number;
  weight: number | null;
  fwd: Forwarding | null;
  uThreshold: number;
  lThreshold: number;
  inhibit: boolean | null;
  alpha: boolean | null;
  retry: number | null;
  delayBeforeRetry: number | null;
  warmup: number | null;
  connectTimeout: number | null;
  delayLoop: number | null;
  smtpAlert: boolean | null;
  virtualhost: string | null;
  notifyUp: Script | null;
  notifyDown: Script | null;
  checkers: CheckerDraft[];
  loc: Loc;
}

export interface SorryDraft {
  address: string;
  family: Family;
  port: number;
  fwd: Forwarding | null;
  inhibit: boolean;
}

export interface VsDraft {
  kind: 'addr' | 'fwmark' | 'group';
  address: string | null;
  port: number;
  fwmark: number;
  group: string | null;
  family: 0 | Family;
  protocol: Protocol | null;
  protocolLoc: Loc | null;
  scheduler: string | null;
  fwd: Forwarding | null;
  flags: number;
  persistenceTimeout: number;
  persistenceGranularity: number;
  persistenceEngine: string | null;
  delayLoop: number;
  connectTimeout: number;
  retry: number | null;
  delayBeforeRetry: number | null;
  warmup: number | null;
  inhibit: boolean;
  alpha: boolean;
  omega: boolean;
  haSuspend: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp: Script | null;
  quorumDown: Script | null;
  sorry: SorryDraft | null;
  virtualhost: string | null;
  smtpAlert: boolean | null;
  weight: number;
  rs: RsDraft[];
  loc: Loc;
}

/** Everything parsed so far; handlers act on the last item of each list, as keepalived does. */
export interface ParseState {
  readonly sink: DiagnosticSink;
  readonly global: GlobalDraft;
  readonly scripts: ScriptDraft[];
  readonly syncGroups: SyncGroupDraft[];
  readonly instances: InstanceDraft[];
  readonly vsGroups: VsgDraft[];
  readonly servers: VsDraft[];
  readonly otherBlocks: OtherBlock[];
  /** Root-level track_file blocks read so far (FILE_CHECK and track_file entries refer to them). */
  readonly trackFiles: TrackFileDraft[];
  /** Whether interface existence can be checked, and the known interfaces. */
  readonly interfaces: ReadonlySet<string> | null;
  /** A VRRP-side interface does not exist (keepalived -t then stops before completing VRRP). */
  missingInterface: boolean;
  /** Callback to tell whether a script's program exists (null: assume it does). */
  readonly scriptExists: ((program: string) => boolean) | null;
  readonly include: { setCheck(bits: number): void; getCheck(): number };
  /** The preference keepalived gives the next rule written without one, per family. */
  readonly nextRulePriority: { 4: number; 6: number };
}

export function last<T>(list: readonly T[]): T | null {
  return list.length > 0 ? list[list.length - 1]! : null;
}
