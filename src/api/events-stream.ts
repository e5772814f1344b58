/**
 * GET /v1/events as server-sent events. All clients share one ticker: the status report is built
 * once per tick however many pages are open, and the ticker stops with the last client. The CPU
 * time spent building and writing the frames is counted ({@link streamFigures}, in /metrics), so
 * what open dashboards cost the daemon can be watched, not guessed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlPlane } from '../engine/control-plane.js';
import type { EngineEvent } from '../engine/events.js';
import { RECENT_EVENTS, type ObservabilitySource } from './events.js';
import { buildStatus } from './events-status.js';

export const STATUS_INTERVAL_MS = 1000;

interface Client {
  readonly res: ServerResponse;
}

/** What the event stream has cost so far (all clients of one control plane). */
export interface StreamFigures {
  readonly clients: number;
  /** CPU time (user + system) spent building and writing frames, seconds. */
  readonly cpuSeconds: number;
  readonly bytes: number;
}

const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return d.user + d.system;
};

function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

class Broadcaster {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private cpuUs = 0;
  private bytes = 0;

  constructor(
    private readonly control: ControlPlane,
    private readonly obs: ObservabilitySource | null,
    private readonly intervalMs: number,
  ) {}

  figures(): StreamFigures {
    return { clients: this.clients.size, cpuSeconds: this.cpuUs / 1e6, bytes: this.bytes };
  }

  /** Write the history and the first status to a new client. */
  add(c: Client, history: readonly string[]): void {
    const t0 = process.cpuUsage();
    this.clients.add(c);
    for (const text of [...history, frame('status', buildStatus(this.control, 0))]) {
      c.res.write(text);
      this.bytes += Buffer.byteLength(text);
    }
    this.cpuUs += cpuMicros(t0);
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.obs?.events.subscribe((e) => this.timed(() => this.send(frame('event', e, e.seq)))) ?? null;
  }

  remove(c: Client): void {
    this.clients.delete(c);
    if (this.clients.size > 0) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private tick(): void {
    this.timed(() => this.send(frame('status', buildStatus(this.control, 0))));
  }

  private timed(work: () => void): void {
    const t0 = process.cpuUsage();
    work();
    this.cpuUs += cpuMicros(t0);
  }

  private send(text: string): void {
    for (const c of this.clients) c.res.write(text);
    this.bytes += Buffer.byteLength(text) * this.clients.size;
  }
}

const broadcasters = new WeakMap<ControlPlane, Broadcaster>();

/** The event stream's figures for /metrics (zero before the first client). */
export function streamFigures(control: ControlPlane): StreamFigures {
  return broadcasters.get(control)?.figures() ?? { clients: 0, cpuSeconds: 0, bytes: 0 };
}

/** Where a client resumes: Last-Event-ID (the browser's reconnect) or ?after=N; null for a new client. */
function resumeAfter(req: IncomingMessage, url: URL): number | null {
  const v = req.headers['last-event-id'] ?? url.searchParams.get('after');
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
  return n;
}

export function serveEventStream(control: ControlPlane, req: IncomingMessage, res: ServerResponse, url: URL, intervalMs = STATUS_INTERVAL_MS): void {
  const obs = control.observability;
  let b = broadcasters.get(control);
  if (!b) broadcasters.set(control, (b = new Broadcaster(control, obs, intervalMs)));
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const after = resumeAfter(req, url);
  const recentParam = Number(url.searchParams.get('recent') ?? RECENT_EVENTS);
  const recent = Number.isInteger(recentParam) && recentParam >= 0 ? recentParam : RECENT_EVENTS;
  const events: EngineEvent[] = obs ? (after !== null ? obs.events.since(after) : obs.events.recent(recent)) : [];
  const history = ['retry: 2000\n\n'];
  if (obs && after !== null && after + 1 < obs.events.firstSeq) history.push(frame('gap', { missedFrom: after + 1, missedTo: obs.events.firstSeq - 1 }));
  for (const e of events) history.push(frame('event', e, e.seq));
  const client: Client = { res };
  b.add(client, history);
  const drop = (): void => b.remove(client);
  req.on('close', drop);
  res.on('close', drop);
}
