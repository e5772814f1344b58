/**
 * `ipvsadm -L --timeout` and `ipvsadm -L --daemon` (ipvsadm.c list_timeout / list_daemon,
 * ipvs.md §6.8).
 */
import type { SyncDaemon, Timeouts } from '../../core/model.js';
import { numericAddr } from './format-addr.js';

/** `Timeout (tcp tcpfin udp): 900 120 300` */
export function formatTimeout(t: Timeouts): string {
  return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpfin} ${t.udp}\n`;
}

/**
 * One line per running sync daemon, master first; nothing when none runs. The maxlen, group,
 * port and ttl parts are left out when the daemon reports none (0 or no group), as ipvsadm
 * does for old kernels.
 */
export function formatDaemons(daemons: readonly SyncDaemon[]): string {
  let text = '';
  for (const state of ['master', 'backup'] as const) {
    const d = daemons.find((x) => x.state === state);
    if (d) text += daemonLine(d);
  }
  return text;
}

function daemonLine(d: SyncDaemon): string {
  let text = `${d.state} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncid}`;
  if (d.maxlen) text += `, maxlen=${d.maxlen}`;
  if (d.mcastGroup !== '') text += `, group=${numericAddr(d.mcastGroup)}`;
  if (d.mcastPort) text += `, port=${d.mcastPort}`;
  if (d.mcastTtl) text += `, ttl=${d.mcastTtl}`;
  return `${text})\n`;
}
