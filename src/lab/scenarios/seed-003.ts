/**
 * Seed 003: the four modes of one lab — LVS-NAT (two interfaces, `-m`, a weight edited to 3,
 * `ipvsadm-save -n` / `ipvsadm-restore`), LVS-DR on one segment behind a router, LVS-DR with the
 * VIP in another network, and LVS-TUN (IP-in-IP). Client 172.18.0.0/24, servers 192.168.59.0/24.
 */
import type { NodeSpec, RealServerSpec, Scenario } from '../types.js';
import { ipvsadmOnlyConf, oneLink } from './common.js';

const RS1 = '192.168.59.131';
const RS2 = '192.168.59.132';
const BODY1 = '仅主机 192.168.59.131';
const BODY2 = '仅主机 192.168.59.132';
const NO_RP_FILTER = { 'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.ens33.rp_filter': 0 };

// ---- LVS-NAT ---------------------------------------------------------------------------------

const NAT_VIP = '172.18.0.100';

export const seed003Nat: Scenario = {
  name: 'seed-003-nat',
  seed: '003_5da50c6af77bfbb8.txt',
  title: 'LVS-NAT: the director between the client network and the servers\' network, wrr, weight 3:1, save/restore',
  nodes: [
    oneLink('client', 'client', 'ens33', 'ext', ['172.18.0.1/24'], null),
    {
      name: 'lvs',
      role: 'director',
      links: [
        { ifname: 'ens33', segment: 'ext', addrs: [`${NAT_VIP}/24`] },
        { ifname: 'ens37', segment: 'int', addrs: ['192.168.59.100/24'] },
      ],
      routes: ['default via 172.18.0.1'],
      sysctls: { 'net.ipv4.ip_forward': 1 },
    },
    oneLink('rs1', 'realserver', 'ens33', 'int', [`${RS1}/24`], '192.168.59.100'),
    oneLink('rs2', 'realserver', 'ens33', 'int', [`${RS2}/24`], '192.168.59.100'),
  ],
  directors: [
    {
      node: 'lvs',
      keepalived: ipvsadmOnlyConf('LVS_NAT'),
      ipvsadm: [
        ['-A', '-t', `${NAT_VIP}:80`, '-s', 'wrr'],
        ['-a', '-t', `${NAT_VIP}:80`, '-r', `${RS1}:80`, '-m'],
        ['-a', '-t', `${NAT_VIP}:80`, '-r', `${RS2}:80`, '-m'],
      ],
    },
  ],
  realServers: [
    { node: 'rs1', body: BODY1, port: 80, mode: 'nat' },
    { node: 'rs2', body: BODY2, port: 80, mode: 'nat' },
  ],
  client: { node: 'client', url: `http://${NAT_VIP}/` },
  fixes: ['`apt install ngixn` → nginx (the lab starts nginx itself, or a built-in server without it)'],
  steps: [
    { kind: 'requests', count: 4, shares: { [BODY1]: 2, [BODY2]: 2 } },
    { kind: 'adm', director: 'lvs', argv: ['-e', '-t', `${NAT_VIP}:80`, '-r', `${RS1}:80`, '-m', '-w', '3'] },
    { kind: 'requests', count: 8, shares: { [BODY1]: 6, [BODY2]: 2 } },
    { kind: 'save-restore', director: 'lvs' },
    { kind: 'requests', count: 4, shares: { [BODY1]: 3, [BODY2]: 1 } },
  ],
  tryNext: [
    'tsvs lab probe --count 40                   # 3:1 after the weight edit',
    `tsvs adm -e -t ${NAT_VIP}:80 -r ${RS1}:80 -m -w 1 --api /run/tsvs/lab/seed-003-nat/lvs.sock`,
  ],
};

// ---- LVS-DR, one segment behind a router ---------------------------------------------------

function routed(director: NodeSpec, servers: readonly NodeSpec[], routerAddrs: readonly string[], routerRoutes: readonly string[] = []): NodeSpec[] {
  return [
    oneLink('client', 'client', 'ens33', 'ext', ['172.18.0.10/24'], '172.18.0.100', { seedName: 'CIP' }),
    {
      name: 'router',
      role: 'router',
      seedName: 'route',
      links: [
        { ifname: 'ens160', segment: 'ext', addrs: ['172.18.0.100/24'] },
        { ifname: 'ens224', segment: 'int', addrs: routerAddrs },
      ],
      routes: routerRoutes,
      sysctls: { 'net.ipv4.ip_forward': 1 },
    },
    director,
    ...servers,
  ];
}

const drServers = (): NodeSpec[] => [
  oneLink('rs1', 'realserver', 'ens33', 'int', [`${RS1}/24`], '192.168.59.200', { seedName: 'RS1', sysctls: NO_RP_FILTER }),
  oneLink('rs2', 'realserver', 'ens33', 'int', [`${RS2}/24`], '192.168.59.200', { seedName: 'RS2', sysctls: NO_RP_FILTER }),
];

const lvsNode = (loAddrs: readonly string[]): NodeSpec =>
  oneLink('lvs', 'director', 'ens37', 'int', ['192.168.59.130/24'], '192.168.59.200', { loAddrs, sysctls: { 'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.ens37.rp_filter': 0 } });

const rsSpecs = (vip: string, mode: 'dr' | 'tun'): RealServerSpec[] => [
  { node: 'rs1', body: BODY1, port: 80, vip, mode, ...(mode === 'tun' ? { dev: 'ens33' } : {}) },
  { node: 'rs2', body: BODY2, port: 80, vip, mode, ...(mode === 'tun' ? { dev: 'ens33' } : {}) },
];

