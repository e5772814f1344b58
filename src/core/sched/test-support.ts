/**
 * Test support for the scheduler suites: builds a virtual service through the real reducer
 * ({@link Ipvs.apply}) so destination order is the kernel's (newest first), names destinations
 * with short labels and turns picks into label strings. Used only by *.test.ts and the bench.
 */
import { foldIp } from '../addr.js';
import { Ipvs } from '../ipvs.js';
import {
  DEST_F,
  type DestSpec,
  type Destination,
  type PickContext,
  type Scheduler,
  type ServiceKey,
  type Sysctls,
  type VirtualService,
} from '../model.js';
import type { Rng } from '../ports.js';
import { SeededRng } from '../rng.js';

export const VIP = '192.0.2.1';
export const VPORT = 80;
export const SERVICE_KEY: ServiceKey = { kind: 'addr', family: 4, protocol: 'tcp', addr: VIP, port: VPORT };

/** Address of a label: "A".."Z" → 10.0.0.1..26, anything else → the next 10.1.x.y. */
function labelAddress(label: string, seq: number): string {
  if (/^[A-Z]$/.test(label)) return `10.0.0.${label.charCodeAt(0) - 64}`;
  return `10.1.${(seq >> 8) & 255}.${seq & 255}`;
}

export function destSpec(addr: string, weight: number, port = VPORT, thresholds: { u?: number; l?: number } = {}): DestSpec {
  return {
    family: addr.includes(':') ? 6 : 4,
    addr,
    port,
    fwd: 'dr',
    weight,
    uThreshold: thresholds.u ?? 0,
    lThreshold: thresholds.l ?? 0,
    tunType: 'ipip',
    tunPort: 0,
    tunFlags: 'nocsum',
  };
}

/** A reusable pick context; callers overwrite fields between picks. */
export function pickContext(fields: Partial<Pick<PickContext, 'saddr' | 'sport' | 'daddr' | 'dport' | 'inverse' | 'now'>> = {}): PickContext {
  const saddr = fields.saddr ?? '198.51.100.7';
  const daddr = fields.daddr ?? VIP;
  return {
    family: saddr.includes(':') ? 6 : 4,
    protocol: 'tcp',
    saddr,
    sfold: foldIp(saddr),
    sport: fields.sport ?? 40000,
    daddr,
    dfold: foldIp(daddr),
    dport: fields.dport ?? VPORT,
    inverse: fields.inverse ?? false,
    now: fields.now ?? 0,
  };
}

export function setSource(ctx: PickContext, saddr: string, sport = ctx.sport): PickContext {
  ctx.saddr = saddr;
  ctx.sfold = foldIp(saddr);
  ctx.sport = sport;
  return ctx;
}

export function setDestination(ctx: PickContext, daddr: string): PickContext {
  ctx.daddr = daddr;
  ctx.dfold = foldIp(daddr);
  return ctx;
}

export interface HarnessOptions {
  readonly flags?: number;
  readonly rng?: Rng;
  readonly sysctls?: Partial<Sysctls>;
  readonly key?: ServiceKey;
}

/** One virtual service with a named set of destinations, driven through the reducer. */
export class SchedHarness {
  readonly ipvs: Ipvs;
  readonly svc: VirtualService;
  readonly ctx: PickContext;
  private readonly labels = new Map<Destination, string>();
  private readonly addrs = new Map<string, string>();

  constructor(scheduler: string, opts: HarnessOptions = {}) {
    this.ipvs = new Ipvs({ rng: opts.rng ?? new SeededRng(7), sysctls: opts.sysctls ?? {} });
    const key = opts.key ?? SERVICE_KEY;
    const r = this.ipvs.apply({
      type: 'add-service',
      service: { key, scheduler, flags: opts.flags ?? 0, timeout: 0, netmask: 0xffffffff, pe: '' },
    });
    if (!r.ok) throw new Error(`add-service failed: ${r.detail}`);
    this.svc = this.ipvs.getService(key)!;
    this.ctx = pickContext({ daddr: key.kind === 'addr' ? key.addr : VIP });
  }

  get sched(): Scheduler {
    return this.svc.sched!;
  }

  addressOf(label: string): string {
    let a = this.addrs.get(label);
    if (a === undefined) {
      a = labelAddress(label, this.addrs.size + 1);
      this.addrs.set(label, a);
    }
    return a;
  }

  /** `ipvsadm -a` of one labelled destination (thresholds optional). */
  add(label: string, weight: number, opts: { port?: number; u?: number; l?: number; addr?: string } = {}): Destination {
    if (opts.addr !== undefined) this.addrs.set(label, opts.addr);
    const addr = this.addressOf(label);
    const r = this.ipvs.apply({ type: 'add-dest', service: this.svc.key, dest: destSpec(addr, weight, opts.port, opts) });
    if (!r.ok) throw new Error(`add-dest ${label} failed: ${r.detail}`);
    const d = this.svc.findDest({ family: addr.includes(':') ? 6 : 4, addr, port: opts.port ?? VPORT })!;
    this.labels.set(d, label);
    return d;
  }

  /** Add several in order (the kernel list ends up reversed). */
  addAll(weights: Readonly<Record<string, number>>): this {
    for (const [label, w] of Object.entries(weights)) this.add(label, w);
    return this;
  }

  dest(label: string): Destination {
    for (const [d, l] of this.labels) if (l === label && d.available) return d;
    throw new Error(`no destination ${label}`);
  }

  /** `ipvsadm -e` with a new weight (and optional thresholds). */
  edit(label: string, weight: number, opts: { u?: number; l?: number } = {}): void {
    const d = this.dest(label);
    const r = this.ipvs.apply({ type: 'edit-dest', service: this.svc.key, dest: destSpec(d.addr, weight, d.port, opts) });
    if (!r.ok) throw new Error(`edit-dest ${label} failed: ${r.detail}`);
  }

  /** `ipvsadm -d`. */
  del(label: string): void {
    const d = this.dest(label);
    const r = this.ipvs.apply({ type: 'delete-dest', service: this.svc.key, dest: { family: d.family, addr: d.addr, port: d.port } });
    if (!r.ok) throw new Error(`delete-dest ${label} failed: ${r.detail}`);
  }

  /** Set counters by hand: active/inactive connections and the OVERLOAD flag. */
  load(label: string, active: number, inactive = 0, overloaded = false): void {
    const d = this.dest(label);
    d.activeConns = active;
    d.inactConns = inactive;
    d.flags = overloaded ? d.flags | DEST_F.OVERLOAD : d.flags & ~DEST_F.OVERLOAD;
  }

  /** Kernel list order as labels. */
  order(): string {
    return this.svc.dests.map((d) => this.label(d)).join(' ');
  }

  label(d: Destination | null): string {
    return d === null ? '-' : (this.labels.get(d) ?? '?');
  }

  pick(): string {
    return this.label(this.sched.pick(this.svc, this.ctx));
  }

  /** `n` picks as space-separated labels ('-' for "no destination available"). */
  picks(n: number): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.pick());
    return out.join(' ');
  }
}
