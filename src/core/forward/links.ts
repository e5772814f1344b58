/**
 * The director's links (interfaces) as the forwarding path sees them: each with its MAC (the
 * source of frames sent on it), MTU (the size check of every packet sent on it), own IPv4 address (tunnel source, ARP
 * and ICMP source), own global IPv6 address (IPv6 tunnel source) and its neighbours. Index 0 is the only link of a one-interface director.
 */
import { parseIPv4, parseIPv6Groups } from '../addr.js';
import { Neighbours } from './neighbours.js';

export interface LinkOptions {
  /** Interface name, for status output only. */
  readonly name?: string;
  readonly mac: Uint8Array;
  /** Link MTU (bytes of IP packet), 1500 by default. */
  readonly mtu?: number;
  /** The director's own IPv4 address on the link. */
  readonly address?: string;
  /** The director's own global IPv6 address on the link (source of IPv6 tunnel packets). */
  readonly address6?: string;
  readonly neighbours?: Neighbours;
}

export class Link {
  readonly name: string;
  readonly mac: Uint8Array;
  readonly mtu: number;
  readonly neighbours: Neighbours;
  /** Own IPv4 address as a number, and as 4 bytes; null when the link has none. */
  readonly address: number | null;
  readonly addressBytes: Uint8Array | null;
  /** Own global IPv6 address as 16 bytes; null when the link has none. */
  readonly address6Bytes: Uint8Array | null;

  constructor(
    readonly index: number,
    opts: LinkOptions,
  ) {
    this.name = opts.name ?? `link${index}`;
    this.mac = opts.mac;
    this.mtu = opts.mtu ?? 1500;
    this.neighbours = opts.neighbours ?? new Neighbours();
    this.address = opts.address === undefined ? null : parseIPv4(opts.address);
    const a = this.address;
    this.addressBytes = a === null ? null : Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff);
    const g = opts.address6 === undefined ? null : parseIPv6Groups(opts.address6);
    this.address6Bytes = g === null ? null : Uint8Array.from(g.flatMap((x) => [x >>> 8, x & 0xff]));
  }
}
