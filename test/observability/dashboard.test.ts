// The dashboard in headless Chromium (Debian's chromium package driven by playwright-core): the
// page renders from the daemon alone, shows a real server going down within the check interval
// (a real TCP_CHECK against a real backend), and draws a VRRP transition. VRRP itself needs root,
// raw sockets and the native addon, so here the VRRP status the daemon reports is swapped for a
// fixed one through the control plane (a test hook) and the transition is recorded in the event
// log as the VRRP engine's hook records it; the stream and the page are real. The same page
// against two real daemons doing real VRRP in namespaces: dashboard-vrrp.test.ts.
// Screenshots of each state go to test-artifacts/. With CI=true a missing chromium fails the
// test; elsewhere the test is skipped with the reason.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../src/core/ports.js';
import { vrrpTransitionEvent } from '../../src/engine/events.js';
import type { VrrpStatusReport } from '../../src/engine/vrrp/engine.js';
import { keepalivedSource } from '../../src/main/keepalived-source.js';
import { startDaemon } from '../../src/main/daemon.js';
import { freePort } from '../proxy/harness.js';
import { fakeVrrp } from './fake-vrrp.js';
import { httpGet } from './http.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const DELAY_LOOP_S = 1;
const CONNECT_TIMEOUT_S = 0.5;
/** A check interval, the check's own timeout, one status tick (1 s) and slack for a shared machine. */
const DOWN_WITHIN_MS = DELAY_LOOP_S * 1000 + CONNECT_TIMEOUT_S * 1000 + 1000 + 1500;

const dir = mkdtempSync(join(tmpdir(), 'tsvs-dashboard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium)`;
}

async function backend(): Promise<Server> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    s.end('ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

/** One connection through the VIP: what the real server answered. */
function through(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    let got = '';
    s.on('data', (c: Buffer) => (got += c));
    s.on('end', () => {
      s.end();
      resolve(got);
    });
    s.on('error', reject);
  });
}

