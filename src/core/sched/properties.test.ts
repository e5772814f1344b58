// Properties over every scheduler (fast-check): picks only return listed destinations that may
// take a connection; wrr shares are exact per cycle; lblc/lblcr expiry follows explicit times.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_SYSCTLS, SCHED_FLAG_FALLBACK, SCHED_FLAG_PORT } from '../model.js';
import { SeededRng } from '../rng.js';
import type { LocalityLeastConnection } from './lblc.js';
import type { LocalityLeastConnectionReplicated } from './lblcr.js';
import { LOCALITY_GC_INTERVAL_MS, LOCALITY_FULL_EVERY } from './locality-cache.js';
import { SCHEDULER_NAMES, createScheduler, isKnownScheduler } from './registry.js';
import { SchedHarness, setDestination, setSource } from './test-support.js';
import { gcd } from './load.js';

const LABELS = ['A', 'B', 'C', 'D', 'E', 'F'];

type Step =
  | { op: 'add'; label: string; weight: number }
  | { op: 'del'; label: string }
  | { op: 'edit'; label: string; weight: number }
  | { op: 'load'; label: string; active: number; inactive: number; overloaded: boolean }
  | { op: 'pick'; src: number; dst: number; sport: number };

const label = fc.constantFrom(...LABELS);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), label, weight: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ op: fc.constant('del' as const), label }),
  fc.record({ op: fc.constant('edit' as const), label, weight: fc.integer({ min: 0, max: 6 }) }),
  fc.record({
    op: fc.constant('load' as const),
    label,
    active: fc.integer({ min: 0, max: 12 }),
    inactive: fc.integer({ min: 0, max: 300 }),
    overloaded: fc.boolean(),
  }),
  fc.record({ op: fc.constant('pick' as const), src: fc.nat(255), dst: fc.nat(7), sport: fc.nat(65535) }),
  fc.record({ op: fc.constant('pick' as const), src: fc.nat(255), dst: fc.nat(7), sport: fc.nat(65535) }),
);

const has = (h: SchedHarness, l: string): boolean => h.svc.dests.some((d) => h.label(d) === l);

function run(h: SchedHarness, steps: readonly Step[]): void {
  let now = 0;
  for (const s of steps) {
    now += 1000;
    if (s.op === 'add') {
      if (!has(h, s.label)) h.add(s.label, s.weight);
    } else if (s.op === 'del') {
      if (has(h, s.label)) h.del(s.label);
    } else if (s.op === 'edit') {
      if (has(h, s.label)) h.edit(s.label, s.weight);
    } else if (s.op === 'load') {
      if (has(h, s.label)) h.load(s.label, s.active, s.inactive, s.overloaded);
    } else {
      setSource(h.ctx, `198.51.100.${s.src}`, s.sport);
      setDestination(h.ctx, `203.0.113.${s.dst}`);
      h.ctx.now = now;
      checkPick(h);
    }
  }
}

/** The chosen destination is listed, has weight > 0 and (except a cached lblc one) no OVERLOAD. */
function checkPick(h: SchedHarness): void {
  const cachedBefore = h.sched.name === 'lblc' ? (h.sched as LocalityLeastConnection).cache.get(h.ctx.daddr)?.dest : undefined;
  const d = h.sched.pick(h.svc, h.ctx);
  if (d === null) return;
  assert.ok(h.svc.dests.includes(d), `${h.sched.name} returned an unlisted destination`);
  assert.ok(d.available, `${h.sched.name} returned an unavailable destination`);
  assert.ok(d.weight > 0, `${h.sched.name} returned a quiesced destination`);
  if (!(d.overloaded && d === cachedBefore)) assert.ok(!d.overloaded, `${h.sched.name} returned an overloaded destination`);
}

