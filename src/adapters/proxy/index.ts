/**
 * The socket proxy data plane (design.md, "Engines": proxy). Construct with the director's
 * {@link Ipvs} and {@link ConnEngine}; `sync()` after each applied batch of operations.
 */
export { ProxyDataplane } from './dataplane.js';
export { type ProxyOptions } from './context.js';
export { ProxyCounters } from './counters.js';
