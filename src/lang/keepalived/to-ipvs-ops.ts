/** Alias module: src/main imports toIpvsOps from here; the implementation is to-ops.ts. */
export { toIpvsOps } from './to-ops.js';
