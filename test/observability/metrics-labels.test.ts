// /metrics keeps each series' label text from one scrape to the next (metrics.ts labelTexts):
// a change of what the labels say (scheduler, persistence, forwarding method) shows at the next
// scrape, and series that left the table leave the exposition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition } from '../../src/api/metrics-format.js';
import { renderMetrics } from '../../src/api/metrics.js';
import { FakeClock } from '../../src/core/fake-clock.js';
import { Director } from '../../src/engine/director.js';
import { addDest, addService, destSpec, svcSpec, tcpKey } from '../../src/engine/testkit.js';
import { fakeVrrp } from './fake-vrrp.js';

const info = { status: 'ok' as const, version: 't', pid: 1, engine: 'proxy', dataplane: 'none' as const, configFile: null, uptimeMs: 0 };

test('label texts follow the table between scrapes', () => {
  const clock = new FakeClock(0);
  const director = new Director({ clock, timers: clock });
  const vs = tcpKey('10.0.0.1', 80);
  assert.ok(director.apply([addService(svcSpec(vs, 'rr')), addDest(vs, destSpec('10.0.1.1', 8080)), addDest(vs, destSpec('10.0.1.2', 8080))], 'atomic').ok);
  const scrape = (): string[] =>
    parseExposition(renderMetrics({ info, snapshot: director.snapshot(), dataplane: director.dataplaneInfo(), health: [], vrrp: fakeVrrp([]), events: {}, process: null }))
      .filter((s) => s.name === 'tsvs_ipvs_service_info' || s.name === 'tsvs_ipvs_backend_info')
      .map((s) => `${s.name} ${s.labels['scheduler'] ?? ''}${s.labels['persistent'] ?? ''}${s.labels['timeout'] ?? ''} ${s.labels['remote_address'] ?? ''} ${s.labels['forward'] ?? ''}`.replace(/ +/g, ' ').trim());
  assert.deepEqual(scrape(), ['tsvs_ipvs_service_info rrfalse0', 'tsvs_ipvs_backend_info 10.0.1.2 nat', 'tsvs_ipvs_backend_info 10.0.1.1 nat']);
  assert.ok(director.apply([
    { type: 'edit-service', service: svcSpec(vs, 'wlc', { flags: 1, timeout: 300 }) },
    { type: 'edit-dest', service: vs, dest: destSpec('10.0.1.1', 8080, 'dr') },
    { type: 'delete-dest', service: vs, dest: { family: 4, addr: '10.0.1.2', port: 8080 } },
  ], 'atomic').ok);
  assert.deepEqual(scrape(), ['tsvs_ipvs_service_info wlctrue300', 'tsvs_ipvs_backend_info 10.0.1.1 dr']);
});
