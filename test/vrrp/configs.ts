/** keepalived.conf texts for the namespace labs (the same file runs under tsvs and keepalived). */

export interface VrrpConf {
  readonly name?: string;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly priority: number;
  readonly vrid?: number;
  readonly version?: 2 | 3;
  readonly advertInt?: number;
  /** PASS password (VRRPv2 only); null for none. */
  readonly auth?: string | null;
  readonly vips?: readonly string[];
  readonly nopreempt?: boolean;
  readonly unicast?: { readonly src: string; readonly peers: readonly string[] };
  readonly extra?: readonly string[];
  /** Lines for global_defs. */
  readonly global?: readonly string[];
}

export function vrrpConf(c: VrrpConf): string {
  const version = c.version ?? 2;
  const lines: string[] = [];
  if (c.global?.length) lines.push('global_defs {', ...c.global.map((l) => `    ${l}`), '}', '');
  lines.push(`vrrp_instance ${c.name ?? 'VI_1'} {`);
  lines.push(`    state ${c.state ?? 'BACKUP'}`, '    interface eth0', `    virtual_router_id ${c.vrid ?? 51}`, `    priority ${c.priority}`);
  lines.push(`    advert_int ${c.advertInt ?? 1}`, `    version ${version}`);
  if (c.nopreempt) lines.push('    nopreempt');
  const auth = c.auth === undefined ? (version === 2 ? 'secret12' : null) : c.auth;
  if (auth !== null) lines.push('    authentication {', '        auth_type PASS', `        auth_pass ${auth}`, '    }');
  if (c.unicast) {
    lines.push(`    unicast_src_ip ${c.unicast.src}`, '    unicast_peer {', ...c.unicast.peers.map((p) => `        ${p}`), '    }');
  }
  lines.push('    virtual_ipaddress {', ...(c.vips ?? ['10.99.0.100/32 dev eth0 label eth0:vip']).map((v) => `        ${v}`), '    }');
  for (const e of c.extra ?? []) lines.push(`    ${e}`);
  lines.push('}', '');
  return lines.join('\n');
}
