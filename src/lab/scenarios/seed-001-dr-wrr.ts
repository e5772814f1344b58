/**
 * Seed 001: LVS-DR behind a router, the director programmed by its start script: `ipvsadm --set
 * 30 5 60`, wrr, four real servers with weights 1, 1, 2, 2 (VIP on lo, arp_ignore/arp_announce).
 */
import type { NodeSpec, Scenario } from '../types.js';
import { ipvsadmOnlyConf, oneLink } from './common.js';

const VIP = '192.168.30.254';
const GW = '192.168.30.200';
const RIPS = ['192.168.30.111', '192.168.30.112', '192.168.30.113', '192.168.30.114'];
const WEIGHTS = [1, 1, 2, 2];

const realServerNodes: NodeSpec[] = RIPS.map((rip, i) => oneLink(`rs${i + 1}`, 'realserver', 'eth0', 'lan', [`${rip}/24`], GW, { seedName: `Real ${i + 1} (RIP${i + 1})` }));

export const seed001DrWrr: Scenario = {
  name: 'seed-001-dr-wrr',
  seed: '001_ff97010928e164c5.txt',
  title: 'LVS-DR, wrr over four real servers weighted 1,1,2,2, `ipvsadm --set 30 5 60`',
  nodes: [
    oneLink('client', 'client', 'eth0', 'wan', ['10.0.0.1/24'], '10.0.0.123'),
    {
      name: 'router',
      role: 'router',
      seedName: 'Router (e0/0, e0/1)',
      links: [
        { ifname: 'e0-1', segment: 'wan', addrs: ['10.0.0.123/24'] },
        { ifname: 'e0-0', segment: 'lan', addrs: [`${GW}/24`] },
      ],
      sysctls: { 'net.ipv4.ip_forward': 1 },
    },
    oneLink('director', 'director', 'eth0', 'lan', ['192.168.30.105/24', `${VIP}/32 brd ${VIP}`], GW),
    ...realServerNodes,
  ],
  directors: [
    {
      node: 'director',
      keepalived: ipvsadmOnlyConf('LVS_DIRECTOR'),
      ipvsadm: [
        ['--set', '30', '5', '60'],
        ['-A', '-t', `${VIP}:80`, '-s', 'wrr'],
        ...RIPS.map((rip, i) => ['-a', '-t', `${VIP}:80`, '-r', `${rip}:80`, '-g', '-w', String(WEIGHTS[i])]),
      ],
    },
  ],
  realServers: RIPS.map((_, i) => ({ node: `rs${i + 1}`, body: `RS${i + 1}`, port: 80, vip: VIP, mode: 'dr' as const })),
  client: { node: 'client', url: `http://${VIP}/` },
  fixes: [
    '`ipvsadm -A -t $VIP:80 -S wrr` → `-s wrr` (ipvsadm rejects -S here: invalid option)',
    'GW=192.168.30.1 (the client) → the router\'s 192.168.30.200, as the seed\'s `route add default gw` does',
    'the client sits behind the router\'s other interface (10.0.0.0/24), as in the topology picture',
  ],
  steps: [
    // The seed's own line fails as real ipvsadm 1.31 fails on it; the lab runs the fixed one.
    { kind: 'adm', director: 'director', argv: ['-A', '-t', `${VIP}:80`, '-S', 'wrr'], expectCode: 2, expectErr: "invalid option `-S'\n" },
    { kind: 'adm', director: 'director', argv: ['-L', '--timeout'], expect: 'Timeout (tcp tcpfin udp): 30 5 60\n' },
    { kind: 'requests', count: 12, shares: { RS1: 2, RS2: 2, RS3: 4, RS4: 4 } },
    { kind: 'adm', director: 'director', argv: ['-L', '-n'], expectLine: `TCP  ${VIP}:80 wrr` },
  ],
  tryNext: ['tsvs lab probe --count 60                 # shares 1:1:2:2', 'tsvs adm -L -n --api /run/tsvs/lab/seed-001-dr-wrr/director.sock'],
};