const SINGLE_VIP = '192.168.59.100';

export const seed003DrSingle: Scenario = {
  name: 'seed-003-dr-single',
  seed: '003_5da50c6af77bfbb8.txt',
  title: 'LVS-DR on one segment: the client behind a router, the VIP on the director\'s lo, rr',
  nodes: routed(lvsNode([`${SINGLE_VIP}/32`]), drServers(), ['192.168.59.200/24']),
  directors: [
    {
      node: 'lvs',
      keepalived: ipvsadmOnlyConf('LVS_DR_SINGLE'),
      ipvsadm: [
        ['-A', '-t', `${SINGLE_VIP}:80`, '-s', 'rr'],
        ['-a', '-t', `${SINGLE_VIP}:80`, '-r', `${RS1}:80`, '-g'],
        ['-a', '-t', `${SINGLE_VIP}:80`, '-r', `${RS2}:80`, '-g'],
      ],
    },
  ],
  realServers: rsSpecs(SINGLE_VIP, 'dr'),
  client: { node: 'client', url: `http://${SINGLE_VIP}/` },
  fixes: ['RS2 is given the VIP 192.168.59.100 (the seed\'s `ifconfig lo:1 10.0.0.100` on RS2 is the next section\'s address)', '`crul` → curl'],
  steps: [
    { kind: 'requests', count: 4, sequence: [BODY2, BODY1, BODY2, BODY1] },
    { kind: 'adm', director: 'lvs', argv: ['-L', '-n'], expectLine: `TCP  ${SINGLE_VIP}:80 rr` },
  ],
  tryNext: ['tsvs lab probe'],
};

// ---- LVS-DR with the VIP in another network --------------------------------------------------

const MULTI_VIP = '10.0.0.100';

export const seed003DrMulti: Scenario = {
  name: 'seed-003-dr-multi',
  seed: '003_5da50c6af77bfbb8.txt',
  title: 'LVS-DR across networks: VIP 10.0.0.100 routed by the router to the director, real servers in 192.168.59.0/24',
  nodes: routed(lvsNode([`${MULTI_VIP}/32`]), drServers(), ['192.168.59.200/24', '10.0.0.200/24'], [`${MULTI_VIP}/32 via 192.168.59.130`]),
  directors: [
    {
      node: 'lvs',
      keepalived: ipvsadmOnlyConf('LVS_DR_MULTI'),
      ipvsadm: [
        ['-C'],
        ['-A', '-t', `${MULTI_VIP}:80`, '-s', 'wrr'],
        ['-a', '-t', `${MULTI_VIP}:80`, '-r', `${RS1}:80`, '-g', '-w', '1'],
        ['-a', '-t', `${MULTI_VIP}:80`, '-r', `${RS2}:80`, '-g', '-w', '1'],
      ],
    },
  ],
  realServers: rsSpecs(MULTI_VIP, 'dr'),
  client: { node: 'client', url: `http://${MULTI_VIP}/` },
  fixes: [
    'the router gets a route `10.0.0.100/32 via 192.168.59.130` instead of the VIP on its own lo:1 (with it, the router would answer the client itself)',
    '`lvsadm -C` → `ipvsadm -C`; `crul 10.0.0.200` → curl 10.0.0.100 (the VIP)',
  ],
  steps: [
    { kind: 'requests', count: 4, shares: { [BODY1]: 2, [BODY2]: 2 } },
    { kind: 'adm', director: 'lvs', argv: ['-L', '-n'], expectLine: `TCP  ${MULTI_VIP}:80 wrr` },
  ],
  tryNext: ['tsvs lab probe'],
};

// ---- LVS-TUN -----------------------------------------------------------------------------------

export const seed003Tun: Scenario = {
  name: 'seed-003-tun',
  seed: '003_5da50c6af77bfbb8.txt',
  title: 'LVS-TUN: IP-in-IP from the director to real servers that decapsulate and answer the client directly',
  // Difference from the seed: it puts the VIP on tunl0; this kernel may have no ipip module, so the
  // director holds it on lo and the real servers run `tsvs realserver --mode tun` (a user-space
  // decapsulator) — the packets on the wire are the same IP-in-IP.
  nodes: routed(lvsNode([`${SINGLE_VIP}/32`]), drServers(), ['192.168.59.200/24']),
  directors: [
    {
      node: 'lvs',
      keepalived: ipvsadmOnlyConf('LVS_TUN'),
      ipvsadm: [
        ['-A', '-t', `${SINGLE_VIP}:80`, '-s', 'wrr'],
        ['-a', '-t', `${SINGLE_VIP}:80`, '-r', `${RS1}:80`, '-i', '-w', '1'],
        ['-a', '-t', `${SINGLE_VIP}:80`, '-r', `${RS2}:80`, '-i', '-w', '1'],
      ],
    },
  ],
  realServers: rsSpecs(SINGLE_VIP, 'tun'),
  client: { node: 'client', url: `http://${SINGLE_VIP}/` },
  fixes: [
    'the seed shows no ipvsadm lines for TUN: the DR-multi rules with `-i` (ipip) instead of `-g`, VIP 192.168.59.100',
    '`curl 192.168.59.200` (the router) → curl 192.168.59.100 (the VIP)',
  ],
  steps: [
    { kind: 'requests', count: 4, shares: { [BODY1]: 2, [BODY2]: 2 } },
    { kind: 'adm', director: 'lvs', argv: ['-L', '-n'], expectLine: `-> ${RS1}:80 Tunnel 1` },
  ],
  tryNext: ['tsvs lab probe'],
};
