/** A Host that keeps the log lines and drops the other effects (for unit tests of one piece). */
import type { Host } from './host.js';

export function silentHost(lines: string[], now = 0): Host {
  return {
    now,
    emit: () => {},
    debug: () => {},
    info: (m) => void lines.push(m),
  };
}
