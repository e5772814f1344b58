/**
 * The IPVS domain model: virtual services, their destinations (real servers), counters and the
 * tunables. Shapes and defaults follow the kernel (shared/reference/ipvs.md §1, §3.9).
 * These are mutable runtime objects owned by {@link Ipvs} (ipvs.ts); other code reads them.
 */
import type { Family } from './addr.js';
import { Stats } from './stats.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** IP protocol numbers, as in the kernel and in /proc output. */
export const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { tcp: 6, udp: 17, sctp: 132 };

/**
 * Forwarding method (conn_flags & 7): nat = MASQ 0 ("Masq"), local = LOCALNODE 1 ("Local"),
 * tun = TUNNEL 2 ("Tunnel"), dr = DROUTE 3 ("Route"), bypass = BYPASS 4 (internal only).
 */
export type FwdMethod = 'nat' | 'local' | 'tun' | 'dr' | 'bypass';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelCsum = 'nocsum' | 'csum' | 'remcsum';

/** Service flags (uapi ip_vs.h). */
export const SVC_F = {
  PERSISTENT: 0x0001,
  HASHED: 0x0002,
  ONEPACKET: 0x0004,
  SCHED1: 0x0008,
  SCHED2: 0x0010,
  SCHED3: 0x0020,
} as const;
/** sh-fallback = mh-fallback = flag-1, sh-port = mh-port = flag-2. */
export const SCHED_FLAG_FALLBACK = SVC_F.SCHED1;
export const SCHED_FLAG_PORT = SVC_F.SCHED2;

/** Destination flags. */
export const DEST_F = { AVAILABLE: 0x0001, OVERLOAD: 0x0002 } as const;

/** Persistence timeout given by `-p` without a value: 6*60 s (the man page says 300; it is 360). */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;
export const IP_VS_SCHEDNAME_MAXLEN = 16;

/** Identity of a virtual service: (af, protocol, VIP, port) or (af, fwmark). */
export type ServiceKey =
  | { readonly kind: 'addr'; readonly family: Family; readonly protocol: Protocol; readonly addr: string; readonly port: number }
  | { readonly kind: 'fwmark'; readonly family: Family; readonly fwmark: number };

/** A stable string for a service key, e.g. "tcp|10.0.0.1|80" or "fwm|4|1". */
export function serviceKeyString(k: ServiceKey): string {
  return k.kind === 'addr' ? `${k.protocol}|${k.addr}|${k.port}` : `fwm|${k.family}|${k.fwmark}`;
}

/** Desired attributes of a service, as `-A`/`-E` or a virtual_server block give them. */
export interface ServiceSpec {
  readonly key: ServiceKey;
  /** Scheduler name as given (ipvsadm passes any string; the kernel accepts known names and `none`). */
  readonly scheduler: string;
  /** SVC_F bits other than HASHED: PERSISTENT, ONEPACKET, SCHED1..3. */
  readonly flags: number;
  /** Persistence timeout in seconds (meaningful with PERSISTENT). */
  readonly timeout: number;
  /** Persistence granularity: IPv4 32-bit mask (default 0xffffffff); IPv6 prefix length (default 128). */
  readonly netmask: number;
  /** Persistence engine name ('' or 'sip'). */
  readonly pe: string;
}

/** Desired attributes of a destination, as `-a`/`-e` or a real_server block give them. */
export interface DestSpec {
  readonly family: Family;
  readonly addr: string;
  readonly port: number;
  readonly fwd: FwdMethod;
  readonly weight: number;
  readonly uThreshold: number;
  readonly lThreshold: number;
  readonly tunType: TunnelType;
  readonly tunPort: number;
  readonly tunFlags: TunnelCsum;
}

export interface DestId {
  readonly family: Family;
  readonly addr: string;
  readonly port: number;
}

export function destKeyString(d: DestId): string {
  return `${d.addr}|${d.port}`;
}

/** A real server inside one virtual service. */
export class Destination {
  readonly family: Family;
  readonly addr: string;
  readonly port: number;
  /** The kernel's address fold (addr.ts foldIp), cached for the hashing schedulers. */
  readonly fold: number;
  fwd: FwdMethod;
  weight: number;
  /** Latest non-zero weight this destination was given (mh keeps quiesced servers in its table). */
  lastWeight: number;
  uThreshold: number;
  lThreshold: number;
  tunType: TunnelType;
  tunPort: number;
  tunFlags: TunnelCsum;
  /** DEST_F bits. */
  flags: number = DEST_F.AVAILABLE;
  activeConns = 0;
  inactConns = 0;
  persistConns = 0;
  /** Live references from connection entries and templates (a deleted dest stays in the trash while > 0). */
  refs = 0;
  readonly stats = new Stats();
  /** The service this destination belongs to (kept after deletion so trash can resurrect it). */
  service: VirtualService;
  /** Position hint for schedulers; maintained by the owning service. */
  index = 0;
  /** When the dest was moved to the trash (ms), or -1 while attached. */
  trashedAt = -1;

  constructor(spec: DestSpec, fold: number, service: VirtualService) {
    this.family = spec.family;
    this.addr = spec.addr;
    this.port = spec.port;
    this.fold = fold;
    this.fwd = spec.fwd;
    this.weight = spec.weight;
    this.lastWeight = spec.weight;
    this.uThreshold = spec.uThreshold;
    this.lThreshold = spec.lThreshold;
    this.tunType = spec.tunType;
    this.tunPort = spec.tunPort;
    this.tunFlags = spec.tunFlags;
    this.service = service;
  }