const missing = chromiumMissing();
if (missing && process.env['CI'] === 'true') {
  test('dashboard in headless Chromium', () => assert.fail(`CI=true but ${missing}`));
} else {
  test('dashboard in headless Chromium: renders, a real server goes down, a VRRP transition', { skip: missing ?? false }, async () => {
    const { chromium } = await import('playwright-core');
    const a = await backend();
    const b = await backend();
    const pa = (a.address() as AddressInfo).port;
    const pb = (b.address() as AddressInfo).port;
    const file = join(dir, 'keepalived.conf');
    const rs = (p: number) => `  real_server 127.0.0.1 ${p} {\n    weight 2\n    TCP_CHECK {\n      connect_timeout ${CONNECT_TIMEOUT_S}\n      retry 0\n    }\n  }\n`;
    writeFileSync(file, `virtual_server 127.0.0.142 41421 {\n  delay_loop ${DELAY_LOOP_S}\n  warmup 0\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n${rs(pa)}${rs(pb)}}\n`);
    const logger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
    const port = await freePort('127.0.0.1');
    const token = 'dashboard-test-token';
    const d = await startDaemon({
      version: '0.9.0', engine: 'proxy', logger, socketPath: join(dir, 'api.sock'),
      tcp: { host: '127.0.0.1', port, token },
      config: { file, source: keepalivedSource(file, 'x', logger), configId: 'x' },
    });
    const peer = (heardMsAgo: number) => [{ address: '192.168.0.1', priority: 150, heardMsAgo }];
    let vrrp: VrrpStatusReport = fakeVrrp([{ name: 'VI_WEB', state: 'BACKUP', priority: 100, peers: peer(200) }]);
    Object.assign(d.control, { vrrpStatus: () => vrrp });
    mkdirSync(ARTIFACTS, { recursive: true });
    const profile = mkdtempSync(join(tmpdir(), 'tsvs-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      // Traffic first, so the chart has shares to draw: wrr with equal weights alternates.
      for (let i = 0; i < 4; i++) assert.equal(await through('127.0.0.142', 41421), 'ok');
      // The page and its files need no token; the data does.
      assert.equal((await httpGet({ host: '127.0.0.1', port }, '/')).status, 200);
      assert.equal((await httpGet({ host: '127.0.0.1', port }, '/metrics')).status, 401);
      const page = context.pages()[0] ?? (await context.newPage());
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(`http://127.0.0.1:${port}/`)) foreign.push(r.url());
      });
      await page.goto(`http://127.0.0.1:${port}/#token=${token}`);
      await page.waitForSelector('#link[data-link="up"]', { timeout: 5000 });
      const row = (p: number, health: string) => `#ipvs tr[data-rs="127.0.0.1:${p}"][data-health="${health}"]`;
      await page.waitForSelector(row(pa, 'up'), { timeout: 5000 });
      await page.waitForSelector(row(pb, 'up'), { timeout: 5000 });
      await page.waitForSelector('#vrrp tr[data-instance="VI_WEB"][data-state="BACKUP"]', { timeout: 5000 });
      await page.waitForSelector(`#cluster rect[data-rs="127.0.0.1:${pa}"][data-health="up"]`, { timeout: 5000 });
      // Both directors in the picture: this one, and the master heard in adverts.
      await page.waitForSelector('#cluster rect[data-peer="192.168.0.1"][data-state="MASTER"]', { timeout: 3000 });
      assert.equal(await page.textContent(`${row(pa, 'up')} td:nth-child(3)`), '2');
      await page.waitForSelector('#charts svg[data-chart="TCP 127.0.0.142:41421"] polygon[data-series]', { timeout: 3000 });
      assert.equal(await page.locator('#charts polygon[data-series]').count(), 2);
      await page.screenshot({ path: new URL('dashboard-1-running.png', ARTIFACTS).pathname, fullPage: true });

      // A real server goes down: the page shows it within one check interval (plus the check's timeout and one refresh).
      await new Promise<void>((r) => a.close(() => r()));
      await page.waitForSelector(row(pa, 'down'), { timeout: DOWN_WITHIN_MS });
      await page.waitForSelector(`#cluster rect[data-rs="127.0.0.1:${pa}"][data-health="down"]`, { timeout: 2000 });
      const health = await page.waitForSelector('#events li[data-kind="health"]', { timeout: 2000 });
      assert.match((await health.textContent()) ?? '', new RegExp(`DOWN \\[127\\.0\\.0\\.1\\]:tcp:${pa} in \\[127\\.0\\.0\\.142\\]:tcp:41421`));
      await page.screenshot({ path: new URL('dashboard-2-real-server-down.png', ARTIFACTS).pathname, fullPage: true });

      // A VRRP transition (fixed status; the event as the engine's hook records it): BACKUP -> MASTER.
      vrrp = fakeVrrp([{ name: 'VI_WEB', state: 'MASTER', priority: 100, peers: peer(3_800) }]);
      d.control.observability!.events.record(vrrpTransitionEvent({
        instance: 'VI_WEB', vrid: 51, ifname: 'eth0', from: 'BACKUP', to: 'MASTER', reason: 'no advert from master 192.168.0.1 within the master-down interval',
        priority: 100, masterAddress: '192.168.0.2', at: 0,
      }));
      await page.waitForSelector('#vrrp tr[data-instance="VI_WEB"][data-state="MASTER"]', { timeout: 3000 });
      await page.waitForSelector('#cluster text[data-instance="VI_WEB"][data-state="MASTER"]', { timeout: 3000 });
      const failover = await page.waitForSelector('#events li[data-kind="vrrp"]', { timeout: 3000 });
      assert.match((await failover.textContent()) ?? '', /VRRP_Instance\(VI_WEB\) BACKUP -> MASTER \(no advert from master 192\.168\.0\.1 within the master-down interval\)/);
      await page.waitForSelector('#cluster rect[data-peer="192.168.0.1"][data-state="heard"]', { timeout: 3000 });
      assert.equal(await page.textContent('#cluster text[data-peer="192.168.0.1"][data-instance="VI_WEB"]'), 'VI_WEB: last advert 3s ago (prio 150)');
      assert.equal(await page.textContent('#vrrp tr[data-instance="VI_WEB"] td.peers'), '192.168.0.1 (3s ago)');
      // Only the age changes: the picture and the row are not redrawn (the marks stay), their texts are rewritten in place.
      await page.evaluate(`document.querySelector('#cluster svg').dataset.kept = '1'; document.querySelector('#vrrp tr[data-instance="VI_WEB"]').dataset.kept = '1'`);
      vrrp = fakeVrrp([{ name: 'VI_WEB', state: 'MASTER', priority: 100, peers: peer(5_900) }]);
      await page.waitForFunction(`document.querySelector('#cluster text[data-peer="192.168.0.1"][data-instance="VI_WEB"]')?.textContent === 'VI_WEB: last advert 5s ago (prio 150)'`, undefined, { timeout: 3000 });
      assert.equal(await page.locator('#cluster svg[data-kept="1"]').count(), 1);
      assert.equal(await page.textContent('#vrrp tr[data-kept="1"][data-instance="VI_WEB"] td.peers'), '192.168.0.1 (5s ago)');
      await page.waitForSelector('#charts svg[data-chart="TCP 127.0.0.142:41421"]', { timeout: 3000 });
      await page.screenshot({ path: new URL('dashboard-3-vrrp-master.png', ARTIFACTS).pathname, fullPage: true });
      assert.deepEqual(foreign, []);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await d.stop();
      a.close();
      b.close();
    }
  });
}
