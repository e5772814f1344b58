/**
 * track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] } at the top level,
 * and its deprecated name vrrp_track_file (keepalived 2.2.7 trackers/track_file.c). FILE_CHECK and
 * the track_file entries of vrrp_instance / vrrp_sync_group refer to these blocks by name; a block
 * without a file is dropped when it closes, so later references to it are "not found".
 */
import type { DiagnosticCode, Loc } from './diagnostics.js';
import { block, words } from './keywords.js';
import type { TrackFile, Tracked } from './model.js';
import { readInt } from './numbers.js';
import { type ParseState, last } from './state.js';
import type { Block, Call, Keyword, ValueEntry } from './table.js';

export interface TrackFileDraft {
  name: string;
  path: string | null;
  /** keepalived's default is 1; a second `weight` is refused only once it is no longer 1. */
  weight: number;
  reverse: boolean;
  init: { value: number; overwrite: boolean } | null;
  loc: Loc;
}

type T = TrackFileDraft;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** The weights and init values keepalived finds sensible for a track file. */
const SENSIBLE = 254;

/** The track_file block of that name (the first one, as keepalived's lookup finds it). */
export function findTrackFile(s: ParseState, name: string): TrackFileDraft | undefined {
  return s.trackFiles.find((f) => f.name === name);
}

/** track_file_handler(): a new block (the name is required: a missing one is fatal). */
function openTrackFile(s: ParseState, c: Call, keyword: string): void {
  const name = c.arg(1);
  if (keyword === 'vrrp_track_file') c.warning('deprecated', '"vrrp_track_file" is deprecated, please use "track_file"', 0, 'keepalived only logs this');
  if (findTrackFile(s, name)) c.warning('duplicate', `track_file ${name} is already defined - keepalived uses the first one`, 1);
  s.trackFiles.push({ name, path: null, weight: 1, reverse: false, init: null, loc: c.at(0) });
}

/** track_file_weight_handler(): an invalid weight becomes 1; the option is still read. */
function weight(t: T, c: Call): void {
  if (!c.has(1)) return c.error('missing-required', `No weight specified for track file ${t.name} - ignoring`);
  if (t.weight !== 1) return c.error('duplicate', `Weight already set for track file ${t.name} - ignoring ${c.arg(1)}`, 1);
  const r = readInt(c.arg(1), -SENSIBLE, SENSIBLE);
  if (r.ok) t.weight = r.value;
  else c.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', `Weight (${c.arg(1)}) for track_file ${t.name} must be between [-${SENSIBLE}..${SENSIBLE}] inclusive. Ignoring...`, 1, r.message);
  if (!c.has(2)) return;
  if (c.arg(2) === 'reverse') t.reverse = true;
  else c.error('bad-value', `track_file ${t.name} unknown weight option ${c.arg(2)}`, 2, "the only option is 'reverse'");
}

/** track_file_init_handler(): create the file (or, with `overwrite`, rewrite it) with a value. */
function initFile(t: T, c: Call): void {
  const init = { value: 0, overwrite: false };
  t.init = init;
  for (let i = 1; i < c.words.length; i++) {
    const word = c.arg(i).trimStart();
    if (/^[0-9-]/.test(word)) {
      const r = readInt(word, INT_MIN, INT_MAX);
      if (!r.ok) {
        c.error('invalid-number', `Track file ${t.name} init value ${word} is invalid`, i, r.message);
        init.value = 0;
        continue;
      }
      if (r.value < -SENSIBLE || r.value > SENSIBLE) c.error('out-of-range', `Track file ${t.name} init value ${r.value} is outside sensible range [-${SENSIBLE}, ${SENSIBLE}]`, i);
      init.value = r.value;
    } else if (word === 'overwrite') init.overwrite = true;
    else c.error('bad-value', `Unknown track file init option ${word}`, i, "expected a number and/or 'overwrite'");
  }
}

function trackFileBlock(s: ParseState, keyword: string): Block<T> {
  return {
    name: keyword,
    target: () => last(s.trackFiles),
    keywords: [
      words<T>('file', (t, c) => {
        if (!c.has(1)) return c.error('missing-required', 'track file file name missing');
        if (t.path !== null) return c.error('duplicate', `File already set for track file ${t.name} - ignoring ${c.arg(1)}`, 1);
        t.path = c.arg(1);
      }, { maxWords: 2 }),
      words<T>('weight', weight, { maxWords: 3 }),
      words<T>('init_file', initFile),
    ],
    close: (t) => {
      if (t.path !== null) return;
      s.sink.error('missing-required', `No file set for track_file ${t.name} - ignoring`, t.loc, "add 'file PATH'");
      s.trackFiles.pop();
    },
  };
}

/** The root keywords `track_file` and `vrrp_track_file`. */
export function trackFileKeywords(s: ParseState): Keyword<ParseState>[] {
  return ['track_file', 'vrrp_track_file'].map((keyword) =>
    block<ParseState>(keyword, () => trackFileBlock(s, keyword) as Block<unknown>, (st, c) => openTrackFile(st, c, keyword)),
  );
}

/**
 * One entry of a vrrp_instance / vrrp_sync_group track_file block: `NAME [weight -254..254
 * [reverse|noreverse]]`, the weight and direction defaulting to the block's (vrrp_alloc_track_file).
 * A bad option drops the entry; a bad weight keeps the block's.
 */
export function addTrackedFile(owner: string, list: Tracked[], e: ValueEntry, s: ParseState): void {
  const w = e.words.map((x) => x.text);
  const name = w[0]!;
  const err = (code: DiagnosticCode, msg: string, i = 0) => s.sink.error(code, msg, e.at(i));
  const file = findTrackFile(s, name);
  // COMPAT(keepalived): 2.2.7's -t never finishes on such an entry (observed: it hangs); tsvs reports
  // the error keepalived's code means to give.
  if (!file) return err('not-found', `(${owner}) track file ${name} not found, ignoring...`);
  if (list.some((t) => t.name === name)) return err('duplicate', `(${owner}) duplicate track_file ${name} - ignoring`);
  let weight = file.weight;
  let reverse = file.reverse;
  if (w.length >= 2) {
    if (w[1] !== 'weight') return err('bad-value', `(${owner}) unknown track file option ${w[1]} - ignoring`, 1);
    if (w.length === 2) return err('bad-value', `(${owner}) weight without value specified for track file ${name} - ignoring`, 1);
    const r = readInt(w[2]!, -SENSIBLE, SENSIBLE);
    if (r.ok) weight = r.value;
    else err('out-of-range', `(${owner}) weight for track file ${name} must be in [-${SENSIBLE}..${SENSIBLE}] inclusive. Ignoring...`, 2);
    if (w.length >= 4) {
      if (w[3] === 'reverse') reverse = true;
      else if (w[3] === 'noreverse') reverse = false;
      else return err('bad-value', `(${owner}) unknown track file ${name} weight option ${w[3]} - ignoring`, 3);
    }
  }
  list.push({ name, weight, reverse, loc: e.at(0) });
}

export function completeTrackFiles(s: ParseState): TrackFile[] {
  return s.trackFiles.map((t) => ({ name: t.name, path: t.path!, weight: t.weight, reverse: t.reverse, init: t.init && { ...t.init }, loc: t.loc }));
}
