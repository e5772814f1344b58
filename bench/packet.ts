/**
 * Packet-engine benchmark, part 1: forwarding rate of the pure path (src/core/forward) on
 * replayed frames, one core. 10,000 established TCP connections; each measured frame is a
 * 64-byte-on-the-wire ACK from a client to the VIP (60 bytes without FCS), decided and rewritten
 * by DR, NAT and TUN in turn, plus the NAT reply direction. Every iteration copies the pristine
 * frame into the working buffer first (as a receive ring hands over a fresh frame), and that copy
 * is part of the measured time.
 *
 * Run: node --import tsx bench/packet.ts [seconds-per-row] [end-to-end runs]
 * Part 2 (bench/packet-e2e.ts: end to end through network namespaces with wrk, against nftables)
 * and part 3 (bench/packet-ring.ts: the native receive ring under a flood) need root and the
 * native addon; without them they say why they did not run.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Lab } from '../src/core/conn/testkit.js';
import { Forwarder } from '../src/core/forward/forwarder.js';
import { Neighbours } from '../src/core/forward/neighbours.js';
import type { FwdMethod } from '../src/core/model.js';
import { macBytes } from '../src/wire/bytes.js';
import { PacketBuilder } from '../src/wire/packet-builder.js';
import { formatE2e, runE2e } from './packet-e2e.js';
import { formatRingFlood, runRingFlood } from './packet-ring.js';

export interface PacketBenchRow {
  readonly mode: string;
  readonly mpps: number;
  readonly nsPerFrame: number;
  readonly frames: number;
}

const FLOWS = 10_000;
const DIRECTOR = '02:00:00:00:00:d1';
const GATEWAY = '02:00:00:00:00:9a';

function clientAddr(i: number): string {
  return `10.${1 + (i >>> 16)}.${(i >>> 8) & 0xff}.${i & 0xff}`;
}

function setup(fwd: FwdMethod): { fw: Forwarder; lab: Lab } {
  const lab = new Lab();
  const svc = lab.service('tcp 10.0.0.100:80');
  const port = fwd === 'nat' ? 8080 : 80;
  lab.dest(svc, `10.0.0.11:${port}`, { fwd });
  lab.dest(svc, `10.0.0.12:${port}`, { fwd });
  const nb = new Neighbours();
  nb.set('10.0.0.11', macBytes('02:00:00:00:00:01'));
  nb.set('10.0.0.12', macBytes('02:00:00:00:00:02'));
  nb.gateway = macBytes(GATEWAY);
  const fw = new Forwarder(lab.engine, { mac: macBytes(DIRECTOR), address: '10.0.0.2', neighbours: nb });
  return { fw, lab };
}

function frame(i: number, flags: string): Uint8Array {
  return new PacketBuilder()
    .eth({ src: GATEWAY, dst: DIRECTOR })
    .ipv4({ src: clientAddr(i), dst: '10.0.0.100', id: i & 0xffff })
    .tcp({ sport: 10000 + (i % 50000), dport: 80, flags, seq: 1, ack: 1 })
    .payload(new Uint8Array(6))
    .build();
}

function measure(mode: string, fw: Forwarder, frames: readonly Uint8Array[], seconds: number): PacketBenchRow {
  const work = new Uint8Array(2048);
  const n = frames.length;
  let count = 0;
  let now = 1000;
  // Warm up the JIT on the same path first.
  for (let i = 0; i < 200_000; i++) {
    const f = frames[i % n]!;
    work.set(f);
    fw.process(work, f.length, now);
  }
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let t = t0;
  while (t < deadline) {
    for (let i = 0; i < 100_000; i++) {
      const f = frames[(count + i) % n]!;
      work.set(f);
      if (fw.process(work, f.length, now).action !== 'transmit') throw new Error(`${mode}: frame not forwarded`);
    }
    count += 100_000;
    now += 1;
    t = performance.now();
  }
  const ns = ((t - t0) * 1e6) / count;
  return { mode, mpps: 1000 / ns, nsPerFrame: ns, frames: count };
}

export function runPacketBench(seconds = 1): PacketBenchRow[] {
  const rows: PacketBenchRow[] = [];
  for (const fwd of ['dr', 'nat', 'tun'] as const) {
    const { fw } = setup(fwd);
    for (let i = 0; i < FLOWS; i++) fw.process(frame(i, 'S'), 60, 0);
    const acks = Array.from({ length: FLOWS }, (_, i) => frame(i, 'A'));
    rows.push(measure(`${fwd} in`, fw, acks, seconds));
    if (fwd === 'nat') {
      // Replies of the same connections from the real servers.
      const replies = Array.from({ length: FLOWS }, (_, i) => {
        const back = new PacketBuilder()
          .eth({ src: '02:00:00:00:00:01', dst: DIRECTOR })
          .ipv4({ src: (i & 1) === 0 ? '10.0.0.12' : '10.0.0.11', dst: clientAddr(i) })
          .tcp({ sport: 8080, dport: 10000 + (i % 50000), flags: 'A', seq: 1, ack: 1 })
          .payload(new Uint8Array(6))
          .build();
        return back;
      });
      rows.push(measure('nat reply', fw, replies, seconds));
    }
  }
  return rows;
}

function format(rows: readonly PacketBenchRow[]): string {
  const lines = ['| mode | Mpps (1 core) | ns/frame | frames |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.mode} | ${r.mpps.toFixed(2)} | ${r.nsPerFrame.toFixed(0)} | ${r.frames} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = Number(process.argv[2] ?? 1);
  console.log(`packet engine, pure path, ${FLOWS} established connections, 60-byte frames (node ${process.version})`);
  console.log(format(runPacketBench(seconds)));
  const runs = Number(process.argv[3] ?? 3);
  const e2e = runs > 0 ? await runE2e(seconds * 3, runs) : 'asked for 0 runs';
  if (typeof e2e === 'string') console.log(`\nPart 2 (namespaces, wrk): not run — ${e2e}`);
  else console.log(`\nPart 2: ${formatE2e(e2e)}`);
  const flood = await runRingFlood(seconds * 2, 2);
  if (typeof flood === 'string') console.log(`\nPart 3 (receive ring under a flood): not run — ${flood}`);
  else console.log(`\nPart 3: the receive ring alone under a flood of 60-byte frames on a veth pair (${seconds * 2} s per row)\n${formatRingFlood(flood)}`);
}
