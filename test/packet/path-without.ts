/**
 * A PATH for a process that must not find some host commands (e.g. `nft`, to exercise the
 * iptables fallbacks): a directory of links to every other command of /usr/sbin, put first,
 * with /usr/sbin and /sbin left out (on a merged-/usr system /sbin is /usr/sbin).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export function pathWithout(dir: string, hidden: readonly string[]): string {
  const bin = join(dir, 'sbin');
  mkdirSync(bin, { recursive: true });
  for (const f of readdirSync('/usr/sbin')) if (!hidden.includes(f)) symlinkSync(join('/usr/sbin', f), join(bin, f));
  return `${bin}:/usr/local/bin:/usr/bin`;
}

/** Why the iptables tests cannot run (null: they can); under CI=true that is a failure. */
export function iptablesMissing(): string | null {
  try {
    execFileSync('sh', ['-c', 'command -v iptables-restore && command -v ip6tables-restore && command -v iptables-legacy-restore && command -v ip6tables-legacy-restore'], { stdio: 'ignore' });
    return null;
  } catch {
    const reason = 'iptables is not installed (apt-get install iptables)';
    if (process.env['CI'] === 'true') throw new Error(`CI=true: ${reason}`);
    return reason;
  }
}
