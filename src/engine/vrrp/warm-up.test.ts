import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, instanceConfig, vip, vrrpConfig } from '../../core/vrrp/testkit.js';
import { warmTakeoverPath } from './warm-up.js';

test('the warm-up builds one advert, the GARP/NA frames and the VIP requests of every instance', () => {
  const cfg = vrrpConfig([
    instanceConfig(),
    instanceConfig({ name: 'V6', family: 6, version: 3, vrid: 9, vips: [vip('2001:db8::1')], mcastGroup: 'ff02::12' }),
  ]);
  const n = warmTakeoverPath(cfg, new Map([['eth0', facts('10.0.0.1', true, { linkLocal6: 'fe80::1' })]]));
  // v2: advert 40, GARP 42, RTM_NEWADDR 40; v3 over IPv6: advert 24, NA 86, RTM_NEWADDR 44.
  assert.equal(n, 40 + 42 + 40 + 24 + 86 + 44);
});
