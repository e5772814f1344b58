// `tsvs adm` against a daemon's control API served in-process over a real unix socket: the seeds'
// ipvsadm sequences with exact output, every kernel error's text and exit status, -R, and the
// behaviour without a daemon.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { ApiServer } from '../src/api/server.js';
import { FakeClock } from '../src/core/fake-clock.js';
import { runAdm, type AdmIo } from '../src/cli/adm.js';
import { createControlPlane } from '../src/engine/control.js';
import { Director } from '../src/engine/director.js';
import { BUILTIN_RESOLVER } from '../src/lang/ipvsadm/resolver.js';

let dir: string;
let socket: string;
let server: ApiServer;
let director: Director;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsvs-adm-'));
  socket = join(dir, 'tsvs.sock');
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await server?.close();
  const clock = new FakeClock();
  director = new Director({ clock, timers: clock });
  const control = createControlPlane({ director, reloader: null, clock, info: { version: '0.1.0', pid: 1, engine: 'proxy', dataplane: 'none', configFile: null } });
  server = await ApiServer.start({ control, socketPath: socket });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

/** `tsvs adm ARGS` with captured output; `stdin` feeds -R. */
async function adm(line: string | string[], stdin = '', api = socket, env: Record<string, string> = {}): Promise<Run> {
  const args = typeof line === 'string' ? line.split(' ').filter((w) => w !== '') : line;
  let out = '';
  let err = '';
  const io: AdmIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readStdin: async () => stdin,
    env,
    uid: 0,
    resolver: BUILTIN_RESOLVER,
    names: async () => ({ host: (a) => (a === '127.0.0.1' ? 'localhost' : null), service: (p) => (p === 80 ? 'http' : null) }),
  };
  const code = await runAdm(['--api', api, ...args], io);
  return { code, out, err };
}

async function ok(line: string): Promise<void> {
  assert.deepEqual(await adm(line), { code: 0, out: '', err: '' }, line);
}

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

test('seed 001: --set 30 5 60 and a wrr service with weights 1,1,2,2 (DR)', async () => {
  await ok('--set 30 5 60');
  await ok('-A -t 192.168.30.254:80 -s wrr');
  await ok('-a -t 192.168.30.254:80 -r 192.168.30.111:80 -g -w 1');
  await ok('-a -t 192.168.30.254:80 -r 192.168.30.112:80 -g -w 1');
  await ok('-a -t 192.168.30.254:80 -r 192.168.30.113:80 -g -w 2');
  await ok('-a -t 192.168.30.254:80 -r 192.168.30.114:80 -g -w 2');
  assert.deepEqual(await adm('-L -n'), {
    code: 0,
    err: '',
    out:
      HEADER +
      'TCP  192.168.30.254:80 wrr\n' +
      '  -> 192.168.30.111:80            Route   1      0          0         \n' +
      '  -> 192.168.30.112:80            Route   1      0          0         \n' +
      '  -> 192.168.30.113:80            Route   2      0          0         \n' +
      '  -> 192.168.30.114:80            Route   2      0          0         \n',
  });
  assert.deepEqual(await adm('-L --timeout'), { code: 0, err: '', out: 'Timeout (tcp tcpfin udp): 30 5 60\n' });
  // The seed's own typo `-S wrr` (for -s): ipvsadm 1.31 takes commands only as the first option.
  assert.deepEqual(await adm('-A -t 192.168.30.254:80 -S wrr'), { code: 2, out: '', err: "invalid option `-S'\n" });
  // Its stop branch.
  await ok('-C');
  await ok('-Z');
  assert.deepEqual(await adm('-Ln'), { code: 0, err: '', out: HEADER });
});

test('seed 001 (first part): -g without a port takes the service port; -L without -n names hosts and ports', async () => {
  await ok('-A -t 192.168.30.254:80 -s rr');
  await ok('-a -t 192.168.30.254:80 -r 192.168.30.113 -g');
  await ok('-a -t 192.168.30.254:80 -r 127.0.0.1 -g');
  assert.deepEqual(await adm('-L'), {
    code: 0,
    err: '',
    out:
      HEADER +
      'TCP  192.168.30.254:http rr\n' +
      '  -> localhost:http               Route   1      0          0         \n' +
      '  -> 192.168.30.113:http          Route   1      0          0         \n',
  });
});

const SEED3_SAVE = '-A -t 172.18.0.100:80 -s wrr\n-a -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 3\n-a -t 172.18.0.100:80 -r 192.168.59.132:80 -m -w 1\n';
const SEED3_LIST =
  HEADER +
  'TCP  172.18.0.100:80 wrr\n' +
  '  -> 192.168.59.131:80            Masq    3      0          0         \n' +
  '  -> 192.168.59.132:80            Masq    1      0          0         \n';

