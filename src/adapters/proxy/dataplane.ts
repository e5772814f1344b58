/**
 * The proxy data plane: tsvs as an L4 load balancer on ordinary sockets (any OS, no
 * privileges). Every TCP and UDP virtual service gets a listener on VIP:port; each client flow
 * is scheduled, persisted and accounted by the IPVS connection engine exactly as a NAT director
 * would account the same traffic (see tcp-flow.ts and udp-relay.ts for the event → segment
 * mapping). The engine's table is the authority on a flow's life: when its entry expires, the
 * sockets are closed.
 *
 * One process: accounting must stay exact for `ipvsadm -L -n`, and Node 20 has no SO_REUSEPORT
 * listeners; workers would have to report every event to the process owning the table.
 */
import type { ConnEngine } from '../../core/conn/engine.js';
import type { Ipvs } from '../../core/ipvs.js';
import type { VirtualService } from '../../core/model.js';
import type { Clock, Dataplane, DataplaneProblem, Logger, TimerHandle, Timers } from '../../core/ports.js';
import { ProxyContext, resolveOptions, type ProxyOptions } from './context.js';
import { TcpListener } from './tcp-listener.js';
import { UdpListener } from './udp-relay.js';

type Listener = TcpListener | UdpListener;

export class ProxyDataplane implements Dataplane {
  readonly name = 'proxy';
  private readonly ctx: ProxyContext;
  private readonly listeners = new Map<string, Listener>();
  private tickTimer: TimerHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Listen failures already logged ("service code"), so a repeated sync does not repeat them. */
  private logged = new Set<string>();

  constructor(
    private readonly ipvs: Ipvs,
    private readonly conns: ConnEngine,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly log: Logger,
    options: ProxyOptions = {},
  ) {
    this.ctx = new ProxyContext(conns, clock, log, resolveOptions(options));
    const previous = conns.conns.onRemove;
    conns.conns.onRemove = (idx) => {
      previous?.(idx);
      this.ctx.entryRemoved(idx);
    };
  }

  /** Open and close listeners to match the services; returns what cannot be served. */
  sync(): Promise<readonly DataplaneProblem[]> {
    const run = this.queue.then(() => this.syncNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<readonly DataplaneProblem[]> {
    if (this.closed) return [];
    this.startTicking();
    const problems: DataplaneProblem[] = [];
    const failed = new Set<string>();
    const wanted = new Map<string, VirtualService>();
    for (const svc of this.ipvs.services.values()) {
      const p = unsupported(svc);
      if (p) problems.push(p);
      else wanted.set(svc.id, svc);
      problems.push(...proxiedMethods(svc));
    }
    for (const [id, l] of this.listeners) {
      if (wanted.has(id)) continue;
      l.close();
      this.listeners.delete(id);
      this.log.info(`stopped listening on ${serviceLabel(id)}`);
    }
    for (const [id, svc] of wanted) {
      if (this.listeners.has(id)) continue;
      try {
        const l = svc.protocol === 'udp' ? await UdpListener.open(this.ctx, svc.addr, svc.port) : await TcpListener.open(this.ctx, svc.addr, svc.port);
        if (this.closed) {
          l.close();
          continue;
        }
        this.listeners.set(id, l);
        this.log.info(`listening on ${serviceLabel(id)}`);
      } catch (err) {
        const p = listenProblem(svc, err as NodeJS.ErrnoException);
        const key = `${id} ${p.code}`;
        if (!this.logged.has(key)) this.log.warn(p.message, { service: id, code: p.code });
        failed.add(key);
        problems.push(p);
      }
    }
    this.logged = failed;
    return problems;
  }

  private startTicking(): void {
    if (this.tickTimer || this.closed) return;
    this.tickTimer = this.timers.set(this.ctx.opts.tickMs, this.tick);
  }

  /** Expire entries that are due (closing their flows), time out connects, retry stalled flows, sweep UDP sessions. */
  private readonly tick = (): void => {
    this.tickTimer = this.timers.set(this.ctx.opts.tickMs, this.tick);
    const now = this.clock.now();
    this.conns.advance(now);
    this.ctx.checkConnectTimeouts(now);
    this.ctx.retryStalled();
    for (const l of this.listeners.values()) if (l instanceof UdpListener) l.sweep(now);
  };

  /** Stop accepting, wait up to `graceMs` for TCP flows to finish, then reset what is left. */
  async close(graceMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    for (const l of this.listeners.values()) if (l instanceof TcpListener) l.close();
    if (this.ctx.liveFlows > 0 && graceMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.timers.set(graceMs, () => resolve());
        this.ctx.onIdle = () => {
          this.timers.clear(timer);
          resolve();
        };
      });
      this.ctx.onIdle = null;
    }
    for (const o of this.ctx.allOwners()) o.abort();
    for (const l of this.listeners.values()) l.close();
    this.listeners.clear();
    if (this.tickTimer) this.timers.clear(this.tickTimer);
    this.tickTimer = null;
  }

