/**
 * The offline backend of the packet engine: frames read from a pcap file go through the same
 * forwarding path as frames from AF_PACKET; what it transmits is written to another pcap file
 * (and, optionally, what it passes to the host to a third), with the input's timestamps. The
 * clock is the capture's: `now` is the record time relative to the first record.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Forwarder } from '../../core/forward/forwarder.js';
import { decodePcap, encodePcap, pcapLength, PCAP_LINKTYPE_ETHERNET, type PcapRecord } from '../../wire/pcap.js';

export interface ReplayResult {
  readonly transmitted: PcapRecord[];
  readonly passed: PcapRecord[];
  /** Drops per reason in this replay. */
  readonly dropped: Record<string, number>;
}

/** Run records through `fw`; `startMs` is the engine time of the first record. */
export function replayRecords(fw: Forwarder, records: readonly PcapRecord[], startMs = 0): ReplayResult {
  const transmitted: PcapRecord[] = [];
  const passed: PcapRecord[] = [];
  const dropped: Record<string, number> = {};
  const t0 = records[0]?.timeUs ?? 0;
  for (const r of records) {
    const now = startMs + (r.timeUs - t0) / 1000;
    fw.engine.advance(now);
    const frame = r.data.slice();
    const v = fw.process(frame, frame.length, now);
    if (v.action === 'transmit') {
      const data = v.frame.slice(0, v.length);
      transmitted.push({ timeUs: r.timeUs, originalLength: data.length, data });
    } else if (v.action === 'pass') {
      passed.push(r);
    } else {
      const reason = v.reason ?? 'unknown';
      dropped[reason] = (dropped[reason] ?? 0) + 1;
    }
  }
  return { transmitted, passed, dropped };
}

export function pcapBytes(records: readonly PcapRecord[]): Uint8Array {
  const f = { linkType: PCAP_LINKTYPE_ETHERNET, snapLength: 262144, records };
  const out = new Uint8Array(pcapLength(f));
  encodePcap(f, out, 0);
  return out;
}

export async function readPcapFile(path: string): Promise<PcapRecord[]> {
  const d = decodePcap(new Uint8Array(await readFile(path)));
  if (!d.ok) throw new Error(`${path}: ${d.reason}`);
  if (d.value.linkType !== PCAP_LINKTYPE_ETHERNET) throw new Error(`${path}: link type ${d.value.linkType} is not Ethernet`);
  return [...d.value.records];
}

/** Read `inPath`, forward, write transmitted frames to `outPath` (and passed ones to `hostPath`). */
export async function replayPcapFile(fw: Forwarder, inPath: string, outPath: string, hostPath?: string): Promise<ReplayResult> {
  const r = replayRecords(fw, await readPcapFile(inPath));
  await writeFile(outPath, pcapBytes(r.transmitted));
  if (hostPath) await writeFile(hostPath, pcapBytes(r.passed));
  return r;
}
