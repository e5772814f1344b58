/**
 * The observability part of the control API:
 *   GET /v1/status   { daemon, vrrp, services (with health), problems, events }   (`tsvs status`)
 *   GET /v1/events   server-sent events: `status` (the same body, every second) and `event` (each
 *                    event of the log, `id:` its sequence number; `Last-Event-ID` or ?after=N
 *                    resumes, ?recent=N chooses how much history a new client gets)
 *   GET /metrics     Prometheus text format (metrics.ts)
 * The control plane carries its {@link ObservabilitySource} (null when none is wired in).
 */
export type { ObservabilitySource } from '../engine/control-plane.js';
export type { EngineEvent, RealServerHealth } from '../engine/events.js';

/** How many recent events GET /v1/status and a new event-stream client get. */
export const RECENT_EVENTS = 50;
