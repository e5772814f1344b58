import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { marksFromRuleset } from './nft-marks.js';

// `nft -j list ruleset` of nft 1.0.6 for a ruleset with marking rules of every shape (written by
// hand into a namespace and listed by nft; rule handles are nft's, the anonymous set took one).
const RULESET = readFileSync(new URL('./nft-marks.fixture.json', import.meta.url), 'utf8');

test('marking rules from nft -j: prerouting chains by priority (raw before mangle), evaluable matches only, others reported; tsvs\'s own table ignored', () => {
  const m = marksFromRuleset(RULESET);
  assert.deepEqual(m.rules, [
    { family: 4, protocol: null, daddr: null, saddr: null, dport: [[9999, 9999]], mark: 9 },
    { family: 6, protocol: null, daddr: null, saddr: null, dport: [[9999, 9999]], mark: 9 },
    { family: 4, protocol: 6, daddr: ['10.0.0.100'], saddr: null, dport: [[80, 80], [443, 443]], mark: 1 },
    { family: 4, protocol: 6, daddr: ['10.0.0.101', '10.0.1.0/24'], saddr: ['192.168.0.0/16'], dport: [[8000, 8080]], mark: 2 },
    { family: 4, protocol: 17, daddr: ['10.0.0.102'], saddr: null, dport: null, mark: 3 },
    { family: 6, protocol: 17, daddr: ['2001:db8::/64'], saddr: null, dport: [[53, 53]], mark: 6 },
  ]);
  assert.deepEqual(m.unsupported, [
    { mark: 5, why: 'rule 7 of ip mangle pre: cannot evaluate match on {"meta":{"key":"iifname"}}' },
    { mark: 8, why: "rule 8 of ip mangle pre: cannot evaluate operator '!='" },
  ]);
});

test('an empty ruleset marks nothing', () => {
  assert.deepEqual(marksFromRuleset('{"nftables":[{"metainfo":{"version":"1.0.6"}}]}'), { rules: [], unsupported: [] });
});

test('a mark set at or after the priority of tsvs\'s drop chain (299) is reported, one set before it is evaluated', () => {
  const chain = (name: string, prio: number) => ({ chain: { family: 'ip', table: 't', name, handle: 1, type: 'filter', hook: 'prerouting', prio, policy: 'accept' } });
  const rule = (c: string, handle: number, mark: number) => ({ rule: { family: 'ip', table: 't', chain: c, handle, expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: '10.0.0.100' } }, { mangle: { key: { meta: { key: 'mark' } }, value: mark } }] } });
  const text = JSON.stringify({ nftables: [chain('late', 299), chain('filter', 0), chain('later', 300), rule('late', 2, 2), rule('filter', 3, 1), rule('later', 4, 3)] });
  const m = marksFromRuleset(text);
  assert.deepEqual(m.rules, [{ family: 4, protocol: null, daddr: ['10.0.0.100'], saddr: null, dport: null, mark: 1 }]);
  assert.deepEqual(m.unsupported, [
    { mark: 2, why: "rule 2 of ip t late: cannot evaluate chain priority 299 (not before tsvs's drop at 299)" },
    { mark: 3, why: "rule 4 of ip t later: cannot evaluate chain priority 300 (not before tsvs's drop at 299)" },
  ]);
});
