/**
 * The user a MISC_CHECK or notify command runs as (keepalived.md §1.10): the one configured for
 * it, else global_defs script_user, else `keepalived_script` when that user exists, else the
 * daemon's own user. Names are looked up through NSS (`getent`), falling back to /etc/passwd and
 * /etc/group.
 * COMPAT(keepalived): keepalived falls back to root; tsvs, which may run unprivileged, runs the
 * command as itself, and can switch user only when it runs as root (logged once otherwise).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../core/ports.js';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** One `name:x:id:...` entry of a passwd or group database, or null. */
function lookup(db: 'passwd' | 'group', name: string): string[] | null {
  const pick = (text: string): string[] | null => {
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name || (/^\d+$/.test(name) && f[2] === name)) return f;
    }
    return null;
  };
  try {
    const out = execFileSync('getent', [db, name], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const hit = pick(out);
    if (hit) return hit;
  } catch {
    // No getent or no such entry: try the file.
  }
  try {
    return pick(readFileSync(`/etc/${db}`, 'utf8'));
  } catch {
    return null;
  }
}

/** uid/gid of a user (and optional group), or null when unknown. */
export function resolveUser(user: string, group: string | null): RunAs | null {
  const pw = lookup('passwd', user);
  if (!pw) return null;
  const uid = Number(pw[2]);
  let gid = Number(pw[3]);
  if (group) {
    const gr = lookup('group', group.replace(/^:/, ''));
    if (!gr) return null;
    gid = Number(gr[2]);
  }
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
}

/** Decides, once per user name, what a command configured for `user` runs as. */
export class ScriptUsers {
  private readonly cache = new Map<string, RunAs | null>();
  private readonly warned = new Set<string>();
  private readonly isRoot = process.getuid?.() === 0;

  constructor(private readonly logger: Logger) {}

  /**
   * What to run as for a command configured with `user`/`group` (its own, or script_user), or
   * null for the daemon's own user.
   */
  runAs(user: string | null, group: string | null): RunAs | null {
    const wanted = user ? { user, group } : this.isRoot ? { user: 'keepalived_script', group: null } : null;
    if (!wanted) return null;
    const key = `${wanted.user}:${wanted.group ?? ''}`;
    if (!this.cache.has(key)) this.cache.set(key, this.resolve(wanted.user, wanted.group, user !== null));
    return this.cache.get(key) ?? null;
  }

  private resolve(user: string, group: string | null, explicit: boolean): RunAs | null {
    const id = resolveUser(user, group);
    if (!id) {
      if (explicit) this.once(`unknown ${user}`, `script user ${user}${group ? `:${group}` : ''} not found - running scripts as the daemon's user`);
      return null;
    }
    if (!this.isRoot) {
      this.once(`root ${user}`, `cannot run scripts as ${user}: tsvs is not running as root - running them as its own user`);
      return null;
    }
    return id;
  }

  private once(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}
