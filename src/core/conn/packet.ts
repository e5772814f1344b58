/**
 * The per-packet interface of the connection code: a reusable packet-metadata object that the
 * data plane fills from decoded headers, and a reusable verdict that the decision writes.
 * Neither is allocated per packet; a verdict is valid until the next decision.
 */
import type { Family } from '../addr.js';
import type { Destination, FwdMethod } from '../model.js';
import { textToWords } from './addr-words.js';

export type Direction = 'in' | 'out';

export class PacketMeta {
  family: Family = 4;
  /** IP protocol number (6 TCP, 17 UDP, 132 SCTP; others are passed). */
  protocol = 0;
  /** Source and destination address as 4 big-endian words (IPv4: word 0, others 0). */
  readonly saddr = new Uint32Array(4);
  sport = 0;
  readonly daddr = new Uint32Array(4);
  dport = 0;
  /** Packet mark (fwmark services), 0 for none. */
  fwmark = 0;
  /** TCP flag bits as on the wire (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10). */
  tcpFlags = 0;
  /** SCTP: type of the first chunk, and of the chunk bundled after it (-1 when none). */
  sctpChunk = -1;
  sctpNextChunk = -1;
  /** Length of the whole IP packet in bytes (what inbytes/outbytes count). */
  ipLength = 0;
  /** 'in': client → virtual service; 'out': real server → client (NAT replies). */
  direction: Direction = 'in';
  /** A non-first fragment: never creates or reuses an entry. */
  fragment = false;

  /** Convenience for tests and tools: set the endpoints from address text. */
  set(protocol: number, saddr: string, sport: number, daddr: string, dport: number): this {
    this.protocol = protocol;
    this.family = textToWords(saddr, this.saddr);
    textToWords(daddr, this.daddr);
    this.sport = sport;
    this.dport = dport;
    return this;
  }
}

/**
 * Why a packet was dropped or answered with ICMP, one counter each:
 * - dest-unavailable: its entry's destination was deleted and expire_nodest_conn is 0 (§3.1.5);
 * - table-full: no room for a new entry (the kernel's allocation failure);
 * - no-destination: the scheduler found no destination, ICMP port unreachable (§9.4);
 * - nat-no-entry: a NAT real server sent a non-RST packet with no entry, nat_icmp_send=1 (§3.1).
 */
export const DROP_REASONS = ['dest-unavailable', 'table-full', 'no-destination', 'nat-no-entry'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export type DropCounters = Record<DropReason, number>;

export function newDropCounters(): DropCounters {
  return { 'dest-unavailable': 0, 'table-full': 0, 'no-destination': 0, 'nat-no-entry': 0 };
}

/**
 * - forward: send the request on by `fwd` to `daddr`:`dport` (NAT rewrites to them; DR/TUN keep
 *   the packet and use `daddr` as next hop / tunnel end; bypass: the original destination);
 * - reply: a NAT reply; rewrite the source to `saddr`:`sport` (the VIP) and send it to the client;
 * - pass: not IPVS traffic, let the local stack have it;
 * - drop: discard (see `reason`);
 * - icmp-unreachable: answer ICMP(v6) port unreachable to the sender and discard.
 */
export type VerdictKind = 'forward' | 'reply' | 'pass' | 'drop' | 'icmp-unreachable';

export class Verdict {
  kind: VerdictKind = 'pass';
  reason: DropReason | null = null;
  /** The entry the packet belongs to, -1 when none is kept (one-packet scheduling, pass, drop). */
  entry = -1;
  dest: Destination | null = null;
  fwd: FwdMethod = 'nat';
  /** Family of `daddr` (tunnels may cross families). */
  family: Family = 4;
  readonly daddr = new Uint32Array(4);
  dport = 0;
  readonly saddr = new Uint32Array(4);
  sport = 0;

  reset(): this {
    this.kind = 'pass';
    this.reason = null;
    this.entry = -1;
    this.dest = null;
    return this;
  }
}
