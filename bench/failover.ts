/**
 * `npm run bench:failover`: director failover time, tsvs beside keepalived 2.2.7, in network
 * namespaces this script creates and removes (root and the native addon required).
 *
 * Lab: directors a (state MASTER, priority 255) and b (BACKUP, priority 100) and a client c on
 * one bridge; an HTTP banner on a and b answers its node's name. For each implementation (both
 * directors run it), advert_int 1 s VRRPv2 with PASS and 0.1 s VRRPv3, and each way the master
 * dies (kill -9 of the process sending the adverts; a clean stop with SIGTERM), N runs (default 10):
 *  - a watcher in c timestamps a's adverts; the master is killed right after one of them;
 *  - a poller in c starts a request to http://VIP:8080 every millisecond until b answers;
 *  - reported: time from the death to b answering, and its excess over the theoretical interval:
 *    kill -9: b's master-down interval from a's last advert (3.609 s / 0.361 s at priority 100);
 *    clean stop: b's skew time from the priority-0 advert (0.609 s / 0.061 s).
 * Times come from one monotonic clock (CLOCK_MONOTONIC via process.hrtime) in every process.
 * Options: --runs N, --impl tsvs,keepalived, --case v2,v3, --mode kill,stop.
 */
import { spawnSync } from 'node:child_process';
import { loadNative } from '../src/adapters/vrrp/native.js';
import { vrrpConf } from '../test/vrrp/configs.js';
import { LabDirector, type Impl } from '../test/vrrp/directors.js';
import { Lab, privilegeProblem, sleep, until, type LabProcess } from '../test/vrrp/lab.js';

const VIP = '10.99.0.100';

interface Case {
  readonly name: 'v2' | 'v3';
  readonly label: string;
  readonly version: 2 | 3;
  readonly advertInt: number;
  /** Backup (priority 100): master-down interval and skew, ms (keepalived.md §4.2). */
  readonly masterDownMs: number;
  readonly skewMs: number;
}

const CASES: readonly Case[] = [
  { name: 'v2', label: 'VRRPv2 advert_int 1', version: 2, advertInt: 1, masterDownMs: 3609.375, skewMs: 609.375 },
  { name: 'v3', label: 'VRRPv3 advert_int 0.1', version: 3, advertInt: 0.1, masterDownMs: 360.937, skewMs: 60.937 },
];

type Mode = 'kill' | 'stop';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const RUNS = Number(option('runs', '10'));
const IMPLS = option('impl', 'tsvs,keepalived').split(',') as Impl[];
const CASE_NAMES = option('case', 'v2,v3').split(',');
const MODES = option('mode', 'kill,stop').split(',') as Mode[];

const nowNs = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint): number => Number(ns) / 1e6;

/** Raw-socket watcher in the client: one line `adv NS SRC PRIO` per advert. */
function watcher(lab: Lab, addon: string): LabProcess {
  const code = `const a=require(${JSON.stringify(addon)});a.rawOpen({family:4,ifname:'eth0',group:'224.0.0.18'},(d,i)=>{` +
    `if(d&&d.length>=23)console.log('adv',process.hrtime.bigint().toString(),i.src,d[22]);});console.log('ready');`;
  return lab.start('c', 'watcher', [process.execPath, '-e', code]);
}

/**
 * HTTP poller in the client: a new request every millisecond (each with its own 200 ms timeout, so
 * one stuck on the old path does not hold the next back); prints `got NS BODY` for the first answer
 * from `want`, then exits.
 */
