/**
 * Seed 004: the target system. Two directors (VRRP master/backup, TCP_CHECK), two httpd real
 * servers in DR mode, one client, all on one segment (ens160). The keepalived.conf files are the
 * seed's, with `nb_get_retry` written as `retry` (lint: old name).
 */
import type { NodeSpec, Scenario } from '../types.js';

const VIP = '192.168.64.100';

function keepalivedConf(routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string {
  return `global_defs {
   router_id ${routerId}
}

vrrp_instance VI_1 {
    state ${state}
    interface ens160
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        ${VIP}/32 dev ens160 label ens160:vip
    }
}
# VIP
virtual_server ${VIP} 80 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    protocol TCP

    # rs1
    real_server 192.168.64.143 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
    # rs2
    real_server 192.168.64.138 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;
}

const node = (name: string, role: NodeSpec['role'], addr: string, sysctls: Record<string, number> = {}): NodeSpec => ({
  name,
  role,
  links: [{ ifname: 'ens160', segment: 'lan', addrs: [`${addr}/24`] }],
  sysctls,
});

// The seed's real-server sysctl block (arp_ignore/arp_announce come from `tsvs realserver start`).
const RS_SYSCTLS = { 'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.lo.rp_filter': 0 };

export const seed004Ha: Scenario = {
  name: 'seed-004-ha',
  seed: '004_0abe354f2902d0af.txt',
  title: 'LVS-DR HA web cluster: two directors (VRRP, TCP_CHECK), two real servers, one client',
  nodes: [
    node('client', 'client', '192.168.64.136'),
    node('lvs1', 'director', '192.168.64.130', { 'net.ipv4.ip_forward': 1 }),
    node('lvs2', 'director', '192.168.64.137', { 'net.ipv4.ip_forward': 1 }),
    node('rs1', 'realserver', '192.168.64.143', RS_SYSCTLS),
    node('rs2', 'realserver', '192.168.64.138', RS_SYSCTLS),
  ],
  directors: [
    { node: 'lvs1', keepalived: keepalivedConf('LVS_MASTER', 'MASTER', 100) },
    { node: 'lvs2', keepalived: keepalivedConf('LVS_BACKUP', 'BACKUP', 90) },
  ],
  realServers: [
    { node: 'rs1', body: 'This is RS1', port: 80, vip: VIP, mode: 'dr' },
    { node: 'rs2', body: 'This is RS2', port: 80, vip: VIP, mode: 'dr' },
  ],
  client: { node: 'client', url: `http://${VIP}/` },
  fixes: ['`nb_get_retry 3` written as `retry 3` (lint: nb_get_retry is the old name)'],
  steps: [
    { kind: 'vip-on', node: 'lvs1', vip: VIP, present: true, withinMs: 10_000 },
    { kind: 'vrrp-adverts', node: 'client', ifname: 'ens160', from: '192.168.64.130', vrid: 51, prio: 100, vip: VIP },
    { kind: 'requests', count: 4, shares: { 'This is RS1': 2, 'This is RS2': 2 } },
    { kind: 'fail-director', node: 'lvs1', how: 'stop', maxGapMs: 3_000, vipMovesTo: 'lvs2', vip: VIP },
    { kind: 'vip-on', node: 'lvs1', vip: VIP, present: false, withinMs: 1_000 },
    // The seed's tcpdump after the failover: 192.168.64.137 advertises as master, priority 90.
    { kind: 'vrrp-adverts', node: 'client', ifname: 'ens160', from: '192.168.64.137', vrid: 51, prio: 90, vip: VIP },
    { kind: 'heal-director', node: 'lvs1', maxGapMs: 3_000, vipBackTo: 'lvs1', vip: VIP },
    { kind: 'fail-realserver', node: 'rs1', how: 'stop', director: 'lvs1', removedWithinMs: 25_000, othersOnly: ['This is RS2'] },
    { kind: 'heal-realserver', node: 'rs1', director: 'lvs1', backWithinMs: 15_000, answers: ['This is RS1', 'This is RS2'] },
  ],
  tryNext: [
    'tsvs lab probe                              # the client\'s curl loop: who answers, shares, gaps',
    'tsvs lab fail director lvs1 --how stop      # systemctl stop keepalived on the master (or --how kill|link)',
    'tsvs lab heal director lvs1',
    'tsvs lab fail realserver rs1                # systemctl stop httpd on rs1: only RS2 answers after the check',
    'tsvs lab heal realserver rs1',
    'ip netns exec tsvs-lab-lvs1 ip addr         # where the VIP is',
  ],
};
