// The option table: names, letters and argument kinds as ipvsadm 1.31 declares them to popt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLongOption, findShortOption, isCommandTag, OPTION_INDEX, OPTION_NAMES, OPTIONS } from './options.js';

test('message names come in checking order, and every one is reachable from some option', () => {
  assert.equal(OPTION_NAMES.length, 34);
  assert.equal(OPTION_INDEX.numeric, 0);
  assert.equal(OPTION_INDEX['service-address'], 2);
  assert.equal(OPTION_INDEX['tun-remcsum'], 33);
  const columns = new Set(OPTIONS.map((o) => o.column));
  assert.deepEqual(OPTION_NAMES.filter((n) => !columns.has(n)), []);
});

test('letters and long names are unique (apart from -L/-l sharing --list)', () => {
  const shorts = OPTIONS.flatMap((o) => (o.short === null ? [] : [o.short]));
  assert.equal(new Set(shorts).size, shorts.length);
  assert.equal(shorts.join(''), 'AEDCLlZaedhvRStufspMrmigwxyncX6ob');
  const longs = OPTIONS.map((o) => o.long);
  assert.deepEqual(longs.filter((l, i) => longs.indexOf(l) !== i), ['list']);
  assert.equal(findLongOption('list')?.short, 'L');
  assert.equal(findShortOption('l')?.tag, 'list');
  assert.equal(findLongOption('lis'), undefined, 'popt does not accept abbreviations');
});

test('argument kinds: -p alone has an optional value; commands take none but the daemons', () => {
  assert.deepEqual(OPTIONS.filter((o) => o.arg === 'optional').map((o) => o.long), ['persistent']);
  assert.deepEqual(
    OPTIONS.filter((o) => isCommandTag(o.tag) && o.arg !== 'none').map((o) => o.long),
    ['start-daemon', 'stop-daemon'],
  );
  assert.deepEqual(
    OPTIONS.filter((o) => !isCommandTag(o.tag) && o.arg === 'required').map((o) => o.long),
    ['tcp-service', 'udp-service', 'sctp-service', 'fwmark-service', 'scheduler', 'netmask', 'real-server', 'weight', 'u-threshold', 'l-threshold', 'mcast-interface', 'syncid', 'pe', 'sched-flags', 'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen', 'tun-type', 'tun-port'],
  );
  assert.deepEqual(OPTIONS.filter((o) => !isCommandTag(o.tag) && o.column === null).map((o) => o.long), ['sort', 'ipv6']);
});
