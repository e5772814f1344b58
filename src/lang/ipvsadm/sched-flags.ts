/**
 * `-b` scheduler flags (ipvs.md §6.3): a comma list of flag-1, flag-2, flag-3 (any scheduler),
 * sh-fallback, sh-port (only with sh), mh-fallback, mh-port (only with mh), checked against the
 * final `-s` (wlc when none) once the whole command line has been read.
 */
import { SVC_F } from '../../core/model.js';
import { fail } from './parse-state.js';

const FLAGS: Readonly<Record<string, { bit: number; scheduler: string | null }>> = {
  'flag-1': { bit: SVC_F.SCHED1, scheduler: null },
  'flag-2': { bit: SVC_F.SCHED2, scheduler: null },
  'flag-3': { bit: SVC_F.SCHED3, scheduler: null },
  'sh-fallback': { bit: SVC_F.SCHED1, scheduler: 'sh' },
  'sh-port': { bit: SVC_F.SCHED2, scheduler: 'sh' },
  'mh-fallback': { bit: SVC_F.SCHED1, scheduler: 'mh' },
  'mh-port': { bit: SVC_F.SCHED2, scheduler: 'mh' },
};

/**
 * The SCHED1..3 bits `text` asks for. Flags are checked left to right; the first unknown or
 * incompatible one fails.
 * COMPAT(ipvsadm): a list with no flag in it (",") crashes ipvsadm (strtok returns nothing and
 * it compares a NULL pointer); tsvs reads it as no flags.
 */
export function parseSchedFlags(scheduler: string, text: string): number {
  const sched = scheduler === '' ? 'wlc' : scheduler;
  let bits = 0;
  for (const flag of text.split(',')) {
    if (flag === '') continue;
    const known = Object.hasOwn(FLAGS, flag) ? FLAGS[flag]! : null;
    if (!known) fail(`invalid scheduler flag \`${flag}'`);
    bits |= known.bit;
    if (known.scheduler !== null && known.scheduler !== sched) fail(`incompatible scheduler flag \`${flag}'`);
  }
  return bits;
}
