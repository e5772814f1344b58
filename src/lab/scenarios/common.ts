/** Pieces shared by the seed scenarios. */
import type { NodeSpec } from '../types.js';

/** The director's configuration when the seed programs it with ipvsadm only: no virtual servers. */
export function ipvsadmOnlyConf(routerId: string): string {
  return `# ipvsadm programs this director (the seed's script); keepalived.conf has no virtual servers\nglobal_defs {\n   router_id ${routerId}\n}\n`;
}

/** A node with one interface on one segment, a default route and sysctls. */
export function oneLink(name: string, role: NodeSpec['role'], ifname: string, segment: string, addrs: readonly string[], gw: string | null, extra: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name,
    role,
    links: [{ ifname, segment, addrs }],
    ...(gw ? { routes: [`default via ${gw}`] } : {}),
    ...extra,
  };
}
