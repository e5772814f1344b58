/**
 * vrrp_script NAME { } (keepalived 2.2.7 vrrp_parser.c vrrp_vscript_*; defaults from vrrp_data.c
 * alloc_vrrp_script: interval 1 s, timeout 0 = interval, weight 0, rise 1, fall 1).
 */
import { flag, script, uint, words } from './keywords.js';
import { readInt, readUnsigned } from './numbers.js';
import { type ParseState, type ScriptDraft, last } from './state.js';
import type { Block, Call, Keyword } from './table.js';

type V = ScriptDraft;
const MAX_SECONDS = Math.floor(4294967295 / 1e6);

export function openScript(s: ParseState, c: Call): void {
  s.scripts.push({
    name: c.arg(1), script: null, interval: 1, timeout: 0, weight: 0, weightReverse: false, rise: 1, fall: 1,
    user: null, group: null, initFail: false, used: false, loc: c.at(0),
  });
}

function seconds(name: 'interval' | 'timeout', invalid: (n: string, t: string) => string): Keyword<V> {
  return uint<V>(name, (v, n, c) => {
    if (n === 0) c.error('value-adjusted', `(${v.name}): vrrp script ${name} must be greater than 0, setting to 1`, 1);
    v[name] = Math.max(1, n);
  }, { min: 0, max: MAX_SECONDS, default: name === 'interval' ? 1 : 0, invalid: (t) => invalid('', t) });
}

function riseFall(name: 'rise' | 'fall'): Keyword<V> {
  return words<V>(name, (v, c) => {
    const r = readUnsigned(c.arg(1), 1, 2147483647);
    if (r.ok) v[name] = r.value;
    else {
      c.error(r.reason === 'range' ? 'out-of-range' : 'invalid-number', `(${v.name}): vrrp script ${name} value '${c.arg(1)}' invalid, defaulting to 1`, 1, r.message);
      v[name] = 1;
    }
  }, { maxWords: 2 });
}

export function scriptBlock(s: ParseState): Block<V> {
  const cur = (): V | null => last(s.scripts);
  return {
    name: 'vrrp_script',
    target: cur,
    keywords: [
      script<V>('script', (v, sc) => (v.script = sc), { userWords: false }),
      seconds('interval', (_n, t) => `(${cur()?.name}): vrrp script interval '${t}' must be between 1 and ${MAX_SECONDS} - ignoring`),
      seconds('timeout', (_n, t) => `(${cur()?.name}): vrrp script timeout '${t}' invalid - ignoring`),
      words<V>('weight', (v, c) => {
        const r = readInt(c.arg(1), -253, 253);
        // keepalived reports the range error but still uses the number it read.
        if (!r.ok) c.error('out-of-range', `vrrp_script ${v.name} weight ${c.arg(1)} must be in [-253, 253]`, 1, r.message);
        v.weight = Math.trunc(r.value) | 0;
        if (c.has(2)) {
          if (c.arg(2) === 'reverse') v.weightReverse = true;
          else c.error('bad-value', `vrrp_script ${v.name} unknown weight option ${c.arg(2)}`, 2);
        }
      }, { maxWords: 3 }),
      riseFall('rise'),
      riseFall('fall'),
      words<V>('user', (v, c) => {
        v.user = c.arg(1);
        v.group = c.has(2) ? c.arg(2) : null;
      }, { maxWords: 3 }),
      flag<V>('init_fail', (v) => (v.initFail = true)),
    ],
    close: (v) => {
      if (v.script === null || v.script.args.length === 0) {
        s.sink.error('missing-required', `No script set for vrrp_script ${v.name} - removing`, v.loc, "add a 'script' line");
        s.scripts.pop();
      }
    },
  };
}