test('seed 003: NAT service, -e to weight 3, then save, clear and restore round trip', async () => {
  await ok('-A -t 172.18.0.100:80 -s wrr');
  await ok('-a -t 172.18.0.100:80 -r 192.168.59.131:80 -m');
  await ok('-a -t 172.18.0.100:80 -r 192.168.59.132:80 -m');
  await ok('-e -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 3');
  assert.deepEqual(await adm('-Ln'), { code: 0, err: '', out: SEED3_LIST });
  const saved = await adm('-S -n');
  assert.deepEqual(saved, { code: 0, err: '', out: SEED3_SAVE });
  await ok('-C');
  assert.deepEqual(await adm('-Ln'), { code: 0, err: '', out: HEADER });
  assert.deepEqual(await adm('-R', saved.out), { code: 0, out: '', err: '' });
  assert.deepEqual(await adm('-Ln'), { code: 0, err: '', out: SEED3_LIST });
});

test('seed 003 (rr variant): -s rr, -m, -e -w 3', async () => {
  await ok('-A -t 172.18.0.100:80 -s rr');
  await ok('-a -t 172.18.0.100:80 -r 192.168.59.131:80 -m');
  await ok('-e -t 172.18.0.100:80 -r 192.168.59.131:80 -m -w 3');
  assert.deepEqual(await adm('-L -n -t 172.18.0.100:80'), {
    code: 0,
    err: '',
    out: 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  172.18.0.100:80 rr\n  -> 192.168.59.131:80            Masq    3      0          0         \n',
  });
});

