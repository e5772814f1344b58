// GET /v1/events: a new client gets recent history then live events and a status every second;
// a client that resumes with Last-Event-ID gets only what it missed; on TCP the stream needs the
// bearer token like the rest of the API.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../src/core/ports.js';
import { startDaemon } from '../../src/main/daemon.js';
import { freePort } from '../proxy/harness.js';
import { httpGet, until } from './http.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvs-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface Frame {
  readonly event: string;
  readonly id: string | null;
  readonly data: unknown;
}

/** Open the stream and collect its frames until closed. */
function open(socketPath: string, headers: Record<string, string> = {}, path = '/v1/events'): Promise<{ res: IncomingMessage; frames: Frame[]; bytes: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers, agent: false }, (res) => {
      const frames: Frame[] = [];
      let buf = '';
      let bytes = 0;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        bytes += Buffer.byteLength(c);
        buf += c;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) frames.push({ event: ev, id: /^id: (.*)$/m.exec(block)?.[1] ?? null, data: JSON.parse(data) });
        }
      });
      resolve({ res, frames, bytes: () => bytes, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const events = (frames: readonly Frame[]) => frames.filter((f) => f.event === 'event').map((f) => [f.id, (f.data as { message: string }).message]);

test('event stream: history, live events, status ticks, resumption', async () => {
  const socketPath = join(dir, 'a.sock');
  const d = await startDaemon({ version: 't', engine: 'proxy', config: null, socketPath, logger: quiet });
  try {
    // No configuration file: each reload is refused and recorded.
    await d.reload();
    await d.reload();
    const s = await open(socketPath);
    assert.equal(s.res.headers['content-type'], 'text/event-stream; charset=utf-8');
    await until('history and first status', () => s.frames.length >= 3);
    const refused = 'Reload refused (unreadable: no configuration file to reload); the running configuration is kept';
    assert.deepEqual(events(s.frames), [['1', refused], ['2', refused]]);
    assert.equal(s.frames[2]!.event, 'status');
    await d.reload();
    await until('live event', () => events(s.frames).length === 3);
    assert.deepEqual(events(s.frames)[2], ['3', refused]);
    await until('a second status tick', () => s.frames.filter((f) => f.event === 'status').length >= 2, 5000);
    s.close();
    // Resuming after 2: only event 3.
    const r = await open(socketPath, { 'last-event-id': '2' });
    await until('resumed', () => r.frames.some((f) => f.event === 'status'));
    assert.deepEqual(events(r.frames), [['3', refused]]);
    r.close();
    const q = await open(socketPath, {}, '/v1/events?recent=1');
    await until('recent', () => q.frames.some((f) => f.event === 'status'));
    assert.deepEqual(events(q.frames), [['3', refused]]);
    // What the stream cost is counted: one client now, the bytes sent at least those received.
    const figure = async (name: string): Promise<number> => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await httpGet({ socketPath }, '/metrics')).body)?.[1]);
    assert.equal(await figure('tsvs_event_stream_clients'), 1);
    assert.ok((await figure('tsvs_event_stream_bytes_total')) >= s.bytes() + r.bytes() + q.bytes());
    assert.ok((await figure('tsvs_event_stream_cpu_seconds_total')) > 0);
    q.close();
    await until('no client left', async () => (await figure('tsvs_event_stream_clients')) === 0);
  } finally {
    await d.stop();
  }
});

test('on TCP the data routes need the token; the page does not', async () => {
  const port = await freePort('127.0.0.1');
  const d = await startDaemon({ version: 't', engine: 'proxy', config: null, socketPath: join(dir, 'b.sock'), logger: quiet, tcp: { host: '127.0.0.1', port, token: 'sekret' } });
  try {
    const at = { host: '127.0.0.1', port };
    for (const path of ['/metrics', '/v1/events', '/v1/status']) {
      const r = await httpGet(at, path);
      assert.equal(r.status, 401, path);
      assert.deepEqual(JSON.parse(r.body), { error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' } });
    }
    const page = await httpGet(at, '/dashboard');
    assert.equal(page.status, 200);
    assert.equal(page.type, 'text/html; charset=utf-8');
    assert.match(page.body, /<script src="dashboard.js"><\/script>/);
    assert.equal((await httpGet(at, '/dashboard.js')).type, 'text/javascript; charset=utf-8');
    const m = await httpGet({ ...at, token: 'sekret' }, '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.body, /^tsvs_build_info\{version="t",engine="proxy"\} 1$/m);
  } finally {
    await d.stop();
  }
});
