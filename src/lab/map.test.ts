import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterMap } from './map.js';
import { seed003Nat } from './scenarios/seed-003.js';

test('clusterMap: who is where, with which address and route, running what; then the fixes', () => {
  assert.equal(
    clusterMap(seed003Nat, '/run/tsvs/lab/seed-003-nat'),
    `seed-003-nat — LVS-NAT: the director between the client network and the servers' network, wrr, weight 3:1, save/restore
seed: 003_5da50c6af77bfbb8.txt

  client  client      ens33@ext 172.18.0.1/24
                      curl http://172.18.0.100/
  lvs     director    ens33@ext 172.18.0.100/24; ens37@int 192.168.59.100/24
                      routes: default via 172.18.0.1
                      tsvs run --engine packet + 3 ipvsadm commands, api /run/tsvs/lab/seed-003-nat/lvs.sock
  rs1     realserver  ens33@int 192.168.59.131/24
                      routes: default via 192.168.59.100
                      http :80 "仅主机 192.168.59.131"
  rs2     realserver  ens33@int 192.168.59.132/24
                      routes: default via 192.168.59.100
                      http :80 "仅主机 192.168.59.132"

namespaces: tsvs-lab-client tsvs-lab-lvs tsvs-lab-rs1 tsvs-lab-rs2 (+ tsvs-lab-sw, the switch)
state: /run/tsvs/lab/seed-003-nat

fixed from the seed (as \`tsvs lint\` advises):
  - \`apt install ngixn\` → nginx (the lab starts nginx itself, or a built-in server without it)
`,
  );
});
