/**
 * The one operation language of tsvs. keepalived.conf, ipvsadm argv, ipvsadm-restore input and the
 * HTTP API all reduce to a list of these; {@link Ipvs.apply} (ipvs.ts) carries them out with the
 * kernel's rules and errors.
 */
import type { DestId, DestSpec, ServiceKey, ServiceSpec, SyncDaemon } from './model.js';

export type Op =
  | { readonly type: 'add-service'; readonly service: ServiceSpec }
  | { readonly type: 'edit-service'; readonly service: ServiceSpec }
  | { readonly type: 'delete-service'; readonly service: ServiceKey }
  | { readonly type: 'flush' }
  | { readonly type: 'add-dest'; readonly service: ServiceKey; readonly dest: DestSpec }
  | { readonly type: 'edit-dest'; readonly service: ServiceKey; readonly dest: DestSpec }
  | { readonly type: 'delete-dest'; readonly service: ServiceKey; readonly dest: DestId }
  /** Zero the counters of one service (and its destinations), or of everything. */
  | { readonly type: 'zero'; readonly service?: ServiceKey }
  /** `--set tcp tcpfin udp`; 0 leaves a value unchanged. */
  | { readonly type: 'set-timeouts'; readonly tcp: number; readonly tcpfin: number; readonly udp: number }
  | { readonly type: 'start-daemon'; readonly daemon: SyncDaemon }
  | { readonly type: 'stop-daemon'; readonly state: 'master' | 'backup' };

export type OpType = Op['type'];

/**
 * Kernel error numbers the operations can fail with (ipvs.md §6.4, §9.11). The text shown to a
 * user depends on the command (ESRCH is "No such service" for -E/-D but "Service not defined" for
 * -a/-e/-d), so the ipvsadm layer maps errno + command to words.
 */
export type Errno = 'EEXIST' | 'ENOENT' | 'ESRCH' | 'EINVAL' | 'ERANGE' | 'ENOMEM';

export type OpResult = { readonly ok: true } | { readonly ok: false; readonly errno: Errno; readonly detail: string };

export const OK: OpResult = { ok: true };

export function fail(errno: Errno, detail: string): OpResult {
  return { ok: false, errno, detail };
}
