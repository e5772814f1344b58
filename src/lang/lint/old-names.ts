/**
 * Keywords from old keepalived versions and old how-tos that keepalived 2.2.7 reports as unknown
 * (keepalived.md §2.10; seeds 000, 002 and 004 all carry `nb_get_retry`, seed 002 `nat_mask`).
 * The parser's generic hint for them ("not a keyword in ...") is replaced by what to write instead.
 */
import type { LintDiagnostic } from './types.js';

const OLD_NAMES: Readonly<Record<string, string>> = {
  nb_get_retry: "nb_get_retry is the old name of 'retry', still accepted only inside HTTP_GET and SSL_GET; write 'retry' instead",
  nb_sock_retry: "nb_sock_retry is an old name of 'retry'; write 'retry' instead",
  nat_mask: "nat_mask is from keepalived 1.x (a virtual service has no netmask); delete it, or use 'persistence_granularity' for a persistence netmask",
  net_mask: "net_mask is not a keepalived keyword (a virtual service has no netmask); delete it, or use 'persistence_granularity' for a persistence netmask",
  lvs_id: "lvs_id is the old name of 'router_id' (in global_defs)",
};

const UNKNOWN = /^Unknown keyword '([^']*)'$/;
/** The parser's note on findings inside a block keepalived skips; it is kept in front. */
const SKIPPED_NOTE = /^keepalived skips the whole \S+ block at line \d+ \([^)]*\) and does not report this; /;

export function refineOldNameHints(list: readonly LintDiagnostic[]): LintDiagnostic[] {
  return list.map((d) => {
    if (d.code !== 'unknown-keyword') return d;
    const word = UNKNOWN.exec(d.message)?.[1];
    const hint = word === undefined ? undefined : OLD_NAMES[word];
    if (hint === undefined) return d;
    const note = SKIPPED_NOTE.exec(d.hint ?? '')?.[0] ?? '';
    return { ...d, hint: `${note}${hint}` };
  });
}
