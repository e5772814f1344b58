/**
 * Socket events → the packets IPVS would have seen. A proxied flow knows its client, virtual
 * service and real server endpoints as address words; the feeder writes them into one reusable
 * {@link PacketMeta} (nothing is allocated per event) and asks the connection engine for a verdict.
 *
 * COMPAT(ipvsadm): `ipLength` is the payload length of a read (0 for synthetic SYN/FIN/ACK/RST
 * segments), so inbytes/outbytes count exact payload bytes; IPVS counts whole IP packets
 * (headers included). inpkts/outpkts count the segments fed here: one per synthetic segment and
 * one per read operation, not wire packets (a socket proxy cannot see those).
 */
import type { Family } from '../../core/addr.js';
import type { ConnEngine } from '../../core/conn/engine.js';
import { PacketMeta, type Direction, type Verdict } from '../../core/conn/packet.js';
import { textToWords } from '../../core/conn/addr-words.js';
import type { Clock } from '../../core/ports.js';

/** TCP flag combinations of the synthetic segments. */
export const SEG = {
  SYN: 0x02,
  SYN_ACK: 0x12,
  ACK: 0x10,
  /** Data segment: PSH|ACK. */
  DATA: 0x18,
  FIN: 0x11,
  RST: 0x04,
} as const;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** The endpoints of one proxied flow (TCP connection or UDP session). */
export interface FlowEnds {
  readonly family: Family;
  /** Client address words and port. */
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  cport: number;
  /** Virtual address words (shared with the listener) and port. */
  readonly vip: Uint32Array;
  readonly vport: number;
  /** Real server address words and port, from the verdict that created the entry. */
  d0: number;
  d1: number;
  d2: number;
  d3: number;
  dport: number;
}

const scratch = new Uint32Array(4);

/**
 * Dotted IPv4 text to its 32-bit value, or -1. Hand-rolled: called per accepted connection and
 * per client datagram, where the general parser's allocation would show.
 */
export function ipv4Word(s: string): number {
  let word = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      word = word * 256 + part;
      part = 0;
      digits = 0;
    } else if (ch >= 48 && ch <= 57 && digits < 3) {
      part = part * 10 + (ch - 48);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return word * 256 + part;
}

/** Set the client endpoint of `f` from socket address text; false when it is not of `f.family`. */
export function setClient(f: FlowEnds, address: string, port: number): boolean {
  if (f.family === 4) {
    const w = ipv4Word(address);
    if (w < 0) return false;
    f.c0 = w;
    f.c1 = f.c2 = f.c3 = 0;
  } else {
    if (address.indexOf(':') < 0 || textToWords(address, scratch) !== 6) return false;
    f.c0 = scratch[0]!;
    f.c1 = scratch[1]!;
    f.c2 = scratch[2]!;
    f.c3 = scratch[3]!;
  }
  f.cport = port;
  return true;
}

/** Record the real server of a forward verdict in `f`. */
export function setServer(f: FlowEnds, v: Verdict): void {
  f.d0 = v.daddr[0]!;
  f.d1 = v.daddr[1]!;
  f.d2 = v.daddr[2]!;
  f.d3 = v.daddr[3]!;
  f.dport = v.dport;
}

export class Feeder {
  private readonly m = new PacketMeta();

  constructor(
    readonly engine: ConnEngine,
    private readonly clock: Clock,
  ) {
    this.m.fwmark = 0;
    this.m.fragment = false;
    this.m.sctpChunk = -1;
    this.m.sctpNextChunk = -1;
  }

  /** A client → virtual service segment or datagram. */
  in(f: FlowEnds, protocol: number, tcpFlags: number, len: number): Verdict {
    const m = this.m;
    const v = f.vip;
    setWords(m.saddr, f.c0, f.c1, f.c2, f.c3);
    m.sport = f.cport;
    setWords(m.daddr, v[0]!, v[1]!, v[2]!, v[3]!);
    m.dport = f.vport;
    return this.process(f, protocol, 'in', tcpFlags, len);
  }

  /** A real server → client segment or datagram (what NAT would rewrite). */
  out(f: FlowEnds, protocol: number, tcpFlags: number, len: number): Verdict {
    const m = this.m;
    setWords(m.saddr, f.d0, f.d1, f.d2, f.d3);
    m.sport = f.dport;
    setWords(m.daddr, f.c0, f.c1, f.c2, f.c3);
    m.dport = f.cport;
    return this.process(f, protocol, 'out', tcpFlags, len);
  }

  /** The rest of the reused packet (its addresses and ports already set), then the verdict. */
  private process(f: FlowEnds, protocol: number, direction: Direction, tcpFlags: number, len: number): Verdict {
    const m = this.m;
    m.family = f.family;
    m.protocol = protocol;
    m.direction = direction;
    m.tcpFlags = tcpFlags;
    m.ipLength = len;
    return this.engine.process(m, this.clock.now());
  }
}

/** Write four address words in place (plain arguments: nothing is allocated per event). */
function setWords(a: Uint32Array, w0: number, w1: number, w2: number, w3: number): void {
  a[0] = w0;
  a[1] = w1;
  a[2] = w2;
  a[3] = w3;
}
