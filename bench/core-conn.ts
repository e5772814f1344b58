/**
 * Connection-table benchmark (src/core/conn): insert and lookup rates with 1,000,000 live
 * entries, memory per entry, the per-packet decision on the established and new-connection
 * paths, and the expiry cost per second of simulated time.
 *
 * Run: node --expose-gc --import tsx bench/core-conn.ts
 * (without --expose-gc the collector is reached through v8.setFlagsFromString, see getGc).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Ipvs } from '../src/core/ipvs.js';
import { ConnTable } from '../src/core/conn/conn-table.js';
import { ConnEngine } from '../src/core/conn/engine.js';
import { PROTO } from '../src/core/conn/flags.js';
import { PacketMeta } from '../src/core/conn/packet.js';
import { TCP_FLAG } from '../src/core/conn/tcp-table.js';

export interface ConnBenchRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

const N = 1_000_000;
const VIP = 0x0a000064; // 10.0.0.100

function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

function memNow(gc: (() => void) | null): number {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  // Typed arrays live outside the JS heap (arrayBuffers is part of external).
  return m.heapUsed + m.external;
}

/** Client i: 11.x.y.z with 64 ports each, so keys spread like real traffic. */
function clientAddr(i: number): number {
  return (0x0b000000 + (i >>> 6)) >>> 0;
}
function clientPort(i: number): number {
  return 1024 + (i & 63) * 900 + (i % 7);
}

/** A deterministic permutation of 0..n-1 (LCG-driven Fisher-Yates), for random-order lookups. */
function permutation(n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let s = 12345;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

function benchTable(rows: ConnBenchRow[]): void {
  const t = new ConnTable({ initialCapacity: 1024, maxEntries: 1 << 22 });
  const c = new Uint32Array(4);
  const v = new Uint32Array([VIP, 0, 0, 0]);
  const d = new Uint32Array([0xc0a8010b, 0, 0, 0]);
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const idx = t.alloc();
    c[0] = clientAddr(i);
    t.setKey(idx, 4, PROTO.TCP, c, 0, clientPort(i), v, 0, 80);
    t.setDestAddr(idx, 4, d, 0, 80);
    t.hash(idx);
  }
  let ms = performance.now() - t0;
  rows.push({ metric: 'table insert (alloc+key+hash), growing to 1M', value: Math.round(N / (ms / 1000)), unit: 'ops/s', note: `${ms.toFixed(0)} ms for 1,000,000` });
  const perm = permutation(N);
  let found = 0;
  t0 = performance.now();
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < N; k++) {
      const i = perm[k]!;
      c[0] = clientAddr(i);
      if (t.lookupIn(4, PROTO.TCP, c, clientPort(i), v, 80) >= 0) found++;
    }
  }
  ms = performance.now() - t0;
  if (found !== 3 * N) throw new Error(`lookups found ${found}`);
  rows.push({ metric: 'table lookup (request direction), 1M live, random order', value: Math.round((3 * N) / (ms / 1000)), unit: 'ops/s', note: '3,000,000 hits' });
  t0 = performance.now();
  let miss = 0;
  for (let k = 0; k < N; k++) {
    c[0] = clientAddr(k) ^ 0x00800000;
    if (t.lookupIn(4, PROTO.TCP, c, clientPort(k), v, 80) < 0) miss++;
  }
  ms = performance.now() - t0;
  rows.push({ metric: 'table lookup miss, 1M live', value: Math.round(miss / (ms / 1000)), unit: 'ops/s', note: '' });
}