  counters(): Readonly<Record<string, number>> {
    return { ...this.ctx.counters.snapshot(), tcpFlowsOpen: this.ctx.liveFlows, listeners: this.listeners.size };
  }
}

/** "tcp|127.0.0.1|80" → "[127.0.0.1]:tcp:80", the way keepalived's log lines name a virtual server. */
function serviceLabel(id: string): string {
  const [proto = '', addr = '', port = ''] = id.split('|');
  return `[${addr}]:${proto}:${port}`;
}

function problem(svc: VirtualService, code: string, message: string): DataplaneProblem {
  return { service: svc.id, code, message };
}

function describe(svc: VirtualService): string {
  if (svc.key.kind === 'fwmark') return `fwmark service ${svc.key.fwmark}${svc.family === 6 ? ' (IPv6)' : ''}`;
  const host = svc.family === 6 ? `[${svc.addr}]` : svc.addr;
  return `${svc.protocol.toUpperCase()} service ${host}:${svc.port}`;
}

/** Services a socket proxy cannot listen for. */
function unsupported(svc: VirtualService): DataplaneProblem | null {
  if (svc.key.kind === 'fwmark') return problem(svc, 'unsupported-fwmark', `${describe(svc)}: firewall-mark services need the packet engine; the proxy engine cannot see marks`);
  if (svc.protocol === 'sctp') return problem(svc, 'unsupported-protocol', `${describe(svc)}: SCTP is not carried by the proxy engine`);
  if (svc.port === 0) return problem(svc, 'unsupported-port-zero', `${describe(svc)}: a port-zero (all ports) service needs the packet engine`);
  return null;
}

/** Real servers configured for direct routing or tunnelling are carried through sockets anyway. */
function proxiedMethods(svc: VirtualService): DataplaneProblem[] {
  const out: DataplaneProblem[] = [];
  for (const d of svc.dests) {
    if (d.fwd === 'nat') continue;
    const rs = d.family === 6 ? `[${d.addr}]:${d.port}` : `${d.addr}:${d.port}`;
    out.push(
      problem(
        svc,
        'forwarding-proxied',
        `${describe(svc)}: real server ${rs} is configured for ${d.fwd === 'dr' ? 'direct routing' : d.fwd === 'tun' ? 'tunnelling' : d.fwd}; the proxy engine connects to it through sockets (it sees the director's address as source, and only requests are accounted, as IPVS does for that method)`,
      ),
    );
  }
  return out;
}

function listenProblem(svc: VirtualService, err: NodeJS.ErrnoException): DataplaneProblem {
  switch (err.code) {
    case 'EADDRNOTAVAIL':
      return problem(svc, 'vip-not-local', `${describe(svc)}: ${svc.addr} is not an address of this host (add it, e.g. to lo, or use 127.0.0.0/8)`);
    case 'EADDRINUSE':
      return problem(svc, 'port-in-use', `${describe(svc)}: the port is already in use by another program`);
    case 'EACCES':
      return problem(svc, 'permission-denied', `${describe(svc)}: not allowed to listen on port ${svc.port} (privileged port)`);
    default:
      return problem(svc, 'listen-failed', `${describe(svc)}: cannot listen: ${err.message}`);
  }
}
