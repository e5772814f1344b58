/**
 * track_interface / track_script / track_file entries of vrrp_instance and vrrp_sync_group
 * (keepalived 2.2.7 keepalived/vrrp/vrrp_track.c alloc_track_if, alloc_track_script, ...):
 * `NAME [weight -253..253 [reverse|noreverse]]`. Track files have rules of their own (track_file.ts).
 */
import type { Tracked } from './model.js';
import { readInt } from './numbers.js';
import type { ParseState } from './state.js';
import type { ValueEntry } from './table.js';
import { addTrackedFile } from './track_file.js';

export type TrackKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';

/** Where tracked names are looked up (null: no lookup possible, accept any name). */
function known(kind: Exclude<TrackKind, 'file'>, s: ParseState): ((name: string) => { weight: number; reverse: boolean } | null) | null {
  if (kind === 'interface') return s.interfaces ? (n) => (s.interfaces!.has(n) ? { weight: 0, reverse: false } : null) : null;
  if (kind === 'script') {
    return (n) => {
      const sc = s.scripts.find((x) => x.name === n);
      if (!sc) return null;
      sc.used = true;
      return { weight: sc.weight, reverse: sc.weightReverse };
    };
  }
  const keyword = kind === 'process' ? 'vrrp_track_process' : 'bfd_instance';
  return (n) => (s.otherBlocks.some((b) => b.keyword === keyword && b.name === n) ? { weight: 0, reverse: false } : null);
}

const notFound: Record<Exclude<TrackKind, 'file'>, (owner: string, n: string) => string> = {
  interface: (o, n) => `(${o}) tracked interface ${n} doesn't exist`,
  script: (o, n) => `(${o}) track script ${n} not found, ignoring...`,
  process: (o, n) => `(${o}) track process ${n} not found, ignoring...`,
  bfd: (o, n) => `(${o}) track bfd ${n} not found, ignoring...`,
};

/** Parse one entry into `list` (duplicates and unknown names are reported and dropped). */
export function addTracked(kind: TrackKind, owner: string, list: Tracked[], e: ValueEntry, s: ParseState): void {
  if (kind === 'file') return addTrackedFile(owner, list, e, s);
  const name = e.words[0]!.text;
  const err = (msg: string, i = 0, code: 'not-found' | 'duplicate' | 'bad-value' | 'out-of-range' | 'unknown-interface' = 'bad-value') =>
    s.sink.error(code, msg, e.at(i));
  const lookup = known(kind, s);
  const found = lookup ? lookup(name) : { weight: 0, reverse: false };
  if (!found) {
    if (kind === 'interface') s.missingInterface = true;
    return err(notFound[kind](owner, name), 0, kind === 'interface' ? 'unknown-interface' : 'not-found');
  }
  const label = kind === 'interface' ? 'track_interface' : `track_${kind}`;
  if (list.some((t) => t.name === name)) return err(`(${owner}) duplicate ${label} ${name} - ignoring`, 0, 'duplicate');
  let weight = found.weight;
  let reverse = found.reverse;
  const w = e.words.map((x) => x.text);
  if (w.length >= 2) {
    if (w[1] !== 'weight') return err(kind === 'script' ? `(${owner}) unknown track script option ${w[1]} - ignoring` : `(${owner}) unknown ${label} ${name} option ${w[1]} - ignoring`, 1);
    if (w.length === 2) return err(`(${owner}) weight without value specified for ${label} ${name} - ignoring`, 1);
    const r = readInt(w[2]!, -254, 254);
    if (!r.ok) {
      err(`(${owner}) weight ${w[2]} for ${name} must be between [-253..253] inclusive. Ignoring...`, 2, 'out-of-range');
      weight = kind === 'script' ? found.weight : 0;
    } else if (r.value === 254 || r.value === -254) {
      err(`(${owner}) weight for ${name} cannot be +/-254. Setting to +/-253`, 2, 'out-of-range');
      weight = r.value > 0 ? 253 : -253;
    } else weight = r.value;
    if (w.length >= 4) {
      if (w[3] === 'reverse') reverse = true;
      else if (w[3] === 'noreverse' && kind !== 'interface') reverse = false;
      else err(`(${owner}) unknown ${label} ${name} weight option ${w[3]} - ignoring`, 3);
    }
  }
  list.push({ name, weight, reverse, loc: e.at(0) });
}