function poller(lab: Lab, want: string): LabProcess {
  const code = `const http=require('http');const want=${JSON.stringify(want)};let done=false;let open=0;
function one(){if(done||open>200)return;open++;const r=http.get({host:${JSON.stringify(VIP)},port:8080,path:'/',agent:false,timeout:200},(s)=>{let b='';s.on('data',(c)=>b+=c);s.on('end',()=>{open--;
if(b===want&&!done){done=true;console.log('got',process.hrtime.bigint().toString(),b);process.exit(0);}});});
r.on('timeout',()=>r.destroy());r.on('error',()=>{open--;});}
console.log('ready');setInterval(one,1);`;
  return lab.start('c', 'poller', [process.execPath, '-e', code]);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Sample {
  readonly fromDeathMs: number;
  readonly excessMs: number;
}

async function ensureMaster(lab: Lab, A: LabDirector, B: LabDirector): Promise<void> {
  if (!A.alive()) A.start();
  const ok = await until(() => A.state() === 'MASTER' && B.state() === 'BACKUP' && lab.addresses('a').includes(VIP) && !lab.addresses('b').includes(VIP), 30_000, 20);
  if (!ok) throw new Error(`no steady state: a ${A.state()} b ${B.state()}\n${A.proc?.lines.slice(-15).join('\n')}`);
  await until(() => lab.exec('c', ['curl', '-s', '--max-time', '1', `http://${VIP}:8080/`]).out === 'a', 10_000, 50);
}

async function oneRun(lab: Lab, A: LabDirector, B: LabDirector, w: LabProcess, c: Case, mode: Mode): Promise<Sample> {
  await ensureMaster(lab, A, B);
  const p = poller(lab, 'b');
  await p.waitFor(/^ready$/, 10_000);
  // Kill right after one of a's adverts, so "from the last advert" and "from the death" differ by little.
  const from = w.lines.length;
  const at = await w.waitFor(/^adv \d+ 10\.99\.0\.1 /, 5_000, from);
  const lastAdvert = BigInt(w.lines[at]!.split(' ')[1]!);
  const death = nowNs();
  if (mode === 'kill') await A.kill9();
  else A.proc!.signal('SIGTERM');
  const line = p.lines[await p.waitFor(/^got /, 20_000)]!;
  const answered = BigInt(line.split(' ')[1]!);
  if (mode === 'stop') await A.stop();
  const fromDeathMs = ms(answered - death);
  const excessMs = mode === 'kill' ? ms(answered - lastAdvert) - c.masterDownMs : fromDeathMs - c.skewMs;
  return { fromDeathMs, excessMs };
}

async function series(impl: Impl, c: Case, mode: Mode, addon: string): Promise<Sample[]> {
  const lab = Lab.create([
    { name: 'a', address: '10.99.0.1' },
    { name: 'b', address: '10.99.0.2' },
    { name: 'c', address: '10.99.0.9' },
  ]);
  try {
    // The client takes the GARP at once (no 1 s neighbour lock time).
    lab.exec('c', ['sysctl', '-qw', 'net.ipv4.neigh.eth0.locktime=0']);
    lab.banner('a');
    lab.banner('b');
    const conf = (state: 'MASTER' | 'BACKUP', priority: number): string => vrrpConf({ state, priority, version: c.version, advertInt: c.advertInt });
    const B = new LabDirector(lab, 'b', impl, conf('BACKUP', 100)).start();
    const A = new LabDirector(lab, 'a', impl, conf('MASTER', 255)).start();
    const w = watcher(lab, addon);
    await w.waitFor(/^ready$/, 10_000);
    const out: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await oneRun(lab, A, B, w, c, mode).catch((e: unknown) => {
        const tail = (d: LabDirector): string => `--- ${d.label}\n${(d.proc?.lines ?? []).slice(-40).join('\n')}`;
        throw new Error(`${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n${tail(A)}\n${tail(B)}`);
      });
      out.push(s);
      process.stderr.write(`  ${impl} ${c.name} ${mode} run ${i + 1}: ${s.fromDeathMs.toFixed(1)} ms (excess ${s.excessMs.toFixed(1)} ms)\n`);
      await sleep(200);
    }
    return out;
  } finally {
    lab.close();
  }
}

async function main(): Promise<number> {
  const problem = privilegeProblem({ keepalived: IMPLS.includes('keepalived') });
  const native = loadNative();
  if (problem || !native.ok) {
    console.error(`bench:failover cannot run: ${problem ?? (native.ok ? '' : native.reason)}`);
    return 1;
  }
  if (spawnSync('curl', ['--version']).status !== 0) {
    console.error('bench:failover needs curl in the client namespace');
    return 1;
  }
  const rows: string[][] = [['implementation', 'case', 'death', 'runs', 'median ms', 'worst ms', 'theory ms', 'median excess', 'worst excess']];
  const results = new Map<string, Sample[]>();
  for (const c of CASES.filter((x) => CASE_NAMES.includes(x.name))) {
    for (const mode of MODES) {
      for (const impl of IMPLS) {
        const s = await series(impl, c, mode, native.path);
        results.set(`${impl}/${c.name}/${mode}`, s);
        const from = s.map((x) => x.fromDeathMs);
        const ex = s.map((x) => x.excessMs);
        rows.push([
          impl, c.label, mode === 'kill' ? 'kill -9' : 'clean stop', String(s.length), median(from).toFixed(1), Math.max(...from).toFixed(1),
          (mode === 'kill' ? c.masterDownMs : c.skewMs).toFixed(1), median(ex).toFixed(1), Math.max(...ex).toFixed(1),
        ]);
      }
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('\nFailover: time from the master\'s death to the VIP answering on the backup');
  console.log('(theory: kill -9 = master-down interval after the last advert, measured from it; clean stop = skew time)\n');
  for (const r of rows) console.log(r.map((x, i) => (i < 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  '));
  for (const c of CASE_NAMES) {
    for (const mode of MODES) {
      const t = results.get(`tsvs/${c}/${mode}`);
      const k = results.get(`keepalived/${c}/${mode}`);
      if (!t) continue;
      const worst = Math.max(...t.map((x) => x.excessMs));
      const verdict = [`within 20 ms of theory: ${worst <= 20 ? 'yes' : 'NO'} (worst excess ${worst.toFixed(1)} ms)`];
      if (k) verdict.push(`not slower than keepalived (median): ${median(t.map((x) => x.fromDeathMs)) <= median(k.map((x) => x.fromDeathMs)) ? 'yes' : 'NO'}`);
      console.log(`tsvs ${c} ${mode}: ${verdict.join('; ')}`);
    }
  }
  return 0;
}

process.exitCode = await main();
