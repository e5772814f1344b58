import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ctime, StreamLogger } from './logger.js';

const at = new Date(2023, 6, 9, 12, 8, 13); // local time: Sun Jul 9 2023 12:08:13

function capture(opts: ConstructorParameters<typeof StreamLogger>[0] = {}) {
  const lines: string[] = [];
  const log = new StreamLogger({ pid: 77, wallClock: () => at, write: (l) => lines.push(l), ...opts });
  return { log, lines };
}

test('ctime is the C locale %c with a space-padded day', () => {
  assert.equal(ctime(at), 'Sun Jul  9 12:08:13 2023');
  assert.equal(ctime(new Date(2022, 0, 16, 1, 2, 3)), 'Sun Jan 16 01:02:03 2022');
});

test('text lines look like keepalived syslog lines; debug and fields only with detail', () => {
  const { log, lines } = capture();
  log.info('Starting tsvs v0.1.0', { pid: 77 });
  log.debug('hidden');
  log.error('(Line 3) Unknown keyword \'x\'');
  assert.deepEqual(lines, ['tsvs[77]: Starting tsvs v0.1.0\n', "tsvs[77]: (Line 3) Unknown keyword 'x'\n"]);
});

test('console (-l) lines carry the timestamp; detail (-D) adds debug lines and fields', () => {
  const { log, lines } = capture({ console: true, detail: true });
  log.info('Startup complete');
  log.debug('applied add-service TCP 127.0.0.100:8080 rr', { count: 3, who: 'api client', err: new Error('x y') });
  assert.deepEqual(lines, [
    'Sun Jul  9 12:08:13 2023: Startup complete\n',
    'Sun Jul  9 12:08:13 2023: applied add-service TCP 127.0.0.100:8080 rr count=3 who="api client" err="x y"\n',
  ]);
});

test('json lines carry time, level, pid, msg and the fields', () => {
  const { log, lines } = capture({ format: 'json' });
  log.warn('reload refused', { errors: 2, cause: new Error('bad'), msg: 'not this', level: 'x' });
  assert.deepEqual(JSON.parse(lines[0]!), { time: at.toISOString(), level: 'warn', pid: 77, msg: 'reload refused', errors: 2, cause: 'bad' });
  assert.equal(lines[0]!.endsWith('\n'), true);
});
