/**
 * The observability part of the control API:
 *   GET /v1/status   { daemon, vrrp, services (with health), problems, events }   (`tsvs status`)
 *   GET /v1/events   server-sent events: `status` (the same body, every second) and `event` (each
 *                    event of the log, `id:` its sequence number; `Last-Event-ID` or ?after=N
 *                    resumes, ?recent=N chooses how much history a new client gets)
 *   GET /metrics     Prometheus text format (metrics.ts)
 * The composition root adds an {@link ObservabilitySource} to the control plane it serves.
 */
import type { ControlPlane } from '../engine/control-plane.js';
import type { EventLog, RealServerHealth } from '../engine/events.js';

export type { EngineEvent, RealServerHealth } from '../engine/events.js';

export interface ObservabilitySource {
  readonly events: EventLog;
  healthReport(): readonly RealServerHealth[];
  /** Compare VRRP state and data-plane problems with the last reading now (records events). */
  pollStatus(): void;
}

export function observabilityOf(c: ControlPlane): ObservabilitySource | null {
  const o = (c as Partial<{ observability: ObservabilitySource }>).observability;
  return o ?? null;
}

/** How many recent events GET /v1/status and a new event-stream client get. */
export const RECENT_EVENTS = 50;
