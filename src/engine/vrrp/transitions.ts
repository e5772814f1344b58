/**
 * What the VRRP engine tells the rest of the daemon about its instances, beyond log lines:
 * each state transition with the reason it happened (for the event log, so the dashboard and
 * `tsvs status` see even a transition shorter than any polling interval), and the other
 * directors heard in adverts (the cluster picture shows them).
 *
 * The reason comes from what the engine fed the machine when the transition came out of it
 * (a timer, an advert, a link change, a script result, start, reload, stop); the machine's own
 * effects carry only from/to.
 */
import type { Family, InstanceStatus, ReceivedPacket, ScriptOutcome, VrrpState } from '../../core/vrrp/types.js';

export interface VrrpTransition {
  readonly instance: string;
  readonly vrid: number;
  readonly ifname: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: string;
  /** Effective priority right after the transition. */
  readonly priority: number;
  readonly masterAddress: string | null;
  /** Monotonic time of the transition (ms, the engine's clock). */
  readonly at: number;
}

export type TransitionListener = (t: VrrpTransition) => void;

/** What the engine handed the machine: the cause of any transition in the effects that came back. */
export type TransitionCause =
  | { readonly kind: 'start' }
  | { readonly kind: 'reload' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'timer'; readonly instance: string }
  | { readonly kind: 'advert'; readonly packet: ReceivedPacket }
  | { readonly kind: 'interface'; readonly ifname: string; readonly up: boolean }
  | { readonly kind: 'script'; readonly name: string; readonly outcome: ScriptOutcome };

/** Another director as heard in its adverts (or configured as a unicast peer and not heard yet). */
export interface VrrpPeer {
  readonly address: string;
  /** Priority in its last advert; null when never heard. */
  readonly priority: number | null;
  /** Milliseconds since its last advert; null when never heard. */
  readonly heardMsAgo: number | null;
}

interface Heard {
  priority: number;
  at: number;
}

/** VRID and priority of a received advert (IPv4: after the IP header), or null when too short to say. */
export function advertPriority(p: ReceivedPacket): { readonly vrid: number; readonly priority: number } | null {
  const off = p.family === 4 ? ((p.bytes[0] ?? 0) & 0x0f) * 4 : 0;
  if (p.bytes.length < off + 3) return null;
  return { vrid: p.bytes[off + 1]!, priority: p.bytes[off + 2]! };
}

/** Key of a (family, VRID) pair within one interface's map. */
const segment = (family: Family, vrid: number): number => family * 256 + vrid;

/** Sources remembered per (interface, family, VRID): spoofed adverts from many addresses cannot grow memory. */
export const MAX_SOURCES = 8;

function outcomeText(o: ScriptOutcome): string {
  if (o.kind === 'exit') return `exit status ${o.status}`;
  if (o.kind === 'signal') return `signal ${o.signal}`;
  return 'timed out';
}

/**
 * Remembers, per (interface, family, VRID), the last advert of each source: the peers of an
 * instance, and what the master last said before a backup took over.
 */
export class AdvertMemory {
  /** Interface name → (family, VRID) → source → last advert. */
  private readonly heard = new Map<string, Map<number, Map<string, Heard>>>();

  /** Note an advert the machine accepted (called per accepted advert: no allocation once the source is known). */
  note(ifname: string, family: Family, vrid: number, src: string, priority: number, now: number): void {
    let byVrid = this.heard.get(ifname);
    if (!byVrid) this.heard.set(ifname, (byVrid = new Map()));
    let bySource = byVrid.get(segment(family, vrid));
    if (!bySource) byVrid.set(segment(family, vrid), (bySource = new Map()));
    const h = bySource.get(src);
    if (h) {
      h.priority = priority;
      h.at = now;
      return;
    }
    if (bySource.size >= MAX_SOURCES) bySource.delete(this.stalest(bySource));
    bySource.set(src, { priority, at: now });
  }

  private stalest(bySource: ReadonlyMap<string, Heard>): string {
    let oldest: [string, Heard] | null = null;
    for (const e of bySource) if (!oldest || e[1].at < oldest[1].at) oldest = e;
    return oldest![0];
  }

  private of(s: Pick<InstanceStatus, 'ifname' | 'family' | 'vrid'>): ReadonlyMap<string, Heard> | undefined {
    return this.heard.get(s.ifname)?.get(segment(s.family, s.vrid));
  }

  /** Other directors of an instance: heard ones (most recent first), then configured unicast peers not heard. */
  peers(s: Pick<InstanceStatus, 'ifname' | 'family' | 'vrid'>, now: number, unicast: readonly string[], self: ReadonlySet<string>): VrrpPeer[] {
    const heard = [...(this.of(s) ?? new Map<string, Heard>())].filter(([addr]) => !self.has(addr)).sort((a, b) => b[1].at - a[1].at);
    const out: VrrpPeer[] = heard.map(([address, h]) => ({ address, priority: h.priority, heardMsAgo: Math.round(now - h.at) }));
    for (const u of unicast) if (!out.some((p) => p.address === u) && !self.has(u)) out.push({ address: u, priority: null, heardMsAgo: null });
    return out;
  }

  /** Why an instance changed state, in words. `s` is its status after the change. */
  reason(cause: TransitionCause, s: InstanceStatus, from: VrrpState, to: VrrpState): string {
    switch (cause.kind) {
      case 'start':
        return to === 'MASTER' && s.basePriority === 255 ? 'startup as address owner (priority 255)' : 'startup';
      case 'reload':
        return 'configuration reload';
      case 'stop':
        return 'shutdown';
      case 'interface':
        return `interface ${cause.ifname} ${cause.up ? 'up' : 'down'}`;
      case 'script':
        return `track script ${cause.name}: ${outcomeText(cause.outcome)}`;
      case 'timer':
        return cause.instance === s.name ? this.timerReason(s, from, to) : this.syncReason(s, cause.instance);
      case 'advert': {
        const a = advertPriority(cause.packet);
        const own = a !== null && a.vrid === s.vrid && cause.packet.ifname === s.ifname && cause.packet.family === s.family;
        if (!own) return this.syncReason(s, `an advert from ${cause.packet.src}`);
        return `advert from ${cause.packet.src} with priority ${a.priority}`;
      }
    }
  }

  private timerReason(s: InstanceStatus, from: VrrpState, to: VrrpState): string {
    if (!(from === 'BACKUP' && to === 'MASTER')) return 'timer';
    const last = [...(this.of(s) ?? new Map<string, Heard>())].sort((a, b) => b[1].at - a[1].at)[0];
    if (!last) return 'no advert heard within the master-down interval';
    const [addr, h] = last;
    return h.priority === 0 ? `master ${addr} resigned (priority 0)` : `no advert from master ${addr} within the master-down interval`;
  }

  private syncReason(s: InstanceStatus, what: string): string {
    return s.syncGroup ? `sync group ${s.syncGroup} following ${what}` : `following ${what}`;
  }
}
