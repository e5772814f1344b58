import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { firstRunDelay } from '../../core/health/timing.js';
import { SeededRng } from '../../core/rng.js';
import { harness, SEED } from './testkit.js';

const RS1 = '192.168.64.143';
const RS2 = '192.168.64.138';

/** Seed 004's virtual server with the seeds' timing: delay_loop 6, connect_timeout 3, retry 3, delay_before_retry 3. */
const seedValues = (port2 = 80): string => `
virtual_server 192.168.64.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server ${RS1} 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
    real_server ${RS2} 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
            connect_port ${port2}
        }
    }
}
`;

/** When each checker first runs: 1 s + uniform(0, warmup = delay_loop 6 s), in configuration order, from the seeded Rng. */
function firstRuns(n: number): number[] {
  const rng = new SeededRng(SEED);
  return Array.from({ length: n }, () => firstRunDelay(6000, rng));
}

const attemptsOf = (attempts: string[], who: string): number[] => attempts.filter((a) => a.endsWith(` ${who}:80`)).map((a) => Number(a.split(' ')[0]));

test('first runs: 1 s plus a seeded share of the warmup', async () => {
  const h = harness(seedValues());
  assert.equal((await h.reloader.load('lenient')).ok, true);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`, `${RS1}:80 w1`]);
  const [t1, t2] = firstRuns(2);
  assert.ok(t1! >= 1000 && t1! <= 7000 && t2! >= 1000 && t2! <= 7000 && t1 !== t2);
  await h.advance(7000);
  assert.deepEqual(h.backends.attempts, [t1! < t2! ? `${t1} ${RS1}:80` : `${t2} ${RS2}:80`, t1! < t2! ? `${t2} ${RS2}:80` : `${t1} ${RS1}:80`]);
});

test('refused: removed after exactly 4 attempts (retry 3) at +0, +3, +6, +9 s, re-added after one success 6 s later', async () => {
  const h = harness(seedValues());
  await h.reloader.load('lenient');
  const [t1] = firstRuns(1);
  await h.advance(t1!);
  h.backends.set(`${RS1}:80`, 'refuse');
  const down = t1! + 6000 + 9000;
  await h.advance(down - 1 - h.clock.now());
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`, `${RS1}:80 w1`]);
  await h.advance(1);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`]);
  assert.deepEqual(attemptsOf(h.backends.attempts, RS1), [t1, t1! + 6000, t1! + 9000, t1! + 12000, t1! + 15000]);
  assert.ok(h.logs.includes(`${down} TCP_CHECK on service [${RS1}]:tcp:80 failed after 3 retries.`));
  assert.ok(h.logs.includes(`${down} Removing service [${RS1}]:tcp:80 from VS [192.168.64.100]:tcp:80`));
  // Down: checked every delay_loop; it recovers, one success brings it back.
  h.backends.set(`${RS1}:80`, 'up');
  await h.advance(6000 - 1);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`]);
  await h.advance(1);
  assert.deepEqual(h.dests(), [`${RS1}:80 w1`, `${RS2}:80 w1`]);
  assert.ok(h.logs.includes(`${down + 6000} Adding service [${RS1}]:tcp:80 to VS [192.168.64.100]:tcp:80`));
});

test('hanging: each attempt takes connect_timeout, so 4 attempts end 21 s after the first failing one started', async () => {
  const h = harness(seedValues());
  await h.reloader.load('lenient');
  const [t1] = firstRuns(1);
  await h.advance(t1!);
  h.backends.set(`${RS1}:80`, 'hang');
  const start = t1! + 6000;
  await h.advance(start + 21000 - 1 - h.clock.now());
  assert.equal(h.dests().length, 2);
  await h.advance(1);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`]);
  assert.deepEqual(attemptsOf(h.backends.attempts, RS1).slice(1), [start, start + 6000, start + 12000, start + 18000]);
});

test('slow answers within connect_timeout pass; slower ones fail', async () => {
  const h = harness(seedValues());
  await h.reloader.load('lenient');
  h.backends.set(`${RS1}:80`, 2999);
  await h.advance(60_000);
  assert.equal(h.dests().length, 2);
  h.backends.set(`${RS1}:80`, 3000);
  await h.advance(60_000);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`]);
});

test('seed 004 as written: nb_get_retry is not a TCP_CHECK keyword, so retry stays 1; a server dead at start goes at its first check', async () => {
  const text = readFileSync(new URL('../../../test/corpus/keepalived/seeds/seed-004-master.conf', import.meta.url), 'utf8');
  const h = harness(text);
  await h.reloader.load('lenient');
  h.backends.set(`${RS1}:80`, 'refuse');
  const [t1, t2] = firstRuns(2);
  await h.advance(t1!);
  assert.deepEqual(h.dests(), [`${RS2}:80 w1`]);
  assert.ok(h.logs.includes(`${t1} TCP_CHECK on service [${RS1}]:tcp:80 failed.`));
  // rs2: up, then refused: one retry after delay_before_retry (default 1 s), then out.
  await h.advance(t2! + 1 - h.clock.now());
  h.backends.set(`${RS2}:80`, 'refuse');
  await h.advance(t2! + 6000 + 1000 - h.clock.now());
  assert.deepEqual(h.dests(), []);
  assert.deepEqual(attemptsOf(h.backends.attempts, RS2), [t2, t2! + 6000, t2! + 7000]);
});

test('seed 002: connect_port 80 for an 8080 service checks port 80', async () => {
  const text = readFileSync(new URL('../../../test/corpus/keepalived/seeds/seed-002-lvs01.conf', import.meta.url), 'utf8');
  const h = harness(text);
  await h.reloader.load('lenient');
  await h.advance(20_000);
  assert.deepEqual([...new Set(h.backends.attempts.map((a) => a.split(' ')[1]))].sort(), ['39.106.40.172:80', '39.107.137.111:80']);
  // Port 80 refusing takes the 8080 real server out, whatever 8080 does.
  h.backends.set('39.106.40.172:80', 'refuse');
  await h.advance(60_000);
  assert.deepEqual(h.dests(), ['39.107.137.111:8080 w1']);
});

test('MISC_CHECK runs are spaced from the start of the previous run; the others from its end', async () => {
  const text = `virtual_server 10.0.0.100 80 {
    delay_loop 6
    warmup 0
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.1 80 {
        MISC_CHECK {
            misc_path "/usr/local/bin/check"
        }
    }
    real_server 10.0.0.2 80 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;
  const h = harness(text);
  await h.reloader.load('lenient');
  h.backends.set('10.0.0.1:80', 2000);
  h.backends.set('10.0.0.2:80', 2000);
  await h.advance(20_000);
  assert.deepEqual(attemptsOf(h.backends.attempts, '10.0.0.1'), [1000, 7000, 13000, 19000]);
  assert.deepEqual(attemptsOf(h.backends.attempts, '10.0.0.2'), [1000, 9000, 17000]);
});
