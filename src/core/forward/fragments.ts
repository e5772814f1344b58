/**
 * Fragments after the first carry no ports, so they cannot be matched to a connection. IPVS
 * reassembles before deciding; the packet engine instead remembers what it did with the first
 * fragment (keyed by addresses, protocol and IP ID) and does the same to the rest.
 * COMPAT(ipvsadm): a later fragment that arrives before the first one is passed to the host
 * instead of waiting for reassembly; IPVS would hold it until the datagram is complete.
 */
import type { Destination, FwdMethod } from '../model.js';
import type { FrameView } from './frame-view.js';

/** How long a first fragment's decision is kept (ipfrag_time, 30 s). */
export const FRAGMENT_TTL_MS = 30_000;
const MAX_ENTRIES = 4096;

export interface FragmentDecision {
  /** 'forward': a request to a real server; 'reply': a NAT reply to the client. */
  readonly kind: 'forward' | 'reply';
  readonly fwd: FwdMethod;
  /** forward: the real server's address; reply: the virtual address (new source). */
  readonly addr: Uint32Array;
  readonly family: 4 | 6;
  /** The destination (stats are counted on it); null when it is gone. */
  readonly dest: Destination | null;
  readonly expires: number;
}

export class FragmentMemory {
  private readonly map = new Map<string, FragmentDecision>();

  static key(f: FrameView): string {
    const b = f.buf;
    const n = f.family === 4 ? 4 : 16;
    let k = `${f.family}|${f.protocol}|${f.fragmentId}|`;
    for (let i = 0; i < n; i++) k += `${b[f.srcAt + i]}.`;
    for (let i = 0; i < n; i++) k += `${b[f.dstAt + i]}.`;
    return k;
  }

  remember(f: FrameView, d: FragmentDecision): void {
    if (this.map.size >= MAX_ENTRIES) {
      // Oldest first: Map iteration is insertion order.
      const first = this.map.keys().next();
      if (!first.done) this.map.delete(first.value);
    }
    this.map.set(FragmentMemory.key(f), d);
  }

  recall(f: FrameView, now: number): FragmentDecision | null {
    const k = FragmentMemory.key(f);
    const d = this.map.get(k);
    if (!d) return null;
    if (d.expires <= now) {
      this.map.delete(k);
      return null;
    }
    return d;
  }

  get size(): number {
    return this.map.size;
  }
}
