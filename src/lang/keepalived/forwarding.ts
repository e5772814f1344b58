/**
 * lvs_method / lb_kind values (keepalived 2.2.7 check_parser.c svr_forwarding_handler):
 * `NAT`, `DR`, or `TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (case-sensitive).
 */
import type { Forwarding } from './model.js';
import { readUnsigned } from './numbers.js';
import type { Call } from './table.js';

export const DEFAULT_TUNNEL: Omit<Forwarding, 'method'> = { tunType: 'ipip', tunPort: 0, tunCsum: 'nocsum' };

/** Parse the method from word 1 on; returns the new forwarding, or null (reported) when invalid. */
export function parseForwarding(c: Call, kind: 'virtual' | 'real' | 'sorry'): Forwarding | null {
  const m = c.arg(1);
  const method = m === 'NAT' ? 'nat' : m === 'DR' ? 'dr' : m === 'TUN' ? 'tun' : null;
  if (method === null) {
    const upper = m.toUpperCase();
    const hint = upper === 'NAT' || upper === 'DR' || upper === 'TUN' ? `keepalived is case-sensitive: write '${upper}'` : 'expected NAT, DR or TUN';
    c.error('bad-value', `PARSER : unknown [${m}] routing method for ${kind} server.`, 1, hint);
    return null;
  }
  let tunType: Forwarding['tunType'] = 'ipip';
  let tunPort = 0;
  let tunCsum: Forwarding['tunCsum'] = 'nocsum';
  for (let i = 2; i < c.words.length; i++) {
    const w = c.arg(i);
    if (w === 'type') {
      if (i + 1 >= c.words.length) return (c.error('missing-required', `Missing tunnel type for ${kind} server.`, i), null);
      const t = c.arg(++i);
      if (t !== 'ipip' && t !== 'gue' && t !== 'gre') return (c.error('bad-value', `Unknown tunnel type ${t} for ${kind} server.`, i), null);
      tunType = t;
    } else if (w === 'port') {
      if (i + 1 >= c.words.length) return (c.error('missing-required', `Missing port for ${kind} server gue tunnel.`, i), null);
      const r = readUnsigned(c.arg(++i), 1, 65535);
      if (!r.ok) return (c.error('out-of-range', `Invalid gue tunnel port ${c.arg(i)} for ${kind} server.`, i, r.message), null);
      tunPort = r.value;
    } else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') tunCsum = w;
    else return (c.error('bad-value', `Invalid tunnel option ${w} for ${kind} server.`, i), null);
  }
  if ((tunType === 'gue') !== (tunPort !== 0)) return (c.error('conflict', 'gue tunnels require port, otherwise cannot have port.', 1), null);
  if (tunType === 'ipip' && tunCsum !== 'nocsum') return (c.error('conflict', 'ipip tunnels do not support checksum option.', 1), null);
  if (tunType === 'gre' && tunCsum === 'remcsum') return (c.error('conflict', 'gre tunnels do not support remote checksum option.', 1), null);
  return { method, tunType, tunPort, tunCsum };
}
