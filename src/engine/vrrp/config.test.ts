import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { vrrpSetup } from './config.js';

function setup(text: string) {
  const r = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': text }), configId: 'x' });
  return vrrpSetup(r.model);
}

test('seed 004 master: times in µs, PASS bytes, VIP with dev and label, own interface tracked, keepalived defaults', () => {
  const s = setup(`vrrp_instance VI_1 {
    state MASTER
    interface ens160
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.64.100/32 dev ens160 label ens160:vip
    }
}
`);
  const i = s.machine.instances[0]!;
  assert.deepEqual({ ...i, authData: Buffer.from(i.authData!).toString('hex') }, {
    name: 'VI_1', ifname: 'ens160', family: 4, vrid: 51, version: 2, priority: 100, wantMaster: true, advertIntUs: 1_000_000,
    nopreempt: false, preemptDelayUs: 0, authType: 1, authData: '3131313100000000',
    vips: [{ address: '192.168.64.100', family: 4, prefix: 32, dev: 'ens160', broadcast: null, scope: null, label: 'ens160:vip', peer: null, noDad: false, noPrefixRoute: false, home: false, preferredLft: null }],
    evips: [], srcIp: null, unicastPeers: [], mcastGroup: '224.0.0.18', unicastTtl: 255,
    garp: { masterDelayUs: 5_000_000, masterRepeat: 5, masterRefreshUs: 0, masterRefreshRepeat: 1, lowerPrioDelayUs: 5_000_000, lowerPrioRepeat: 5 },
    lowerPrioNoAdvert: false, higherPrioSendAdvert: false, downTimerAdverts: 3, skipCheckAdvAddr: false, checkUnicastSrc: false, oldUnicastChecksum: false,
    trackInterfaces: [{ name: 'ens160', weight: 0, reverse: false }], trackScripts: [], syncGroup: null,
  });
  assert.deepEqual(s.problems, []);
});

test('sync groups: member weights cleared, group trackers copied to members; scripts and notify scripts', () => {
  const s = setup(`vrrp_script chk {
    script "/usr/bin/true"
    interval 2
    weight 10
    fall 3
}
vrrp_sync_group G {
    group {
        A
        B
    }
    track_script {
        chk weight -20
    }
    notify_master "/bin/g-master"
}
vrrp_instance A {
    interface eth0
    virtual_router_id 1
    priority 100
    dont_track_primary
    track_interface {
        eth9 weight 5
    }
    track_script {
        chk
    }
    virtual_ipaddress {
        10.0.0.1
    }
}
vrrp_instance B {
    interface eth1
    virtual_router_id 2
    priority 100
    version 3
    advert_int 0.1
    virtual_ipaddress {
        10.0.1.1
    }
}
`);
  const [a, b] = s.machine.instances;
  assert.deepEqual(a!.trackInterfaces, [{ name: 'eth9', weight: 0, reverse: false }]);
  assert.deepEqual(a!.trackScripts, [{ name: 'chk', weight: -20, reverse: false }]);
  assert.deepEqual(b!.trackInterfaces, [{ name: 'eth1', weight: 0, reverse: false }]);
  assert.deepEqual([b!.version, b!.advertIntUs, b!.syncGroup], [3, 100_000, 'G']);
  assert.deepEqual(s.machine.syncGroups, [{ name: 'G', members: ['A', 'B'] }]);
  assert.deepEqual(s.machine.scripts, [{ name: 'chk', rise: 1, fall: 3, initFail: false }]);
  assert.deepEqual(s.scripts.map((r) => [r.name, r.script.args, r.intervalMs, r.timeoutMs]), [['chk', ['/usr/bin/true'], 2000, 2000]]);
  assert.deepEqual(s.groupNotify.get('G')!.master!.args, ['/bin/g-master']);
});

test('AH authentication is refused with a reason; unicast and the IPv6 group', () => {
  const s = setup(`vrrp_instance AH {
    interface eth0
    virtual_router_id 1
    authentication {
        auth_type AH
        auth_pass secret
    }
    virtual_ipaddress {
        10.0.0.1
    }
}
vrrp_instance U {
    interface eth0
    virtual_router_id 2
    unicast_src_ip 10.0.0.2
    unicast_peer {
        10.0.0.3
    }
    virtual_ipaddress {
        10.0.0.2
    }
}
vrrp_instance V6 {
    interface eth0
    virtual_router_id 3
    virtual_ipaddress {
        2001:db8::1
    }
}
`);
  assert.deepEqual(s.problems, ['(AH) auth_type AH is not supported by tsvs - instance not started']);
  const [u, v6] = s.machine.instances;
  assert.deepEqual([u!.srcIp, u!.unicastPeers], ['10.0.0.2', [{ address: '10.0.0.3', minTtl: 0, maxTtl: 255 }]]);
  assert.deepEqual([v6!.family, v6!.version, v6!.mcastGroup, v6!.vips[0]!.prefix], [6, 3, 'ff02::12', 128]);
});
