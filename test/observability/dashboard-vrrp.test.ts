// Privileged: the dashboard against real VRRP. Two `tsvs run` daemons in network namespaces
// (tsvs-ob-*) share one vrrp_instance; headless Chromium (Debian's chromium driven by
// playwright-core), started inside a third namespace, opens the backup's dashboard over the LAN.
// The page shows BACKUP with the master in the cluster picture (heard in its adverts); after the
// master is killed with -9 it shows MASTER, the takeover with its reason in the events timeline,
// and the old master as a silent peer. Screenshots of both states go to test-artifacts/.
// Skipped with the reason when not root / no native addon / no chromium; under CI=true that fails.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiClient } from '../../src/api/client.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { vrrpConf } from '../vrrp/configs.js';
import { Lab, privilegeProblem } from '../vrrp/lab.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const TOKEN = 'dashboard-vrrp-token';
const PORT = 9180;
const A = '10.77.0.1';
const B = '10.77.0.2';
const VIP = '10.77.0.100';
const RS = '10.77.0.9';

function problem(): string | null {
  return privilegeProblem() ?? (existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium)`);
}

/** Both directors: one VRRP instance, and the VIP carried by the proxy engine to one real server. */
function conf(priority: number, state: 'MASTER' | 'BACKUP'): string {
  return `${vrrpConf({ priority, state, vips: [`${VIP}/24 dev eth0`] })}
virtual_server ${VIP} 8080 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${RS} 8080 {
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`;
}

const skip = problem();
if (skip && process.env['CI'] === 'true') {
  test('dashboard against real VRRP in namespaces', () => assert.fail(`CI=true but ${skip}`));
} else {
  test('dashboard against real VRRP: BACKUP with the master beside it, then the takeover after kill -9', { skip: skip ?? false }, async (t) => {
    const { chromium } = await import('playwright-core');
    // The proxy listens on the VIP before it is local (as HAProxy behind keepalived does).
    const director = (name: string, address: string) => ({ name, address, sysctl: ['net.ipv4.ip_nonlocal_bind=1'] });
    const lab = Lab.create([director('a', A), director('b', B), { name: 'c', address: '10.77.0.3' }, { name: 'r', address: RS }], { tag: 'ob' });
    t.after(() => lab.close());
    const rs = lab.banner('r', 8080);
    await rs.waitFor(/listening/, 10_000);
    const a = lab.tsvs('a', lab.file('a.conf', conf(150, 'MASTER')));
    await a.waitFor(/\(VI_1\) Entering MASTER STATE/, 20_000);
    const tokenFile = lab.file('token', `${TOKEN}\n`);
    const b = lab.tsvs('b', lab.file('b.conf', conf(100, 'BACKUP')), ['--api-tcp', `${B}:${PORT}`, '--api-token-file', tokenFile]);
    await b.waitFor(/\(VI_1\) Entering BACKUP STATE/, 20_000);
    await b.waitFor(/Startup complete/, 20_000);

    mkdirSync(ARTIFACTS, { recursive: true });
    const profile = mkdtempSync(join(tmpdir(), 'tsvs-ob-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: lab.wrapper('c', CHROMIUM),
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    t.after(async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://${B}:${PORT}/#token=${TOKEN}`);
    await page.waitForSelector('#link[data-link="up"]', { timeout: 10_000 });
    await page.waitForSelector('#vrrp tr[data-instance="VI_1"][data-state="BACKUP"]', { timeout: 5_000 });
    await page.waitForSelector('#cluster text[data-instance="VI_1"][data-state="BACKUP"]', { timeout: 5_000 });
    // Both directors: this one, and the master heard in its adverts.
    await page.waitForSelector(`#cluster rect[data-peer="${A}"][data-state="MASTER"]`, { timeout: 5_000 });
    assert.equal(await page.textContent(`#cluster text[data-peer="${A}"][data-instance="VI_1"]`), 'VI_1: MASTER prio 150');
    await page.waitForSelector(`#ipvs tr[data-rs="${RS}:8080"][data-health="up"]`, { timeout: 8_000 });
    await page.screenshot({ path: new URL('dashboard-vrrp-1-backup.png', ARTIFACTS).pathname, fullPage: true });

    // The master dies without a word: the backup takes over after its master-down interval
    // (3 × 1 s + (256 − 100) / 256 s from the last advert) and the page follows.
    a.signal('SIGKILL');
    await a.exited;
    await page.waitForSelector('#vrrp tr[data-instance="VI_1"][data-state="MASTER"]', { timeout: 8_000 });
    await page.waitForSelector('#cluster text[data-instance="VI_1"][data-state="MASTER"]', { timeout: 3_000 });
    const takeover = `VRRP_Instance(VI_1) BACKUP -> MASTER (no advert from master ${A} within the master-down interval)`;
    const li = page.locator('#events li[data-kind="vrrp"]', { hasText: takeover });
    await li.waitFor({ timeout: 3_000 });
    // The old master stays in the picture as the director last heard.
    await page.waitForSelector(`#cluster rect[data-peer="${A}"][data-state="heard"]`, { timeout: 3_000 });
    assert.match((await page.textContent(`#cluster text[data-peer="${A}"][data-instance="VI_1"]`)) ?? '', /^VI_1: last advert \d+s ago \(prio 150\)$/);

    // Traffic through the VIP now reaches the real server through b. (a's namespace still holds
    // the VIP, as keepalived's would after kill -9: its link goes down, as a dead host's would,
    // so nobody else answers ARP for the VIP.)
    lab.link('a', false);
    for (let i = 0; i < 3; i++) assert.equal(lab.exec('c', ['curl', '-s', '--max-time', '3', `http://${VIP}:8080/`]).out, 'r');
    // The chart redraws every 5 s once it is older than that (web/dashboard.js CHART_EVERY_S).
    await page.waitForSelector(`#charts polygon[data-series="${RS}:8080"]`, { timeout: 7_000 });
    // ActiveConn + InActConn of the real server's row (columns 5 and 6) count the three connections.
    const cells = `document.querySelectorAll('#ipvs tr[data-rs="${RS}:8080"] td')`;
    await page.waitForFunction(`Number(${cells}[4]?.textContent) + Number(${cells}[5]?.textContent) === 3`, undefined, { timeout: 3_000 });
    await page.screenshot({ path: new URL('dashboard-vrrp-2-master.png', ARTIFACTS).pathname, fullPage: true });

    // The event log has each transition exactly once, with its reason and priority (a transition
    // is reported after the VIP work of its batch, so the start-up one follows "VRRP running").
    const api = new ApiClient({ kind: 'unix', path: b.api }, { timeoutMs: 2_000 });
    const status = await api.get<{ events: EngineEvent[] }>('/v1/status');
    const vrrp = status.events.filter((e) => e.kind === 'vrrp').map((e) => [e.message, e.data['priority'] ?? null]);
    assert.deepEqual(vrrp, [
      ['VRRP running: 1 instance(s)', null],
      ['VRRP_Instance(VI_1) INIT -> BACKUP (startup)', 100],
      [takeover, 100],
    ]);
  });
}
