/**
 * Local addresses for ha_suspend: keepalived follows netlink address events; tsvs polls the
 * interface list (os.networkInterfaces) once a second while anyone listens, and reports each
 * appearance and disappearance of an address.
 */
import { networkInterfaces } from 'node:os';
import type { TimerHandle, Timers } from '../../core/ports.js';
import type { AddressWatch } from '../../engine/health/ports.js';

export const ADDRESS_POLL_MS = 1000;

/** Address → how many interfaces carry it. */
export function localAddresses(): Map<string, number> {
  const out = new Map<string, number>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const addr = a.address.replace(/%.*$/, '');
      out.set(addr, (out.get(addr) ?? 0) + 1);
    }
  }
  return out;
}

export class InterfaceAddresses implements AddressWatch {
  private known = localAddresses();
  private readonly listeners = new Set<(address: string, delta: 1 | -1) => void>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly timers: Timers,
    private readonly read: () => Map<string, number> = localAddresses,
  ) {}

  count(address: string): number {
    return this.read().get(address) ?? 0;
  }

  subscribe(changed: (address: string, delta: 1 | -1) => void): () => void {
    this.listeners.add(changed);
    if (!this.timer) {
      this.known = this.read();
      this.poll();
    }
    return () => {
      this.listeners.delete(changed);
      if (this.listeners.size === 0 && this.timer) {
        this.timers.clear(this.timer);
        this.timer = null;
      }
    };
  }

  private poll(): void {
    this.timer = this.timers.set(ADDRESS_POLL_MS, () => {
      const now = this.read();
      const before = this.known;
      this.known = now;
      for (const [addr, n] of now) for (let i = before.get(addr) ?? 0; i < n; i++) this.emit(addr, 1);
      for (const [addr, n] of before) for (let i = now.get(addr) ?? 0; i < n; i++) this.emit(addr, -1);
      if (this.listeners.size > 0) this.poll();
    });
  }

  private emit(address: string, delta: 1 | -1): void {
    for (const l of this.listeners) l(address, delta);
  }
}
