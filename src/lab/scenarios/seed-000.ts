/**
 * Seed 000: LVS-DR with five hosts. A router (Mk.I) DNATs its public address to the VIP and SNATs
 * the replies; one director (Mk.II, VIP on an ens33:0 alias, send_redirects=0); two httpd real
 * servers (VIP on lo:0 /32, arp_ignore=1, arp_announce=2); a client with a curl loop. Then the
 * keepalived master/backup variant, with the configuration's slips fixed as lint advises.
 */
import type { DirectorSpec, NodeSpec, RouterSpec, Scenario } from '../types.js';
import { ipvsadmOnlyConf, oneLink } from './common.js';

const VIP = '192.168.16.200';
const PUBLIC = '192.168.17.101';

// Difference from the seed: its router uses iptables; the lab's router has nftables only, so the
// same two rules are written in nft (DNAT public:80 → VIP:80, SNAT sport 80 from the LAN → public:80).
const ROUTER: RouterSpec = {
  node: 'router',
  nft: `table ip tsvs_lab_nat {
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr ${PUBLIC} tcp dport 80 dnat to ${VIP}:80
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip saddr 192.168.16.0/24 tcp sport 80 snat to ${PUBLIC}:80
  }
}
`,
};

const NO_REDIRECTS = { 'net.ipv4.conf.all.send_redirects': 0, 'net.ipv4.conf.ens33.send_redirects': 0 };

function commonNodes(): NodeSpec[] {
  return [
    oneLink('client', 'client', 'ens33', 'vmnet2', ['192.168.17.105/24'], PUBLIC, { seedName: 'Mk.V' }),
    {
      name: 'router',
      role: 'router',
      seedName: 'Mk.I',
      links: [
        { ifname: 'ens33', segment: 'vmnet2', addrs: [`${PUBLIC}/24`] },
        { ifname: 'ens34', segment: 'vmnet3', addrs: ['192.168.16.101/24'] },
      ],
      sysctls: { 'net.ipv4.ip_forward': 1 },
    },
    oneLink('rs1', 'realserver', 'ens33', 'vmnet3', ['192.168.16.103/24'], '192.168.16.101', { seedName: 'Mk.III' }),
    oneLink('rs2', 'realserver', 'ens33', 'vmnet3', ['192.168.16.104/24'], '192.168.16.101', { seedName: 'Mk.IV' }),
  ];
}

const REAL_SERVERS: Scenario['realServers'] = [
  { node: 'rs1', body: 'RS1', port: 80, vip: VIP, mode: 'dr' },
  { node: 'rs2', body: 'RS2', port: 80, vip: VIP, mode: 'dr' },
];

const DIRECTOR_DR: DirectorSpec = {
  node: 'lvs',
  keepalived: ipvsadmOnlyConf('LVS_DR'),
  ipvsadm: [
    ['-A', '-t', `${VIP}:80`, '-s', 'rr'],
    ['-a', '-t', `${VIP}:80`, '-r', '192.168.16.103:80', '-w', '1', '-g'],
    ['-a', '-t', `${VIP}:80`, '-r', '192.168.16.104:80', '-w', '1', '-g'],
  ],
};

export const seed000Dr: Scenario = {
  name: 'seed-000-dr',
  seed: '000_bcf8cf52d57710a4.txt',
  title: 'LVS-DR behind a DNAT/SNAT router: one director (rr), two real servers, a client',
  nodes: [
    ...commonNodes(),
    oneLink('lvs', 'director', 'ens33', 'vmnet3', ['192.168.16.102/24', `${VIP}/24 label ens33:0`], '192.168.16.101', { seedName: 'Mk.II', sysctls: NO_REDIRECTS }),
  ],
  directors: [DIRECTOR_DR],
  realServers: REAL_SERVERS,
  router: ROUTER,
  client: { node: 'client', url: `http://${PUBLIC}/` },
  fixes: ['the seed adds only RS1 with `ipvsadm -a`; RS2 is added the same way (the table lists both)'],
  steps: [
    { kind: 'requests', count: 4, sequence: ['RS2', 'RS1', 'RS2', 'RS1'] },
    { kind: 'adm', director: 'lvs', argv: ['-L', '-n'], expectLine: `TCP  ${VIP}:80 rr` },
  ],
  tryNext: ['tsvs lab probe --interval 1s          # the seed\'s `while true; do sleep 1; curl 192.168.17.101; done`'],
};

function keepalivedConf(routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string {
  const rs = (addr: string): string => `    real_server ${addr} 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }`;
  return `global_defs {
    router_id ${routerId}
}

vrrp_instance VI_1 {
    state ${state}
    interface ens33
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        ${VIP}/24
    }
}

virtual_server ${VIP} 80 {
    delay_loop 6
    lb_algo rr
    lb_kind DR
    protocol TCP

${rs('192.168.16.103')}

${rs('192.168.16.104')}
}
`;
}

export const seed000Ha: Scenario = {
  name: 'seed-000-ha',
  seed: '000_bcf8cf52d57710a4.txt',
  title: 'seed 000 with a keepalived master/backup pair of directors behind the DNAT router',
  nodes: [
    ...commonNodes(),
    oneLink('lvs1', 'director', 'ens33', 'vmnet3', ['192.168.16.102/24'], '192.168.16.101', { seedName: 'Mk.II', sysctls: NO_REDIRECTS }),
    oneLink('lvs2', 'director', 'ens33', 'vmnet3', ['192.168.16.105/24'], '192.168.16.101', { seedName: 'Mk.VI', sysctls: NO_REDIRECTS }),
  ],
  directors: [
    { node: 'lvs1', keepalived: keepalivedConf('LVS_MASTER', 'MASTER', 100) },
    { node: 'lvs2', keepalived: keepalivedConf('LVS_BACKUP', 'BACKUP', 90) },
  ],
  realServers: REAL_SERVERS,
  router: ROUTER,
  client: { node: 'client', url: `http://${PUBLIC}/` },
  fixes: [
    '`gloal_defs` → `global_defs` (lint: did you mean)',
    '`virtual_server 192.168.200 80` → `virtual_server 192.168.16.200 80` (lint: bad address; the VIP)',
    '`delay_before_retrey` → `delay_before_retry`, `nb_get_retry` → `retry` (lint), and the three moved into a TCP_CHECK block (outside a checker they are unknown keywords)',
    '`persistence_timeout 0` dropped (lint: out of range; omitting it disables persistence, which the seed meant)',
    'the backup: `state BACKUP` (the seed\'s comment says SLAVE), priority 90, router_id LVS_BACKUP',
  ],
  steps: [
    { kind: 'vip-on', node: 'lvs1', vip: VIP, present: true, withinMs: 10_000 },
    { kind: 'requests', count: 4, shares: { RS1: 2, RS2: 2 } },
    // The seed: "断开主负载网络连接" — the master's network cable is pulled.
    { kind: 'fail-director', node: 'lvs1', how: 'link', maxGapMs: 8_000, vipMovesTo: 'lvs2', vip: VIP },
    { kind: 'heal-director', node: 'lvs1', maxGapMs: 8_000, vipBackTo: 'lvs1', vip: VIP },
  ],
  tryNext: [
    'tsvs lab probe',
    'tsvs lab fail director lvs1 --how link      # the seed pulls the master\'s network cable',
    'tsvs lab heal director lvs1',
  ],
};
