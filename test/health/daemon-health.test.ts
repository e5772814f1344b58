// The daemon with health checking wired in: a keepalived.conf with a TCP_CHECK against a real
// loopback backend. When the backend goes, its real server leaves the table; a reload (SIGHUP)
// does not bring it back; when the backend returns, so does the real server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../src/core/ports.js';
import { keepalivedSource } from '../../src/main/keepalived-source.js';
import { startDaemon } from '../../src/main/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-health-daemon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function listen(port = 0): Promise<Server> {
  const srv = createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return srv;
}

test('daemon: a dead real server leaves, a reload keeps it out, it returns with its backend', async () => {
  let backend = await listen();
  const port = (backend.address() as AddressInfo).port;
  const other = await listen();
  const otherPort = (other.address() as AddressInfo).port;
  const file = join(dir, 'keepalived.conf');
  const rs = (p: number) => `  real_server 127.0.0.1 ${p} {\n    TCP_CHECK {\n      connect_timeout 0.3\n      retry 0\n    }\n  }\n`;
  writeFileSync(file, `virtual_server 127.0.0.100 8080 {\n  delay_loop 0.2\n  warmup 0\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${rs(port)}${rs(otherPort)}}\n`);
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const d = await startDaemon({
    version: '0.0.0', engine: 'proxy', logger, socketPath: join(dir, 'api.sock'),
    config: { file, source: keepalivedSource(file, 'x', logger), configId: 'x' },
  });
  const ports = () => [...d.director.ipvs.services.values()][0]!.dests.map((x) => x.port).sort((a, b) => a - b);
  const until = async (what: string, cond: () => boolean) => {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${ports().join(',')}\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    assert.deepEqual(ports(), [port, otherPort].sort((a, b) => a - b));
    await until('first checks', () => lines.filter((l) => l.startsWith('TCP connection to')).length === 2);
    await new Promise<void>((r) => backend.close(() => r()));
    await until('removal', () => !ports().includes(port));
    assert.equal((await d.reload()).ok, true);
    assert.deepEqual(ports(), [otherPort]);
    backend = await listen(port);
    await until('return', () => ports().includes(port));
    assert.ok(lines.includes(`Removing service [127.0.0.1]:tcp:${port} from VS [127.0.0.100]:tcp:8080`));
    assert.ok(lines.includes(`Adding service [127.0.0.1]:tcp:${port} to VS [127.0.0.100]:tcp:8080`));
  } finally {
    await d.stop();
    backend.close();
    other.close();
  }
});
