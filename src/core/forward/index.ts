/**
 * The packet engine's pure forwarding path: frames in, verdicts (and rewritten frames) out.
 * Entry point: {@link processFrame} on a {@link Forwarder} that holds the connection engine,
 * the director's MAC, neighbours, MTU and counters.
 */
import type { Forwarder } from './forwarder.js';
import type { FrameVerdict } from './verdict.js';

export { Forwarder, type ForwarderOptions } from './forwarder.js';
export { FrameView, MALFORMED_REASONS, type MalformedReason } from './frame-view.js';
export { Neighbours } from './neighbours.js';
export { Link, type LinkOptions } from './links.js';
export { Hop, RouteTable } from './routes.js';
export { FrameVerdict, ALL_DROP_REASONS, FORWARD_DROP_REASONS, newForwardCounters, type ForwardCounters, type FrameAction, type FrameHow } from './verdict.js';

/** Decide one frame at `now` (ms); the verdict is reused by the next call. */
export function processFrame(state: Forwarder, frame: Uint8Array, now: number): FrameVerdict {
  return state.process(frame, frame.length, now);
}
