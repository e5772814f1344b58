/**
 * `ipvsadm -S` / `ipvsadm-save [-n]`: the table as `-R` input (ipvsadm.c print_service_entry
 * with FMT_RULE, print_tunnel_rule; ipvs.md §6.9). Same order as `-L`; no header.
 * Not saved, as in ipvsadm: thresholds (-x/-y), timeouts, sync daemons.
 */
import { SVC_F } from '../../core/model.js';
import type { DestView, IpvsSnapshot, ServiceView } from '../../core/snapshot.js';
import { addrPort, dottedMask, type Names } from './format-addr.js';
import { CSUM_OPTION, SCHED_FLAG_MASK, fwdSwitch, ruleServiceName, schedFlagNames } from './list-entry.js';
import { orderDests, orderServices } from './list-sort.js';

/** The whole table in `-R` syntax; `numeric` is `-n` (without it, host and service names via `names`). */
export function formatSave(snapshot: IpvsSnapshot, numeric: boolean, names?: Names): string {
  let text = '';
  for (const svc of orderServices(snapshot.services, false)) {
    const name = ruleServiceName(svc, numeric, names);
    text += `-A ${name} -s ${svc.scheduler}${serviceOptions(svc)}\n`;
    for (const d of orderDests(svc.dests, false)) text += `${destRule(svc, name, d, numeric, names)}\n`;
  }
  return text;
}

/** ` -p <s>[ -M <mask>]`, ` --pe <name>`, ` -o`, ` -b <flags>`, in that order. */
export function serviceOptions(svc: ServiceView): string {
  let text = '';
  if (svc.flags & SVC_F.PERSISTENT) {
    text += ` -p ${svc.timeout}`;
    if (svc.family === 4 && svc.netmask >>> 0 !== 0xffffffff) text += ` -M ${dottedMask(svc.netmask)}`;
    if (svc.family === 6 && svc.netmask !== 128) text += ` -M ${svc.netmask}`;
  }
  // Unlike the listing, the persistence engine is saved even for a non-persistent service.
  if (svc.pe !== '') text += ` --pe ${svc.pe}`;
  if (svc.flags & SVC_F.ONEPACKET) text += ' -o';
  if (svc.flags & SCHED_FLAG_MASK) text += ` -b ${schedFlagNames(svc.scheduler, svc.flags)}`;
  return text;
}

/** `-a <svc> -r <addr:port> <-m|-i|-g> -w <weight>` plus the tunnel options of tunnel destinations. */
function destRule(svc: ServiceView, svcName: string, d: DestView, numeric: boolean, names?: Names): string {
  const dname = addrPort(d.family, d.addr, d.port, svc.protocol, numeric, names);
  const base = `-a ${svcName} -r ${dname} ${fwdSwitch(d.fwd)} -w ${d.weight}`;
  if (d.fwd !== 'tun') return base;
  switch (d.tunType) {
    case 'ipip':
      return `${base} --tun-type ipip`;
    case 'gue':
      return `${base} --tun-type gue --tun-port ${d.tunPort} ${CSUM_OPTION[d.tunFlags]}`;
    case 'gre':
      return `${base} --tun-type gre ${CSUM_OPTION[d.tunFlags]}`;
  }
}
