/** The cluster map `tsvs lab up` prints: who is where, with which addresses, running what. */
import type { Scenario } from './types.js';
import { nsName } from './shell.js';

export function clusterMap(s: Scenario, dir: string): string {
  const lines = [`${s.name} — ${s.title}`, `seed: ${s.seed}`, ''];
  const rows = s.nodes.map((n) => {
    const addrs = n.links.map((l) => `${l.ifname}@${l.segment} ${l.addrs.map((a) => a.split(' ')[0]).join(' ')}`);
    if (n.loAddrs?.length) addrs.push(`lo ${n.loAddrs.join(' ')}`);
    const rs = s.realServers.find((r) => r.node === n.name);
    const d = s.directors.find((x) => x.node === n.name);
    const runs = d
      ? `tsvs run --engine packet${d.ipvsadm?.length ? ` + ${d.ipvsadm.length} ipvsadm commands` : ' (keepalived.conf)'}, api ${dir}/${n.name}.sock`
      : rs
        ? `http :${rs.port} "${rs.body}"${rs.vip ? `, tsvs realserver --vip ${rs.vip}${rs.mode === 'tun' ? ' --mode tun' : ''}` : ''}`
        : n.role === 'router'
          ? `forwarding${s.router?.node === n.name ? ', nft DNAT/SNAT' : ''}`
          : n.role === 'client'
            ? `curl ${s.client.url}`
            : '';
    const routes = n.routes?.length ? `routes: ${n.routes.join('; ')}` : '';
    return [`${n.name}${n.seedName ? ` (${n.seedName})` : ''}`, n.role, addrs.join('; '), runs, routes];
  });
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const pad = `  ${''.padEnd(w[0]!)}  ${''.padEnd(w[1]!)}  `;
  for (const r of rows) {
    lines.push(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]}`);
    for (const extra of [r[4]!, r[3]!]) if (extra) lines.push(`${pad}${extra}`);
  }
  lines.push('', `namespaces: ${s.nodes.map((n) => nsName(n.name)).join(' ')} (+ ${nsName('sw')}, the switch)`, `state: ${dir}`);
  if (s.fixes.length) lines.push('', 'fixed from the seed (as `tsvs lint` advises):', ...s.fixes.map((f) => `  - ${f}`));
  return `${lines.join('\n')}\n`;
}
