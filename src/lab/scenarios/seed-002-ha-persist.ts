/**
 * Seed 002: an LVS+keepalived master/backup pair in front of two web servers on port 8080, wrr
 * with persistence_timeout 50 and TCP_CHECK; the master is rebooted and the backup serves.
 */
import type { Scenario } from '../types.js';
import { oneLink } from './common.js';

const VIP = '172.17.252.38';
// The seed's real servers are public cloud addresses (39.106.40.172, 39.107.137.111); DR needs them
// on the directors' segment, so the lab gives them addresses in 172.17.240.0/20.
const WEB01 = '172.17.252.40';
const WEB02 = '172.17.252.41';

function keepalivedConf(routerId: string, state: 'MASTER' | 'BACKUP', priority: number): string {
  const rs = (addr: string): string => `    real_server ${addr} 8080 {
        weight 1
        TCP_CHECK {
        connect_timeout 8
        retry 3
        delay_before_retry 3
        connect_port 8080
        }
    }`;
  return `global_defs {
   router_id ${routerId}
}
vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
     ${VIP}/20
    }
}
virtual_server ${VIP} 8080 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    persistence_timeout 50
    protocol TCP
${rs(WEB01)}
${rs(WEB02)}
}
`;
}

const RS_SYSCTLS = { 'net.ipv4.conf.all.rp_filter': 0 };

export const seed002HaPersist: Scenario = {
  name: 'seed-002-ha-persist',
  seed: '002_ddfb45075f65aa2e.txt',
  title: 'keepalived master/backup, port 8080, wrr + persistence_timeout 50, TCP_CHECK; the master reboots',
  nodes: [
    oneLink('client', 'client', 'eth0', 'lan', ['172.17.252.50/20'], null),
    oneLink('lvs01', 'director', 'eth0', 'lan', ['172.17.252.34/20'], null),
    oneLink('lvs02', 'director', 'eth0', 'lan', ['172.17.252.35/20'], null),
    oneLink('web01', 'realserver', 'eth0', 'lan', [`${WEB01}/20`], null, { sysctls: RS_SYSCTLS }),
    oneLink('web02', 'realserver', 'eth0', 'lan', [`${WEB02}/20`], null, { sysctls: RS_SYSCTLS }),
  ],
  directors: [
    { node: 'lvs01', keepalived: keepalivedConf('LVS_01', 'MASTER', 150) },
    { node: 'lvs02', keepalived: keepalivedConf('LVS_02', 'BACKUP', 100) },
  ],
  realServers: [
    { node: 'web01', body: '<h1> web01  </h1>', port: 8080, vip: VIP, mode: 'dr' },
    { node: 'web02', body: '<h1>  web02 </h1>', port: 8080, vip: VIP, mode: 'dr' },
  ],
  client: { node: 'client', url: `http://${VIP}:8080/` },
  fixes: [
    '`connect_port 80` → `connect_port 8080` (lint: the check must probe the port the service uses)',
    '`nb_get_retry` → `retry`; `nat_mask 255.255.240.0` dropped (lint: obsolete, ignored by keepalived 2.x)',
    'real servers moved from public addresses into the directors\' segment (DR forwards on one link)',
  ],
  steps: [
    { kind: 'vip-on', node: 'lvs01', vip: VIP, present: true, withinMs: 10_000 },
    { kind: 'requests', count: 6, sameAnswer: true },
    { kind: 'adm', director: 'lvs01', argv: ['-L', '-n'], expectLine: `TCP  ${VIP}:8080 wrr persistent 50` },
    // `reboot` of lvs01: the daemon dies without a goodbye.
    { kind: 'fail-director', node: 'lvs01', how: 'kill', maxGapMs: 8_000, vipMovesTo: 'lvs02', vip: VIP, sameAnswerAfter: true },
    { kind: 'requests', count: 6, sameAnswer: true },
    // The seed's lvs_server.sh sets the same service up with `-s wlc -p 120`: applied to the
    // serving director, persistence still keeps the client on one real server.
    { kind: 'adm', director: 'lvs02', argv: ['-E', '-t', `${VIP}:8080`, '-s', 'wlc', '-p', '120'] },
    { kind: 'adm', director: 'lvs02', argv: ['-L', '-n'], expectLine: `TCP  ${VIP}:8080 wlc persistent 120` },
    { kind: 'requests', count: 6, sameAnswer: true },
  ],
  tryNext: [
    'tsvs lab probe                               # one client stays on one real server (persistence)',
    'tsvs lab fail director lvs01 --how kill      # the seed reboots lvs01',
    'tsvs lab heal director lvs01',
  ],
};
