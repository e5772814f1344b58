/** What a lab run may leave behind: `tsvs-lab-*` namespaces and processes marked TSVS_LAB=1. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function labNamespacesLeft(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith('tsvs-lab-'));
}

/** Live processes started by the lab (their environment carries TSVS_LAB=1), with their command lines. */
export function labProcessesLeft(): string[] {
  const left: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1').split('\0');
      if (!env.includes('TSVS_LAB=1')) continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${d}/status`, 'utf8'))) continue;
      left.push(`${d}: ${readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ')}`);
    } catch {
      // Gone while we looked.
    }
  }
  return left;
}
