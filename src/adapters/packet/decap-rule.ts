/**
 * The real server's rule for the user-space decapsulator: the host must not answer the outer
 * IP-in-IP packets itself (ICMP "protocol unreachable" / ICMPv6 "parameter problem", as it has
 * no tunnel module), so they are dropped for the host at prerouting; the decapsulator's ring
 * sees them before netfilter. nftables table `inet tsvs_realserver`, or, where `nft` is missing
 * or refused, an iptables chain TSVS_DECAP in the raw table (the same choice as the director's
 * host rule, system.ts).
 */
import { iptablesTools, type IptablesFlavour } from './iptables-rules.js';
import type { HostRulesBackend, RunCommand } from './system.js';

export const DECAP_TABLE = 'tsvs_realserver';
export const DECAP_CHAIN = 'TSVS_DECAP';

export function decapNftScript(localAddr: string): string {
  const match = localAddr.includes(':') ? `ip6 daddr ${localAddr} ip6 nexthdr { 4, 41 }` : `ip daddr ${localAddr} ip protocol { 4, 41 }`;
  return [
    `table inet ${DECAP_TABLE}`,
    `delete table inet ${DECAP_TABLE}`,
    `table inet ${DECAP_TABLE} {`,
    '  chain prerouting {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    ${match} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The restore script for the tunnel end's family (`-p` matches the first next header for IPv6, as nft's `ip6 nexthdr`). */
export function decapIptablesScript(localAddr: string, jump: boolean): string {
  const addr = `${localAddr}/${localAddr.includes(':') ? 128 : 32}`;
  return ['*raw', `:${DECAP_CHAIN} - [0:0]`, `-A ${DECAP_CHAIN} -d ${addr} -p 4 -j DROP`, `-A ${DECAP_CHAIN} -d ${addr} -p 41 -j DROP`, ...(jump ? [`-I PREROUTING 1 -j ${DECAP_CHAIN}`] : []), 'COMMIT', ''].join('\n');
}

/** Install the rule; returns where it went. Throws with every attempt's error when none works. */
export async function installDecapRule(run: RunCommand, localAddr: string): Promise<HostRulesBackend> {
  const errors: string[] = [];
  try {
    await run('nft', ['-f', '-'], decapNftScript(localAddr));
    return 'nft';
  } catch (e) {
    errors.push(`nft: ${message(e)}`);
  }
  const family = localAddr.includes(':') ? 6 : 4;
  for (const flavour of ['iptables', 'iptables-legacy'] as const) {
    const { cmd, restore } = iptablesTools(flavour, family);
    try {
      const jumped = await run(cmd, ['-t', 'raw', '-C', 'PREROUTING', '-j', DECAP_CHAIN]).then(
        () => true,
        () => false,
      );
      await run(restore, ['--noflush'], decapIptablesScript(localAddr, !jumped));
      return flavour;
    } catch (e) {
      errors.push(`${flavour}: ${message(e)}`);
    }
  }
  throw new Error(`cannot install the decapsulator's rule (${errors.join('; ')})`);
}

/** Remove the rule from where it was installed (each step may fail: it may be gone already). */
export async function removeDecapRule(run: RunCommand, backend: HostRulesBackend, localAddr: string): Promise<void> {
  if (backend === 'nft') {
    await run('nft', ['delete', 'table', 'inet', DECAP_TABLE]).catch(() => undefined);
    return;
  }
  const { cmd } = iptablesTools(backend satisfies IptablesFlavour, localAddr.includes(':') ? 6 : 4);
  for (const args of [['-D', 'PREROUTING', '-j', DECAP_CHAIN], ['-F', DECAP_CHAIN], ['-X', DECAP_CHAIN]]) await run(cmd, ['-t', 'raw', ...args]).catch(() => undefined);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