  get available(): boolean {
    return (this.flags & DEST_F.AVAILABLE) !== 0;
  }

  get overloaded(): boolean {
    return (this.flags & DEST_F.OVERLOAD) !== 0;
  }
}

/** Load figure used by lc, wlc, lblc, lblcr and twos (ip_vs_dest_conn_overhead). */
export function overhead(d: Destination): number {
  return d.activeConns * 256 + d.inactConns;
}

/** Input of one scheduling decision. Callers reuse one object: picking allocates nothing. */
export interface PickContext {
  family: Family;
  protocol: Protocol;
  /** Client (source) address text, its fold and port. */
  saddr: string;
  sfold: number;
  sport: number;
  /** Packet destination (the VIP, or the original destination for fwmark/cache setups). */
  daddr: string;
  dfold: number;
  dport: number;
  /** True for "inverse" packets (ICMP errors scheduled by their embedded header): sh/mh then key on the destination. */
  inverse: boolean;
  /** Current monotonic time in ms (lblc/lblcr caches). */
  now: number;
}

/**
 * A load-balancing algorithm bound to one service. Hooks mirror the kernel's: `init` on bind,
 * `addDest`/`updDest` after the list changed, `delDest` before the dest is unlinked, `done` on
 * unbind. `pick` returns a destination or null ("no destination available").
 */
export interface Scheduler {
  readonly name: string;
  init(svc: VirtualService): void;
  done(svc: VirtualService): void;
  addDest(svc: VirtualService, dest: Destination): void;
  delDest(svc: VirtualService, dest: Destination): void;
  updDest(svc: VirtualService, dest: Destination): void;
  pick(svc: VirtualService, ctx: PickContext): Destination | null;
  /** Periodic maintenance (lblc/lblcr garbage collection); called with the current time. */
  tick?(svc: VirtualService, now: number): void;
  /** Human-readable reason for the last failure (wrr: "all destinations are overloaded"). */
  lastFailure?: string;
}

export type SchedulerFactory = (rng: import('./ports.js').Rng, sysctls: Sysctls) => Scheduler;

/** A virtual service with its destinations in kernel order (newest first). */
export class VirtualService {
  readonly key: ServiceKey;
  readonly id: string;
  scheduler: string;
  flags: number;
  timeout: number;
  netmask: number;
  pe: string;
  /** Destinations, most recently added first (the kernel inserts at the head). */
  readonly dests: Destination[] = [];
  sched: Scheduler | null = null;
  readonly stats = new Stats();

  constructor(spec: ServiceSpec) {
    this.key = spec.key;
    this.id = serviceKeyString(spec.key);
    this.scheduler = spec.scheduler;
    this.flags = spec.flags;
    this.timeout = spec.timeout;
    this.netmask = spec.netmask;
    this.pe = spec.pe;
  }

  get family(): Family {
    return this.key.family;
  }
  get fwmark(): number {
    return this.key.kind === 'fwmark' ? this.key.fwmark : 0;
  }
  /** Protocol for address services; fwmark services are stored as TCP and match any protocol. */
  get protocol(): Protocol {
    return this.key.kind === 'addr' ? this.key.protocol : 'tcp';
  }
  get addr(): string {
    return this.key.kind === 'addr' ? this.key.addr : this.key.family === 4 ? '0.0.0.0' : '::';
  }
  get port(): number {
    return this.key.kind === 'addr' ? this.key.port : 0;
  }
  get persistent(): boolean {
    return (this.flags & SVC_F.PERSISTENT) !== 0;
  }
  get onePacket(): boolean {
    return (this.flags & SVC_F.ONEPACKET) !== 0;
  }

  findDest(id: DestId): Destination | undefined {
    for (const d of this.dests) if (d.port === id.port && d.addr === id.addr && d.family === id.family) return d;
    return undefined;
  }
}

/** `--set tcp tcpfin udp` timeouts in seconds. */
export interface Timeouts {
  tcp: number;
  tcpfin: number;
  udp: number;
}
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = { tcp: 900, tcpfin: 120, udp: 300 };

/** The /proc/sys/net/ipv4/vs tunables that change decisions tsvs makes (ipvs.md §3.9). */
export interface Sysctls {
  expire_nodest_conn: number;
  expire_quiescent_template: number;
  conn_reuse_mode: number;
  sloppy_tcp: number;
  sloppy_sctp: number;
  secure_tcp: number;
  nat_icmp_send: number;
  cache_bypass: number;
  schedule_icmp: number;
  pmtu_disc: number;
  lblc_expiration: number;
  lblcr_expiration: number;
  conn_tab_bits: number;
}
export const DEFAULT_SYSCTLS: Readonly<Sysctls> = {
  expire_nodest_conn: 0,
  expire_quiescent_template: 0,
  conn_reuse_mode: 1,
  sloppy_tcp: 0,
  sloppy_sctp: 0,
  secure_tcp: 0,
  nat_icmp_send: 0,
  cache_bypass: 0,
  schedule_icmp: 0,
  pmtu_disc: 1,
  lblc_expiration: 86400,
  lblcr_expiration: 86400,
  conn_tab_bits: 12,
};

/** Connection-synchronisation daemon settings, kept for `--start-daemon` / `-L --daemon`. */
export interface SyncDaemon {
  readonly state: 'master' | 'backup';
  readonly mcastIfn: string;
  readonly syncid: number;
  readonly maxlen: number;
  readonly mcastGroup: string;
  readonly mcastPort: number;
  readonly mcastTtl: number;
}
