/**
 * The director's routes as the forwarding path needs them: which link a frame to an address
 * leaves by and which neighbour it is handed to (the address itself when on-link, else the
 * gateway). Longest prefix wins, as in the kernel's main table; the adapter fills the table
 * from the host's routes and the forwarder only looks up (no allocation per packet).
 */
import { parseIp, type Family } from '../addr.js';
import { anyAddress, inPrefix, parsePrefix, type Prefix } from './prefix.js';

interface Entry {
  readonly prefix: Prefix;
  readonly link: number;
  /** The gateway as 4 words, or null for an on-link prefix. */
  readonly gateway: Uint32Array | null;
}

/** Where one frame goes: the link index and the next hop's address (4 words). */
export class Hop {
  link = 0;
  readonly nextHop = new Uint32Array(4);
}

export class RouteTable {
  private entries: Entry[] = [];

  /**
   * Add `prefix` ("10.0.0.0/24", "10.0.0.5", "default", "2001:db8::/64", "default6") through
   * `link`, via `gateway` (null: on-link). Returns false for text that is not a prefix.
   */
  add(prefix: string, link: number, gateway: string | null): boolean {
    const p = prefix === 'default' ? anyAddress(4) : prefix === 'default6' ? anyAddress(6) : parsePrefix(prefix);
    if (!p) return false;
    let gw: Uint32Array | null = null;
    if (gateway !== null) {
      const g = parseIp(gateway);
      if (!g || g.family !== p.family) return false;
      gw = new Uint32Array(4);
      g.words.forEach((w, i) => (gw![i] = w >>> 0));
    }
    // Longest prefix first; the stable sort keeps the first-added of equal prefixes ahead.
    this.entries = [...this.entries, { prefix: p, link, gateway: gw }].sort((a, b) => b.prefix.len - a.prefix.len);
    return true;
  }

  clear(): void {
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }

  /** Fill `out` for `addr` (4 words); false when no route matches. */
  lookup(family: Family, addr: ArrayLike<number>, out: Hop): boolean {
    for (const e of this.entries) {
      if (e.prefix.family !== family || !inPrefix(e.prefix, addr)) continue;
      out.link = e.link;
      const n = family === 4 ? 1 : 4;
      const src = e.gateway ?? addr;
      for (let i = 0; i < 4; i++) out.nextHop[i] = i < n ? src[i]! >>> 0 : 0;
      return true;
    }
    return false;
  }
}