test('registry: every kernel scheduler is known and creates its own instance; `none` is known', () => {
  assert.deepEqual([...SCHEDULER_NAMES].sort(), ['dh', 'fo', 'lblc', 'lblcr', 'lc', 'mh', 'nq', 'ovf', 'rr', 'sed', 'sh', 'twos', 'wlc', 'wrr']);
  for (const name of SCHEDULER_NAMES) {
    const s = createScheduler(name, new SeededRng(1), { ...DEFAULT_SYSCTLS });
    assert.equal(s.name, name);
    assert.notEqual(s, createScheduler(name, new SeededRng(1), { ...DEFAULT_SYSCTLS }));
  }
  assert.equal(isKnownScheduler('none'), true);
  assert.equal(isKnownScheduler('wlcx'), false);
  assert.throws(() => createScheduler('none', new SeededRng(1), { ...DEFAULT_SYSCTLS }), /unknown scheduler none/);
});

for (const name of SCHEDULER_NAMES) {
  const flagSets = name === 'sh' || name === 'mh' ? [0, SCHED_FLAG_FALLBACK | SCHED_FLAG_PORT] : [0];
  for (const flags of flagSets) {
    test(`${name}${flags ? ' (fallback+port)' : ''}: picks are listed, available, weighted and not overloaded`, () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 40 }), fc.nat(), (steps, seed) => {
          run(new SchedHarness(name, { flags, rng: new SeededRng(seed) }), steps);
        }),
        { numRuns: name === 'mh' ? 40 : 120 },
      );
    });
  }
}

test('every scheduler returns null on an empty service, all-zero weights and all-overloaded', () => {
  for (const name of SCHEDULER_NAMES) {
    const h = new SchedHarness(name, { flags: SCHED_FLAG_FALLBACK });
    assert.equal(h.pick(), '-', `${name} empty`);
    h.addAll({ A: 0, B: 0 });
    assert.equal(h.pick(), '-', `${name} all weight 0`);
    h.edit('A', 2);
    h.edit('B', 3);
    h.load('A', 0, 0, true);
    h.load('B', 0, 0, true);
    assert.equal(h.pick(), '-', `${name} all overloaded`);
  }
});

test('wrr: in steady state every window of sum(w)/gcd picks gives each destination exactly w/gcd', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), (ws) => {
      const h = new SchedHarness('wrr');
      ws.forEach((w, i) => h.add(LABELS[i]!, w));
      const g = ws.reduce((a, b) => gcd(a, b));
      const period = ws.reduce((a, b) => a + b) / g;
      h.picks(period);
      for (let shift = 0; shift < 3; shift++) {
        const seen = h.picks(period).split(' ');
        ws.forEach((w, i) => assert.equal(seen.filter((x) => x === LABELS[i]).length, w / g, `${LABELS[i]} in ${seen.join('')}`));
      }
    }),
    { numRuns: 150 },
  );
});

test('lblc/lblcr: a full sweep at time T keeps exactly the entries with lastuse + expiration > T', () => {
  for (const name of ['lblc', 'lblcr']) {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_800_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 1800 }), (uses, exp) => {
        const h = new SchedHarness(name, { sysctls: { lblc_expiration: exp, lblcr_expiration: exp } }).addAll({ A: 1, B: 2 });
        const last = new Map<string, number>();
        [...uses].sort((a, b) => a - b).forEach((t, i) => {
          const addr = `203.0.113.${i % 5}`;
          setDestination(h.ctx, addr);
          h.ctx.now = t;
          h.pick();
          last.set(addr, t);
        });
        const cache = (h.sched as LocalityLeastConnection | LocalityLeastConnectionReplicated).cache;
        let now = 0;
        for (let i = 0; i < LOCALITY_FULL_EVERY; i++) h.sched.tick!(h.svc, (now += LOCALITY_GC_INTERVAL_MS));
        const want = [...last].filter(([, t]) => t + exp * 1000 > now).map(([a]) => a).sort();
        assert.deepEqual([...cache.values()].map((e) => e.addr).sort(), want);
      }),
      { numRuns: 100 },
    );
  }
});
