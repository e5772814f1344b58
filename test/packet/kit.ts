/**
 * Fixture tables for the forwarding path: a director (Lab + Forwarder) on one segment with a
 * client behind a gateway, and rows of input frame → expected verdict → expected output frame.
 */
import assert from 'node:assert/strict';
import { Lab, type DestOpts } from '../../src/core/conn/testkit.js';
import { Forwarder, type ForwarderOptions } from '../../src/core/forward/forwarder.js';
import { Neighbours } from '../../src/core/forward/neighbours.js';
import type { FrameAction, FrameHow } from '../../src/core/forward/verdict.js';
import { macBytes } from '../../src/wire/bytes.js';
import { internetChecksum } from '../../src/wire/checksum.js';
import { PacketBuilder } from '../../src/wire/packet-builder.js';

export const MAC = {
  director: '02:00:00:00:00:d1',
  gateway: '02:00:00:00:00:9a',
  rs1: '02:00:00:00:00:01',
  rs2: '02:00:00:00:00:02',
} as const;
export const IP = {
  vip: '10.0.0.100',
  director: '10.0.0.2',
  client: '192.168.1.10',
  client2: '192.168.1.20',
  router: '10.0.0.1',
  rs1: '10.0.0.11',
  rs2: '10.0.0.12',
  vip6: '2001:db8::100',
  client6: '2001:db8:1::10',
  rs16: '2001:db8::11',
} as const;

export interface Director {
  readonly lab: Lab;
  readonly fw: Forwarder;
}

/** A director with one service `svc` and destinations (endpoint → options), neighbours known. */
export function director(svc: string, dests: Record<string, DestOpts>, opts: Partial<ForwarderOptions> = {}, service: Parameters<Lab['service']>[1] = {}): Director {
  const lab = new Lab();
  const key = lab.service(svc, service);
  for (const [ep, o] of Object.entries(dests)) lab.dest(key, ep, o);
  const nb = new Neighbours();
  nb.set(IP.rs1, macBytes(MAC.rs1));
  nb.set(IP.rs2, macBytes(MAC.rs2));
  nb.set(IP.rs16, macBytes(MAC.rs1));
  nb.set(IP.router, macBytes(MAC.gateway));
  nb.gateway = macBytes(MAC.gateway);
  const fw = new Forwarder(lab.engine, { mac: macBytes(MAC.director), address: IP.director, neighbours: nb, ...opts });
  return { lab, fw };
}

/** Frames from the client side arrive from the gateway's MAC to the director's. */
export function fromClient(): PacketBuilder {
  return new PacketBuilder().eth({ src: MAC.gateway, dst: MAC.director });
}

export function fromRs1(): PacketBuilder {
  return new PacketBuilder().eth({ src: MAC.rs1, dst: MAC.director });
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export interface Row {
  readonly name: string;
  readonly frame: Uint8Array;
  readonly action: FrameAction;
  readonly how?: FrameHow;
  readonly reason?: string;
  /** Expected transmitted frame (exact bytes). */
  readonly out?: Uint8Array;
  /** Time of the frame (ms), default 0. */
  readonly at?: number;
}

/** Run the rows in order against one director; each row's verdict and output must match exactly. */
export function runRows(d: Director, rows: readonly Row[]): void {
  for (const r of rows) {
    const input = r.frame.slice();
    const v = d.fw.process(input, input.length, r.at ?? 0);
    const got = { action: v.action, how: v.how, reason: v.reason };
    assert.deepEqual(got, { action: r.action, how: r.how ?? '', reason: r.reason ?? null }, r.name);
    if (r.action === 'transmit') {
      assert.ok(r.out, `${r.name}: a transmit row needs an expected frame`);
      assert.equal(toHex(v.frame.subarray(0, v.length)), toHex(r.out), r.name);
    } else if (r.action === 'pass') {
      assert.equal(toHex(input), toHex(r.frame), `${r.name}: a passed frame is untouched`);
    }
  }
}

/** The IP packet of a frame (after a 14-byte Ethernet header). */
export function ipOf(frame: Uint8Array): Uint8Array {
  return frame.subarray(14);
}

/**
 * `frame` as a router sends it on: a copy with the IPv4 TTL or IPv6 hop limit one less and the
 * IPv4 header checksum computed afresh over the whole header (not adjusted, so it checks the
 * forwarder's incremental update). Nothing else changes. An 802.1Q tag is skipped.
 */
export function oneHopLess(frame: Uint8Array): Uint8Array {
  const o = frame.slice();
  const l3 = o[12] === 0x81 && o[13] === 0x00 ? 18 : 14;
  if (o[l3]! >>> 4 === 6) {
    o[l3 + 7]!--;
    return o;
  }
  o[l3 + 8]!--;
  o[l3 + 10] = 0;
  o[l3 + 11] = 0;
  const c = internetChecksum(o, l3, (o[l3]! & 0x0f) << 2);
  o[l3 + 10] = c >>> 8;
  o[l3 + 11] = c & 0xff;
  return o;
}
