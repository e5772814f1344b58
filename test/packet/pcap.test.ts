import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pcapBytes, readPcapFile, replayPcapFile } from '../../src/adapters/packet/pcap.js';
import { decodePcap } from '../../src/wire/pcap.js';
import { director, fromClient, IP, toHex } from './kit.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

test('pcap: exact little-endian µs layout; big-endian and nanosecond files are read', () => {
  const rec = { timeUs: 1_700_000_000_123_456, originalLength: 3, data: hex('aabbcc') };
  const b = pcapBytes([rec]);
  assert.equal(toHex(b), 'd4c3b2a1 0200 0400 00000000 00000000 00000400 01000000 00f15365 40e20100 03000000 03000000 aabbcc'.replace(/ /g, ''));
  const d = decodePcap(b);
  assert.ok(d.ok);
  assert.deepEqual(d.value.records, [rec]);
  const beNs = hex('a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000001' + '00000002 000003e8 00000001 00000001 ff');
  const n = decodePcap(beNs);
  assert.ok(n.ok);
  assert.deepEqual(n.value.records, [{ timeUs: 2_000_001, originalLength: 1, data: hex('ff') }]);
  assert.deepEqual(decodePcap(hex('00112233')), { ok: false, reason: 'short-pcap-header' });
  assert.deepEqual(decodePcap(b.subarray(0, b.length - 1)), { ok: false, reason: 'truncated-record' });
});

test('offline backend: pcap in → forwarded frames out, passed frames to the host file, drops counted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsvs-pcap-'));
  try {
    const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:8080`]: { fwd: 'nat' } });
    const syn = fromClient().ipv4({ src: IP.client, dst: IP.vip }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
    const other = fromClient().ipv4({ src: IP.client, dst: '10.0.0.7' }).tcp({ sport: 1, dport: 22, flags: 'S' }).build();
    const broken = syn.subarray(0, 20);
    await writeFile(join(dir, 'in.pcap'), pcapBytes([syn, other, broken].map((data, i) => ({ timeUs: 1_000_000 + i * 1000, originalLength: data.length, data }))));
    const r = await replayPcapFile(d.fw, join(dir, 'in.pcap'), join(dir, 'out.pcap'), join(dir, 'host.pcap'));
    assert.deepEqual(r.dropped, { 'short-ipv4': 1 });
    const out = await readPcapFile(join(dir, 'out.pcap'));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.timeUs, 1_000_000);
    // The frame went to rs1:8080 (bytes 30..33 destination address, 36..37 destination port).
    assert.equal(toHex(out[0]!.data.subarray(30, 38)), '0a00000b9c401f90');
    const host = await readPcapFile(join(dir, 'host.pcap'));
    assert.deepEqual(host.map((h) => toHex(h.data)), [toHex(other)]);
    assert.ok((await readFile(join(dir, 'out.pcap'))).length > 24);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
