import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipvs } from '../../core/ipvs.js';
import type { SyncDaemon } from '../../core/model.js';
import { formatDaemons, formatTimeout } from './list-misc.js';
import { applyAll, snapshot } from './list-testkit.js';

test('--timeout: kernel defaults, then seed 001/002 `--set 30 5 60`, then a partial --set (0 keeps a value)', () => {
  const ipvs = new Ipvs();
  assert.equal(formatTimeout(snapshot(ipvs).timeouts), 'Timeout (tcp tcpfin udp): 900 120 300\n');
  applyAll(ipvs, { type: 'set-timeouts', tcp: 30, tcpfin: 5, udp: 60 });
  assert.equal(formatTimeout(snapshot(ipvs).timeouts), 'Timeout (tcp tcpfin udp): 30 5 60\n');
  applyAll(ipvs, { type: 'set-timeouts', tcp: 0, tcpfin: 0, udp: 7200 });
  assert.equal(formatTimeout(snapshot(ipvs).timeouts), 'Timeout (tcp tcpfin udp): 30 5 7200\n');
});

const MASTER: SyncDaemon = { state: 'master', mcastIfn: 'eth0', syncid: 0, maxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 };
const BACKUP: SyncDaemon = { state: 'backup', mcastIfn: 'eth1', syncid: 5, maxlen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 };

test('--daemon: nothing when none runs; master first; the reference lines', () => {
  const ipvs = new Ipvs();
  assert.equal(formatDaemons(snapshot(ipvs).daemons), '');
  applyAll(ipvs, { type: 'start-daemon', daemon: BACKUP }, { type: 'start-daemon', daemon: MASTER });
  assert.equal(
    formatDaemons(snapshot(ipvs).daemons),
    'master sync daemon (mcast=eth0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n' +
      'backup sync daemon (mcast=eth1, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n',
  );
  // Reversed input order still lists the master first.
  assert.equal(formatDaemons([BACKUP, MASTER]), formatDaemons([MASTER, BACKUP]));
  applyAll(ipvs, { type: 'stop-daemon', state: 'master' });
  assert.equal(formatDaemons(snapshot(ipvs).daemons), 'backup sync daemon (mcast=eth1, syncid=5, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n');
});

test('--daemon: parts the daemon does not report are left out; IPv6 groups in inet_ntop form', () => {
  assert.equal(
    formatDaemons([{ ...MASTER, maxlen: 0, mcastGroup: '', mcastPort: 0, mcastTtl: 0 }]),
    'master sync daemon (mcast=eth0, syncid=0)\n',
  );
  assert.equal(
    formatDaemons([{ ...BACKUP, mcastGroup: 'ff02:0:0:0:0:0:0:81', mcastTtl: 0 }]),
    'backup sync daemon (mcast=eth1, syncid=5, maxlen=1472, group=ff02::81, port=8848)\n',
  );
});
