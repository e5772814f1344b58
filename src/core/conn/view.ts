/**
 * Connection entries as {@link ConnView} objects for `ipvsadm -L -c` and /proc/net/ip_vs_conn
 * (ipvs.md §4.2, §6.7): table order, templates included — with cport 0, the masked client
 * network as source, state NONE or ASSURED, and for fwmark templates protocol `IP` and the mark
 * as virtual address.
 */
import type { Family } from '../addr.js';
import type { ConnView } from '../snapshot.js';
import { wordsToText } from './addr-words.js';
import { CADDR, DADDR, VADDR } from './conn-table.js';
import type { Connections } from './connections.js';
import { CONN_F, PROTO, TEMPLATE_STATE_NAMES, fwdOfFlags, protocolLabel } from './flags.js';
import { SCTP_STATE_NAMES } from './sctp-table.js';
import { TCP_STATE_NAMES } from './tcp-table.js';

/** The state column (ip_vs_state_name). */
export function stateName(proto: number, flags: number, state: number): string {
  if (flags & CONN_F.TEMPLATE) return TEMPLATE_STATE_NAMES[state] ?? 'ERR!';
  switch (proto) {
    case PROTO.TCP:
      return TCP_STATE_NAMES[state] ?? 'ERR!';
    case PROTO.SCTP:
      return SCTP_STATE_NAMES[state] ?? 'ERR!';
    case PROTO.UDP:
      return 'UDP';
    default:
      return proto === PROTO.IP ? 'NONE' : 'ERR!';
  }
}

/** The view of one live entry at time `now`. */
export function connView(c: Connections, idx: number, now: number): ConnView {
  const t = c.table;
  const family: Family = t.family(idx) === 6 ? 6 : 4;
  const flags = t.flags(idx);
  const w = new Uint32Array(4);
  const text = (which: number, af: Family): string => {
    t.copyAddr(idx, which, w);
    return wordsToText(af, w);
  };
  const expires = c.wheel.isArmed(idx) ? c.wheel.expires[idx]! : now;
  return {
    protocol: protocolLabel(t.proto(idx)),
    family,
    caddr: text(CADDR, family),
    cport: t.cport(idx),
    vaddr: text(VADDR, family),
    vport: t.vport(idx),
    daddr: text(DADDR, t.daf(idx)),
    dport: t.dport(idx),
    state: stateName(t.proto(idx), flags, t.state[idx]!),
    expiresMs: Math.max(0, expires - now),
    template: (flags & CONN_F.TEMPLATE) !== 0,
    pe: '',
    peData: '',
    fwd: fwdOfFlags(flags),
  };
}

/** Every hashed entry, bucket by bucket, newest first within a bucket. */
export function* connectionViews(c: Connections, now: number): Generator<ConnView, void, undefined> {
  const t = c.table;
  for (let b = 0; b < t.bucketCount; b++) {
    for (let i = t.bucketHead(b); i >= 0; i = t.chainNext(i)) yield connView(c, i, now);
  }
}