test('kernel errors: exact ipvsadm messages and exit statuses', async () => {
  await ok('-A -t 10.0.0.1:80 -s rr');
  await ok('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m');
  const cases: Array<[string, number, string]> = [
    ['-A -t 10.0.0.1:80 -s rr', 255, 'Service already exists'],
    ['-A -t 10.0.0.1:81 -s nosuch', 255, 'Scheduler or persistence engine not found'],
    ['-E -t 10.0.0.1:81 -s rr', 255, 'No such service'],
    ['-D -t 10.0.0.1:81', 255, 'No such service'],
    ['-Z -t 10.0.0.1:81', 255, 'No such service'],
    ['-a -t 10.0.0.1:81 -r 10.0.0.2:80 -m', 255, 'Service not defined'],
    ['-e -t 10.0.0.1:81 -r 10.0.0.2:80 -m', 255, 'Service not defined'],
    ['-d -t 10.0.0.1:81 -r 10.0.0.2:80', 255, 'Service not defined'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m', 255, 'Destination already exists'],
    ['-e -t 10.0.0.1:80 -r 10.0.0.3:80 -m', 255, 'No such destination'],
    ['-d -t 10.0.0.1:80 -r 10.0.0.3:80', 255, 'No such destination'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.4:80 -m -x 10 -y 20', 255, 'Numerical result out of range'],
    ['--stop-daemon master', 255, 'No daemon is running'],
    ['-L -n -t 10.0.0.1:81', 1, 'No such service'],
  ];
  for (const [line, code, message] of cases) assert.deepEqual(await adm(line), { code, out: '', err: `${message}\n` }, line);
  await ok('--start-daemon master');
  assert.deepEqual(await adm('--start-daemon master'), { code: 255, out: '', err: 'Daemon has already run\n' });
  assert.deepEqual(await adm('-L --daemon'), { code: 0, err: '', out: 'master sync daemon (mcast=eth0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n' });
});

test('parse errors print ipvsadm text and exit status without touching the daemon', async () => {
  const cases: Array<[string, number, string]> = [
    ['-A -t 10.0.0.1:0', 2, 'Zero port specified for non-persistent service'],
    ['-a -t 10.0.0.1:80 -r 10.0.0.2:80 -w 2147483648', 2, 'illegal weight specified'],
    ['-n -L', 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information."],
    ['--set 1 2', 2, '--set option requires 3 timeout values'],
  ];
  for (const [line, code, message] of cases) assert.deepEqual(await adm(line), { code, out: '', err: `${message}\n` }, line);
  assert.deepEqual(director.snapshot().services, []);
});

test('-R: kernel errors are printed and the run goes on; a fatal parse error stops it; status of the last line', async () => {
  const input = ['-A -t 10.0.0.1:80 -s rr', '-A -t 10.0.0.1:80 -s rr', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m', ''].join('\n');
  assert.deepEqual(await adm('-R', input), { code: 0, out: '', err: 'Service already exists\n' });
  const stops = ['-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m', '-A -t 10.0.0.9:0', '-a -t 10.0.0.1:80 -r 10.0.0.4:80 -m', ''].join('\n');
  assert.deepEqual(await adm('-R', stops), { code: 2, out: '', err: 'Zero port specified for non-persistent service\n' });
  assert.deepEqual(director.snapshot().services[0]!.dests.map((d) => d.addr).sort(), ['10.0.0.2', '10.0.0.3']);
  const lastFails = ['-L -n --timeout', '-D -t 10.0.0.7:80', ''].join('\n');
  assert.deepEqual(await adm('-R', lastFails), { code: 255, out: 'Timeout (tcp tcpfin udp): 900 120 300\n', err: 'No such service\n' });
});

test('-h and -v answer without a daemon; anything else says the daemon is unreachable (exit 2)', async () => {
  const nobody = join(dir, 'nobody.sock');
  const v = await adm('-v', '', nobody);
  assert.deepEqual(v, { code: 0, err: '', out: 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n' });
  const h = await adm('-h', '', nobody);
  assert.equal(h.code, 0);
  assert.ok(h.out.startsWith('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage:\n'));
  const message = `tsvs adm: cannot reach the tsvs daemon at ${nobody} (is \`tsvs run\` running?)\n`;
  assert.deepEqual(await adm('-L -n', '', nobody), { code: 2, out: '', err: message });
  // As ipvsadm checks the kernel interface first, a bad command line also reports the daemon.
  assert.deepEqual(await adm('-A -t 10.0.0.1:0', '', nobody), { code: 2, out: '', err: message });
});

test('a bare `tsvs adm` lists with names; --api without a value is a usage error', async () => {
  assert.deepEqual(await adm([]), { code: 0, err: '', out: HEADER });
  let err = '';
  const code = await runAdm(['-L', '--api'], { out() {}, err: (t) => void (err += t), readStdin: async () => '', env: {}, uid: 0, resolver: BUILTIN_RESOLVER, names: async () => ({ host: () => null, service: () => null }) });
  assert.deepEqual([code, err], [2, 'tsvs adm: option --api needs a value\n']);
});

test('-L -c lists connection entries (none without a data plane)', async () => {
  assert.deepEqual(await adm('-L -n -c'), { code: 0, err: '', out: 'IPVS connection entries\npro expire state       source             virtual            destination\n' });
});

test('-L --stats --exact and --rate show the counters and rates the daemon keeps', async () => {
  await ok('-A -t 10.0.0.1:80 -s rr');
  await ok('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m');
  const svc = director.ipvs.getService({ kind: 'addr', family: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80 })!;
  for (const s of [svc.stats, svc.dests[0]!.stats]) {
    s.conns = 200;
    s.inpkts = 123456789;
  }
  director.ipvs.estimate();
  const stats = await adm('-L -n --stats --exact');
  assert.deepEqual(stats, {
    code: 0,
    err: '',
    out:
      'IP Virtual Server version 1.2.1 (size=4096)\n' +
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n' +
      '  -> RemoteAddress:Port\n' +
      'TCP  10.0.0.1:80                       200 123456789        0        0        0\n' +
      '  -> 10.0.0.2:80                       200 123456789        0        0        0\n',
  });
  const rate = await adm('-L -n --rate');
  assert.equal(rate.out.split('\n')[3], 'TCP  10.0.0.1:80                        25 15432099        0        0        0');
});

test('over TCP: the bearer token comes from TSVS_API_TOKEN; a wrong one is refused (exit 2)', async () => {
  const clock = new FakeClock();
  const control = createControlPlane({ director, reloader: null, clock, info: { version: '0.1.0', pid: 1, engine: 'proxy', dataplane: 'none', configFile: null } });
  const tcp = await ApiServer.start({ control, socketPath: join(dir, 'tcp.sock'), tcp: { host: '127.0.0.1', port: 0, token: 'tok' } });
  try {
    const url = `http://127.0.0.1:${tcp.tcpPort}`;
    assert.deepEqual(await adm('-A -t 10.0.0.1:80 -s rr', '', url, { TSVS_API_TOKEN: 'tok' }), { code: 0, out: '', err: '' });
    assert.equal(director.snapshot().services.length, 1);
    assert.deepEqual(await adm('-L -n', '', url, { TSVS_API_TOKEN: 'nope' }), {
      code: 2,
      out: '',
      err: `tsvs adm: the tsvs daemon at ${url} refused us: missing or wrong bearer token\n`,
    });
  } finally {
    await tcp.close();
  }
});
