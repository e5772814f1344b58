/**
 * `ipvsadm -L -c` (ipvsadm.c list_conn / print_conn, ipvs.md §6.7). ipvsadm reads
 * /proc/net/ip_vs_conn, so entries come in connection-table order, templates included, and
 * only the numeric and persistent-conn modifiers matter.
 */
import { ipFamily, type Family } from '../../core/addr.js';
import type { Protocol } from '../../core/model.js';
import type { ConnView } from '../../core/snapshot.js';
import type { ListOptions } from './command.js';
import { addrPort, type Names } from './format-addr.js';

const TITLE = `pro expire ${'state'.padEnd(11)} ${'source'.padEnd(18)} ${'virtual'.padEnd(18)}`;

/** Header plus one line per entry, in the order given. */
export function formatConnections(conns: readonly ConnView[], options: Pick<ListOptions, 'numeric' | 'persistentConn'>, names?: Names): string {
  let text = 'IPVS connection entries\n';
  text += options.persistentConn
    ? `${TITLE} ${'destination'.padEnd(18)} ${'pe name'.padEnd(16)} pe_data\n`
    : `${TITLE} destination\n`;
  for (const c of conns) text += connLine(c, options, names);
  return text;
}

/** Seconds left as the kernel reports them (whole seconds, never negative). */
export function expirySeconds(c: ConnView): number {
  return Math.max(0, Math.floor(c.expiresMs / 1000));
}

/** `mm:ss` with minutes not capped (`180:03`). */
export function expiryText(seconds: number): string {
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

/** The service-name table for a protocol label; none for `IP` (fwmark templates) and others. */
function labelProtocol(label: string): Protocol | null {
  return label === 'TCP' ? 'tcp' : label === 'UDP' ? 'udp' : label === 'SCTP' ? 'sctp' : null;
}

function connLine(c: ConnView, options: Pick<ListOptions, 'numeric' | 'persistentConn'>, names?: Names): string {
  const proto = labelProtocol(c.protocol);
  const ep = (family: Family, addr: string, port: number): string => addrPort(family, addr, port, proto, options.numeric, names);
  const source = ep(c.family, c.caddr, c.cport);
  const virt = ep(c.family, c.vaddr, c.vport);
  // The destination may be of the other family (tunnels across families).
  const dest = ep(ipFamily(c.daddr), c.daddr, c.dport);
  const head = `${c.protocol.padEnd(3)} ${expiryText(expirySeconds(c)).padEnd(6)} ${c.state.padEnd(11)} ${source.padEnd(18)} ${virt.padEnd(18)}`;
  // ipvsadm scans the proc line with sscanf("%s"): PE columns appear only when both words are there.
  const peData = firstWord(c.peData);
  if (options.persistentConn && c.pe !== '' && peData !== '') return `${head} ${dest.padEnd(16)} ${c.pe.padEnd(18)} ${peData}\n`;
  return `${head} ${dest}\n`;
}

function firstWord(s: string): string {
  return s.trim().split(/\s+/)[0] ?? '';
}
