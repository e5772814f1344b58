/**
 * `ipvsadm -L` over a snapshot: the whole table, one service, `--timeout` and `--daemon`
 * (ipvsadm.c list_all / list_service / print_title / print_service_entry, ipvs.md §6.6).
 * Connection listing (`-c`) reads connection entries instead: see list-conns.ts.
 */
import { SVC_F, type ServiceKey } from '../../core/model.js';
import type { DestView, IpvsSnapshot, ServiceView } from '../../core/snapshot.js';
import type { IpvsadmError, ListOptions } from './command.js';
import { dottedMask, numericAddr, type Names } from './format-addr.js';
import { largeNumber, u64 } from './format-number.js';
import { SCHED_FLAG_MASK, fwdName, listDestName, listServiceName, schedFlagNames, tunnelInfo } from './list-entry.js';
import { formatDaemons, formatTimeout } from './list-misc.js';
import { orderDests, orderServices } from './list-sort.js';

export type ListResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: IpvsadmError };

/** `-L <service>` for a service that does not exist: ipvsadm prints the kernel's ESRCH text and exits 1 on the spot. */
export const NO_SUCH_SERVICE: IpvsadmError = { message: 'No such service', exitCode: 1, exits: true };

/** IP_VS_VERSION_CODE 0x010201 as printed in the header. */
export const IPVS_VERSION = '1.2.1';

/** Which column set a listing uses; when several modifiers are given the first of these wins. */
export type ListLayout = 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info' | 'default';

export function listLayout(o: ListOptions): ListLayout {
  if (o.stats) return 'stats';
  if (o.rate) return 'rate';
  if (o.thresholds) return 'thresholds';
  if (o.persistentConn) return 'persistent-conn';
  if (o.tunInfo) return 'tun-info';
  return 'default';
}

interface Fmt {
  readonly layout: ListLayout;
  readonly numeric: boolean;
  readonly exact: boolean;
  readonly nosort: boolean;
  readonly names: Names | undefined;
}

/**
 * Format `ipvsadm -L` as ipvsadm 1.31 prints it. `service` selects one service (`-L -t ...`);
 * otherwise `--timeout`, then `--daemon`, then the whole table, in ipvsadm's order of checks.
 * The `-c` option is not handled here: the caller lists connections with formatConnections.
 */
export function formatList(snapshot: IpvsSnapshot, options: ListOptions, service?: ServiceKey, names?: Names): ListResult {
  const fmt: Fmt = { layout: listLayout(options), numeric: options.numeric, exact: options.exact, nosort: options.nosort, names };
  if (service) {
    const svc = findService(snapshot, service);
    if (!svc) return { ok: false, error: NO_SUCH_SERVICE };
    return { ok: true, text: title(fmt.layout) + serviceEntry(svc, fmt) };
  }
  if (options.timeout) return { ok: true, text: formatTimeout(snapshot.timeouts) };
  if (options.daemon) return { ok: true, text: formatDaemons(snapshot.daemons) };
  let text = `IP Virtual Server version ${IPVS_VERSION} (size=${snapshot.connTabSize})\n${title(fmt.layout)}`;
  for (const svc of orderServices(snapshot.services, fmt.nosort)) text += serviceEntry(svc, fmt);
  return { ok: true, text };
}

/** The service a `-L`/`-Z`/`-E` argument names, matched as the kernel does (fwmark + family, or protocol + address + port). */
export function findService(snapshot: IpvsSnapshot, key: ServiceKey): ServiceView | undefined {
  return snapshot.services.find((s) =>
    key.kind === 'fwmark'
      ? s.kind === 'fwmark' && s.family === key.family && s.fwmark === key.fwmark
      : s.kind === 'addr' &&
        s.family === key.family &&
        s.protocol === key.protocol &&
        s.port === key.port &&
        numericAddr(s.addr) === numericAddr(key.addr),
  );
}

const PROT = 'Prot LocalAddress:Port'.padEnd(33);
const REMOTE = '  -> RemoteAddress:Port\n';

