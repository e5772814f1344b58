// Loopback end-to-end for health checking: the director, the health monitor with the real
// checker adapters on the node clock, and real backends on 127.0.0.1 that die, hang, answer
// slowly, answer with the wrong status or body, and flap. Each transition must show in the log
// in order, and a server marked down must be out of the IPVS table (or at weight 0 with
// inhibit_on_failure) so that no new connection is scheduled to it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { createProbeFactory } from '../../src/adapters/checkers/index.js';
import { NodeClock } from '../../src/adapters/node-clock.js';
import type { Logger } from '../../src/core/ports.js';
import { SeededRng } from '../../src/core/rng.js';
import { Director } from '../../src/engine/director.js';
import { HealthMonitor } from '../../src/engine/health/monitor.js';
import { HealthReloader } from '../../src/engine/health/reloader.js';
import { memoryFiles } from '../../src/lang/keepalived/memory-files.js';
import { parseKeepalivedConfig } from '../../src/lang/keepalived/parse.js';
import { toIpvsOps } from '../../src/lang/keepalived/to-ops.js';

type Mode = 'ok' | 'hang' | 'slow' | 'status' | 'digest';
const GOOD = 'all good';
const md5 = createHash('md5').update(GOOD).digest('hex');

/** An HTTP backend on 127.0.0.1 whose answer a test switches; it can be stopped and restarted on its port. */
class Web {
  mode: Mode = 'ok';
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  async start(): Promise<void> {
    const srv = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
      s.once('data', () => this.answer(s));
    });
    await new Promise<void>((r) => srv.listen(this.port, '127.0.0.1', r));
    this.port = (srv.address() as AddressInfo).port;
    this.server = srv;
  }

  private answer(s: Socket): void {
    const reply = (status: string, body: string) => s.end(`HTTP/1.0 ${status}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    if (this.mode === 'hang') return;
    if (this.mode === 'slow') setTimeout(() => reply('200 OK', GOOD), 100);
    else if (this.mode === 'status') reply('503 Service Unavailable', GOOD);
    else if (this.mode === 'digest') reply('200 OK', 'something else');
    else reply('200 OK', GOOD);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

const webs: Web[] = [];
const monitors: HealthMonitor[] = [];
after(async () => {
  // Also reached when an assertion failed half-way: nothing may keep the process alive.
  for (const m of monitors) await m.stop();
  for (const w of webs) await w.stop().catch(() => undefined);
});

function config(ports: number[], inhibit: boolean): string {
  const rs = ports
    .map(
      (p) => `  real_server 127.0.0.1 ${p} {
    ${inhibit ? 'inhibit_on_failure' : ''}
    HTTP_GET {
      connect_timeout 0.3
      retry 1
      delay_before_retry 0.1
      url {
        path /health
        digest ${md5}
      }
    }
  }`,
    )
    .join('\n');
  return `virtual_server 127.0.0.100 8080 {\n  delay_loop 0.2\n  warmup 0\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rs}\n}\n`;
}

async function system(n: number, inhibit = false) {
  const ws = await Promise.all(Array.from({ length: n }, async () => {
    const w = new Web();
    await w.start();
    webs.push(w);
    return w;
  }));
  const clock = new NodeClock({ ref: true });
  const logs: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
  const director = new Director({ clock, timers: clock, logger });
  const monitor = new HealthMonitor({
    director, clock, timers: clock, rng: new SeededRng(1), logger,
    probes: createProbeFactory({ clock, timers: clock, logger }),
    commands: { run: async () => undefined },
  });
  monitors.push(monitor);
  const text = config(ws.map((w) => w.port), inhibit);
  const reloader = new HealthReloader({
    director, health: monitor,
    source: () => {
      const { model } = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': text }), configId: 'x' });
      return { load: { messages: [], errors: 0, fatal: false, ops: toIpvsOps(model) }, model };
    },
  });
  assert.equal((await reloader.load('lenient')).ok, true);
  const dests = (): string[] => [...director.ipvs.services.values()][0]!.dests.map((d) => `${d.port}:${d.weight}`).sort();
  const transitions = (port: number): string[] =>
    logs.filter((l) => l.includes(`[127.0.0.1]:tcp:${port} `) && /^(Adding|Removing|Enabling|Disabling) service/.test(l)).map((l) => l.split(' ')[0]!);
  const until = async (what: string, cond: () => boolean): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!cond()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; dests ${dests().join(',')}; log:\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ws, logs, dests, transitions, until, stop: () => monitor.stop() };
}

test('a backend that dies is taken out, and put back when it returns', async () => {
  const s = await system(2);
  const [a, b] = s.ws as [Web, Web];
  await s.until('first checks', () => s.logs.filter((l) => l.startsWith('Remote Web server')).length === 2);
  await a.stop();
  await s.until('a out', () => !s.dests().some((d) => d.startsWith(`${a.port}:`)));
  assert.deepEqual(s.dests(), [`${b.port}:1`]);
  await a.start();
  await s.until('a back', () => s.dests().length === 2);
  assert.deepEqual(s.transitions(a.port), ['Removing', 'Adding']);
  assert.deepEqual(s.transitions(b.port), []);
  await s.stop();
});

test('hang, slow answer, wrong status, wrong digest', async () => {
  const s = await system(1);
  const [w] = s.ws as [Web];
  const port = w.port;
  const inPool = () => s.dests().includes(`${port}:1`);
  const cycle = async (mode: Mode) => {
    w.mode = mode;
    await s.until(`${mode}: out`, () => !inPool());
    w.mode = 'ok';
    await s.until(`${mode}: back`, inPool);
  };
  await s.until('first check', () => s.logs.some((l) => l.startsWith('Remote Web server')));
  // Slow (100 ms, within connect_timeout 0.3 s): stays in through several checks.
  w.mode = 'slow';
  const checks = s.logs.length;
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(inPool());
  assert.equal(s.logs.length, checks, 'nothing happened');
  await cycle('hang');
  await cycle('status');
  await cycle('digest');
  assert.deepEqual(s.transitions(port), ['Removing', 'Adding', 'Removing', 'Adding', 'Removing', 'Adding']);
  const reasons = s.logs.filter((l) => l.startsWith('HTTP_CHECK on service')).length;
  assert.equal(reasons, 3);
  await s.stop();
});

test('flapping with inhibit_on_failure: weight 0 and back each time, transitions strictly alternate', async () => {
  const s = await system(1, true);
  const [w] = s.ws as [Web];
  const port = w.port;
  await s.until('first check', () => s.logs.some((l) => l.startsWith('Remote Web server')));
  for (let i = 0; i < 3; i++) {
    w.mode = 'status';
    await s.until(`flap ${i} down`, () => s.dests().includes(`${port}:0`));
    w.mode = 'ok';
    await s.until(`flap ${i} up`, () => s.dests().includes(`${port}:1`));
  }
  assert.deepEqual(s.transitions(port), ['Disabling', 'Enabling', 'Disabling', 'Enabling', 'Disabling', 'Enabling']);
  await s.stop();
});