function newEngine(): { ipvs: Ipvs; engine: ConnEngine } {
  const ipvs = new Ipvs();
  const key = { kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.100', port: 80 } as const;
  ipvs.apply({ type: 'add-service', service: { key, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' } });
  for (let r = 1; r <= 4; r++) {
    ipvs.apply({ type: 'add-dest', service: key, dest: { family: 4, addr: `192.168.1.${r}`, port: 80, fwd: 'nat', weight: 1, uThreshold: 0, lThreshold: 0, tunType: 'ipip', tunPort: 0, tunFlags: 'nocsum' } });
  }
  return { ipvs, engine: new ConnEngine(ipvs, { initialCapacity: 1024, maxEntries: 1 << 22 }) };
}

function packet(m: PacketMeta, i: number, flags: number): void {
  m.saddr[0] = clientAddr(i);
  m.sport = clientPort(i);
  m.tcpFlags = flags;
}

function benchEngine(rows: ConnBenchRow[], gc: (() => void) | null): void {
  const before = memNow(gc);
  const { engine } = newEngine();
  const m = new PacketMeta();
  m.set(PROTO.TCP, '11.0.0.1', 1, '10.0.0.100', 80);
  m.ipLength = 60;
  // New connections: SYNs spread over 60 s of simulated time.
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    packet(m, i, TCP_FLAG.SYN);
    if (engine.process(m, (i * 60_000) / N).kind !== 'forward') throw new Error('SYN not forwarded');
  }
  let ms = performance.now() - t0;
  rows.push({ metric: 'decide: new TCP connection (lookup miss, service, rr, create)', value: Math.round(N / (ms / 1000)), unit: 'pkts/s', note: `table grows to 1M` });
  const after = memNow(gc);
  rows.push({
    metric: 'memory per live entry at 1M (table + index + timer wheel)',
    value: Math.round((after - before) / N),
    unit: 'bytes',
    note: gc ? 'heapUsed+external delta after gc' : 'no gc available: includes garbage',
  });
  const t = engine.conns.table;
  rows.push({
    metric: 'typed arrays per live entry at 1M (computed)',
    value: Math.round((t.bytes + engine.conns.wheel.bytes) / N),
    unit: 'bytes',
    note: `capacity ${t.capacity.toLocaleString('en-US')} slots`,
  });
  // Established path: ACKs in random order move every entry to ESTABLISHED, then data packets.
  const perm = permutation(N);
  let now = 60_000;
  t0 = performance.now();
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < N; k++) {
      packet(m, perm[k]!, round === 0 ? TCP_FLAG.ACK : TCP_FLAG.ACK | TCP_FLAG.PSH);
      now += 0.001;
      if (engine.process(m, now).kind !== 'forward') throw new Error('ACK not forwarded');
    }
  }
  ms = performance.now() - t0;
  rows.push({ metric: 'decide: established TCP packet (lookup, stats, state, re-arm)', value: Math.round((3 * N) / (ms / 1000)), unit: 'pkts/s', note: '1M live, random order' });

  // Expiry: entries last seen spread over 3 s expire ESTABLISHED (900 s) after that; step the
  // clock a second at a time through the window where they all fall due.
  const live0 = engine.conns.connCount;
  now = Math.ceil(now);
  let t1 = performance.now();
  let idle = 0;
  for (let s = 0; s < 60; s++) {
    now += 1000;
    engine.advance(now);
    idle++;
  }
  const idleMs = (performance.now() - t1) / idle;
  rows.push({ metric: 'expiry: advance(1 s) with 1M armed, none due', value: Number(idleMs.toFixed(3)), unit: 'ms/sim-s', note: '' });
  now = 60_000 + 900_000 - 1000;
  let steps = 0;
  t1 = performance.now();
  while (engine.conns.connCount > 0) {
    now += 1000;
    engine.advance(now);
    steps++;
  }
  const total = performance.now() - t1;
  rows.push({ metric: 'expiry: advance(1 s) while ~1M entries fall due', value: Number((total / steps).toFixed(2)), unit: 'ms/sim-s', note: `${live0} expired over ${steps} s: ${((total * 1000) / live0).toFixed(2)} us/entry` });
}

export async function runConnBench(): Promise<ConnBenchRow[]> {
  const rows: ConnBenchRow[] = [];
  const gc = getGc();
  benchTable(rows);
  benchEngine(rows, gc);
  return rows;
}

function printTable(rows: readonly ConnBenchRow[]): void {
  const w = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) console.log(`${r.metric.padEnd(w)}  ${r.value.toLocaleString('en-US').padStart(12)} ${r.unit.padEnd(9)} ${r.note}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await runConnBench());
}