/** The column titles (print_title). */
export function title(layout: ListLayout): string {
  switch (layout) {
    case 'stats':
      return `${PROT}${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((h) => ` ${h.padStart(8)}`).join('')}\n${REMOTE}`;
    case 'rate':
      return `${PROT}${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((h) => ` ${h.padStart(8)}`).join('')}\n${REMOTE}`;
    case 'thresholds':
      return `${PROT} ${'Uthreshold'.padEnd(10)} ${'Lthreshold'.padEnd(10)} ${'ActiveConn'.padEnd(10)} ${'InActConn'.padEnd(10)}\n${REMOTE}`;
    case 'persistent-conn':
      return `${PROT} ${'Weight'.padEnd(9)} ${'PersistConn'.padEnd(11)} ${'ActiveConn'.padEnd(10)} ${'InActConn'.padEnd(10)}\n${REMOTE}`;
    case 'tun-info':
      return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
    case 'default':
      return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  }
}

function serviceEntry(svc: ServiceView, fmt: Fmt): string {
  let text = `${serviceLine(svc, fmt)}\n`;
  for (const d of orderDests(svc.dests, fmt.nosort)) text += `${destLine(svc, d, fmt)}\n`;
  return text;
}

function counters(values: readonly number[], exact: boolean): string {
  return values.map((v) => largeNumber(v, exact)).join('');
}

function serviceLine(svc: ServiceView, fmt: Fmt): string {
  const name = listServiceName(svc, fmt.numeric, fmt.names);
  if (fmt.layout === 'stats') {
    const s = svc.stats;
    return name.padEnd(33) + counters([s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes], fmt.exact);
  }
  if (fmt.layout === 'rate') {
    const r = svc.rates;
    return name.padEnd(33) + counters([r.cps, r.inpps, r.outpps, r.inbps, r.outbps], fmt.exact);
  }
  return `${name} ${svc.scheduler}${serviceAttributes(svc)}`;
}

/** ` (flags)`, ` persistent <s>`, ` mask <m>`, ` pe <name>`, ` ops` after the scheduler name. */
export function serviceAttributes(svc: ServiceView): string {
  let text = '';
  if (svc.flags & SCHED_FLAG_MASK) text += ` (${schedFlagNames(svc.scheduler, svc.flags)})`;
  if (svc.flags & SVC_F.PERSISTENT) {
    text += ` persistent ${svc.timeout}`;
    if (svc.family === 4 && svc.netmask >>> 0 !== 0xffffffff) text += ` mask ${dottedMask(svc.netmask)}`;
    if (svc.family === 6 && svc.netmask !== 128) text += ` mask ${svc.netmask}`;
    if (svc.pe !== '') text += ` pe ${svc.pe}`;
  }
  if (svc.flags & SVC_F.ONEPACKET) text += ' ops';
  return text;
}

function destLine(svc: ServiceView, d: DestView, fmt: Fmt): string {
  const head = `  -> ${listDestName(svc, d, fmt.numeric, fmt.names).padEnd(28)}`;
  switch (fmt.layout) {
    case 'stats': {
      const s = d.stats;
      return head + counters([s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes], fmt.exact);
    }
    case 'rate': {
      // Quirk kept: the three per-second counts of a destination are never abbreviated.
      const r = d.rates;
      return `${head} ${u64(r.cps).padStart(8)} ${u64(r.inpps).padStart(8)} ${u64(r.outpps).padStart(8)}${counters([r.inbps, r.outbps], fmt.exact)}`;
    }
    case 'thresholds':
      return `${head} ${cols([d.uThreshold, 10], [d.lThreshold, 10], [d.activeConns, 10], [d.inactConns, 10])}`;
    case 'persistent-conn':
      return `${head} ${cols([d.weight, 9], [d.persistConns, 11], [d.activeConns, 10], [d.inactConns, 10])}`;
    case 'tun-info':
      return `${head} ${cols([fwdName(d.fwd), 7], [tunnelInfo(d), 13], [d.weight, 6], [d.activeConns, 10], [d.inactConns, 10])}`;
    case 'default':
      return `${head} ${cols([fwdName(d.fwd), 7], [d.weight, 6], [d.activeConns, 10], [d.inactConns, 10])}`;
  }
}

/** Left-aligned `%-Ns` / `%-Nu` columns separated by one space (trailing padding kept). */
function cols(...cells: ReadonlyArray<readonly [string | number, number]>): string {
  return cells.map(([v, w]) => (typeof v === 'number' ? u64(v) : v).padEnd(w)).join(' ');
}
