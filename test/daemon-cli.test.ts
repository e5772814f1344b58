// `tsvs run` as a child process (the sources, through bin/tsvs.js with TSVS_FROM_SOURCE=1), driven
// with `tsvs adm` / `ipvsadm` child processes and signals: start-up from examples/keepalived.conf,
// exact `-L -n`, SIGHUP applying a changed configuration and refusing a broken one, `-t`, and a
// clean SIGTERM.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiClient } from '../src/api/client.js';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, TSVS_FROM_SOURCE: '1', TSVS_API: '' };
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function tsvs(args: string[], bin = 'tsvs.js', input = ''): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', bin), ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Daemon {
  readonly child: ChildProcess;
  readonly log: () => string;
  waitFor(re: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

function startDaemon(args: string[]): Daemon {
  const child = spawn(process.execPath, [join(root, 'bin/tsvs.js'), 'run', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  child.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
    for (const w of [...waiters]) if (w.re.test(log)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log: () => log,
    exited,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(log)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${log}`)), 30_000);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then((code) => reject(new Error(`daemon exited (${code}) before ${re}:\n${log}`)));
      }),
  };
}

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const line = (addr: string, fwd: string, w: number) => `  -> ${addr.padEnd(28)} ${fwd.padEnd(7)} ${String(w).padEnd(6)} 0          0         \n`;

test('tsvs run: start-up, tsvs adm / ipvsadm, SIGHUP reload (applied, then refused), SIGTERM', async () => {
  const conf = join(dir, 'keepalived.conf');
  // The example without its TCP_CHECKs: nothing listens on the real servers here, and health
  // checking would (rightly) take them out while the test compares listings.
  writeFileSync(conf, readFileSync(join(root, 'examples/keepalived.conf'), 'utf8').replace(/\n\s*TCP_CHECK \{[^}]*\}/g, ''));
  const sock = join(dir, 'tsvs.sock');
  const pid = join(dir, 'tsvs.pid');
  const d = startDaemon(['-f', conf, '--api', sock, '-p', pid, '-n', '--config-id', 'lvs1']);
  try {
    await d.waitFor(/Startup complete/);
    assert.match(d.log(), /virtual services are carried by the socket proxy/);
    assert.equal(readFileSync(pid, 'utf8').trim(), String(d.child.pid));

    const listing = HEADER + 'TCP  127.0.0.100:8080 rr\n' + line('127.0.0.1:8081', 'Masq', 1) + line('127.0.0.1:8082', 'Masq', 1) + line('127.0.0.1:8083', 'Masq', 1);
    assert.deepEqual(tsvs(['adm', '-L', '-n', '--api', sock]), { code: 0, out: listing, err: '' });
    // The same binary under the name ipvsadm, with the socket from TSVS_API.
    const r = spawnSync(process.execPath, [join(root, 'bin/ipvsadm.js'), '-Ln'], { env: { ...env, TSVS_API: sock }, encoding: 'utf8' });
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, listing, '']);

    // A changed configuration: wlc, 8082 gone, 8083 weight 3, a new 8084.
    const changed = readFileSync(conf, 'utf8')
      .replace('lvs_sched rr', 'lvs_sched wlc')
      .replace(/real_server 127\.0\.0\.1 8082 \{[^}]*\}/, 'real_server 127.0.0.1 8084 {\n        weight 1\n    }')
      .replace(/(real_server 127\.0\.0\.1 8083 \{\s*weight) 1/, '$1 3');
    writeFileSync(conf, changed);
    const client = new ApiClient({ kind: 'unix', path: sock });
    const before8081 = (await client.snapshot()).services[0]!.dests.find((x) => x.port === 8081);
    d.child.kill('SIGHUP');
    await d.waitFor(/Reload finished/);
    const after = HEADER + 'TCP  127.0.0.100:8080 wlc\n' + line('127.0.0.1:8081', 'Masq', 1) + line('127.0.0.1:8083', 'Masq', 3) + line('127.0.0.1:8084', 'Masq', 1);
    assert.deepEqual(tsvs(['adm', '-L', '-n', '--api', sock]), { code: 0, out: after, err: '' });
    assert.deepEqual((await client.snapshot()).services[0]!.dests.find((x) => x.port === 8081), before8081);

    // A broken configuration is refused; the running rules stay.
    writeFileSync(conf, changed.replace('lvs_sched wlc', 'lvs_sched wlc\n    lvs_schedd rr'));
    d.child.kill('SIGHUP');
    await d.waitFor(/not reloading, keeping the running configuration/);
    assert.match(d.log(), /Unknown keyword 'lvs_schedd'/);
    assert.deepEqual(tsvs(['adm', '-L', '-n', '--api', sock]).out, after);

    d.child.kill('SIGTERM');
    assert.equal(await d.exited, 0);
    assert.match(d.log(), /Stopped tsvs v/);
    assert.equal(existsSync(sock), false);
    assert.equal(existsSync(pid), false);
  } finally {
    d.child.kill('SIGKILL');
  }
});

test('tsvs adm with no daemon says so and exits 2', () => {
  const sock = join(dir, 'none.sock');
  assert.deepEqual(tsvs(['adm', '-L', '-n', '--api', sock]), { code: 2, out: '', err: `tsvs adm: cannot reach the tsvs daemon at ${sock} (is \`tsvs run\` running?)\n` });
});

test('tsvs run -t: clean config 0, errors printed as keepalived does with its status, missing file', () => {
  assert.deepEqual(tsvs(['run', '-t', '-f', join(root, 'examples/keepalived.conf')]), { code: 0, out: '', err: '' });
  const bad = join(dir, 'bad.conf');
  writeFileSync(bad, 'virtual_server 10.0.0.1 80 {\n    lb_algoo rr\n    protocol TCP\n    real_server 10.0.0.2 80 {\n    }\n}\n');
  assert.deepEqual(tsvs(['run', '-t', '-f', bad]), {
    code: 5,
    out: '',
    err:
      `(${bad}: Line 2) Unknown keyword 'lb_algoo'\n` +
      `(${bad}: Line 1) Virtual server [10.0.0.1]:tcp:80: no scheduler set, setting default 'wlc'\n` +
      `(${bad}: Line 1) Virtual server [10.0.0.1]:tcp:80: no forwarding method set, setting default NAT\n`,
  });
  const missing = join(dir, 'missing.conf');
  assert.deepEqual(tsvs(['run', '-t', '-f', missing]), { code: 4, out: '', err: `Config files missing '${missing}'.\n` });
});

test('tsvs run refuses unknown options and a TCP listener without a token', () => {
  assert.equal(tsvs(['run', '--bogus']).code, 2);
  assert.deepEqual(tsvs(['run', '--api-tcp', '127.0.0.1:9']).err.split('\n')[0], 'tsvs run: --api-tcp needs --api-token-file (the TCP listener requires a bearer token)');
});
