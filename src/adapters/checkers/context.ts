/**
 * What every checker adapter is given: the Timers port for its time limits, a logger for the
 * problems it cannot report as a result, and where its checker connects from and to.
 */
import type { Clock, Logger, Timers } from '../../core/ports.js';
import type { Connection } from '../../lang/keepalived/model.js';

export interface CheckerContext {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
}

/** The address to connect to: an IPv6 link-local address carries its interface as a scope. */
export function targetHost(c: Connection): string {
  return c.bindIf && c.connectIp.includes(':') && /^fe[89ab]/i.test(c.connectIp) ? `${c.connectIp}%${c.bindIf}` : c.connectIp;
}

/** keepalived's inet_sockaddrtopair(): `[ip]:port`. */
export function pair(c: Connection): string {
  return `[${c.connectIp}]:${c.connectPort}`;
}

/** connect_timeout in milliseconds. */
export function timeoutMs(c: Connection): number {
  return c.connectTimeout * 1000;
}

/**
 * Options Node cannot apply, said once per checker. COMPAT(keepalived): `fwmark` (SO_MARK) and
 * `bind_if` on a non-link-local address (SO_BINDTODEVICE) need socket options Node does not
 * expose; tsvs connects without them.
 */
export function unsupportedOptions(c: Connection, who: string, log: Logger): void {
  if (c.fwmark) log.warn(`${who}: fwmark ${c.fwmark} on checker connections is not supported - connecting without it`);
  if (c.bindIf && targetHost(c) === c.connectIp) log.warn(`${who}: bind_if ${c.bindIf} is only used for IPv6 link-local targets - connecting without it`);
}
