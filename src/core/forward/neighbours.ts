/**
 * Next-hop link-layer addresses the forwarding path writes into frames: one entry per on-link
 * address (real servers, the gateway, local clients) and a default (the gateway's MAC) for
 * everything else. The adapter keeps it filled from the kernel's neighbour table or from ARP/ND.
 */
import type { Family } from '../addr.js';
import { textToWords, wordsToText } from '../conn/addr-words.js';

export class Neighbours {
  private readonly v4 = new Map<number, Uint8Array>();
  private readonly v6 = new Map<string, Uint8Array>();
  /** MAC of the default gateway, used for addresses with no entry; null when there is none. */
  gateway: Uint8Array | null = null;

  set(addr: string, mac: Uint8Array): void {
    const w = new Uint32Array(4);
    if (textToWords(addr, w) === 4) this.v4.set(w[0]!, mac);
    else this.v6.set(wordsToText(6, w), mac);
  }

  delete(addr: string): void {
    const w = new Uint32Array(4);
    if (textToWords(addr, w) === 4) this.v4.delete(w[0]!);
    else this.v6.delete(wordsToText(6, w));
  }

  /** The MAC to send to for `addr` (4 words), or null when it is unknown and there is no gateway. */
  lookup(family: Family, addr: ArrayLike<number>): Uint8Array | null {
    const hit = family === 4 ? this.v4.get(addr[0]! >>> 0) : this.v6.get(wordsToText(6, addr));
    return hit ?? this.gateway;
  }

  /** Entries as text for status output, in insertion order. */
  entries(): Array<[string, Uint8Array]> {
    const out: Array<[string, Uint8Array]> = [];
    for (const [k, v] of this.v4) out.push([wordsToText(4, [k, 0, 0, 0]), v]);
    for (const [k, v] of this.v6) out.push([k, v]);
    return out;
  }
}
