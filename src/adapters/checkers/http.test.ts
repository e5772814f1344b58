import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { HttpGetCheck } from './http-get.js';
import { contentLength, hostHeader, httpRequest, statusCode } from './http-exchange.js';
import { context, httpAnswer, oneChecker, tcpBackend, targetFrom, type Backend } from './test-backends.js';

let web: Backend;
before(async () => {
  web = await tcpBackend((_req, s) => s.end(httpAnswer('200 OK', 'hello')));
});
after(() => web.close());

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function check(urls: string, opts = '', rsExtra = '', vsExtra = ''): HttpGetCheck {
  const block = `HTTP_GET {\n      connect_timeout 0.3\n${opts}\n${urls}\n    }`;
  return new HttpGetCheck(targetFrom(oneChecker(web.port, block, rsExtra, vsExtra)), context());
}

test('request bytes: keepalived GET, User-Agent, Host ip:port, HTTP/1.0 without Connection: close', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('200 OK', 'x'));
  assert.deepEqual(await check('url {\n path /health?x=1\n}').run(0), { kind: 'pass', detail: 'HTTP status code' });
  assert.equal(web.requests.at(-1), `GET /health?x=1 HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`);
});

test('virtualhost precedence url > checker > real server > virtual server; http_protocol 1.1 adds Connection: close', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('200 OK', 'x'));
  await check('url {\n path /\n virtualhost u.example\n}', 'virtualhost c.example\nhttp_protocol 1.1', '    virtualhost r.example').run(0);
  assert.equal(web.requests.at(-1), 'GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: u.example\r\n\r\n');
  await check('url {\n path /\n}', '', '    virtualhost r.example', '  virtualhost v.example').run(0);
  assert.match(web.requests.at(-1)!, /\r\nHost: r\.example\r\n/);
  await check('url {\n path /\n}', '', '', '  virtualhost v.example').run(0);
  assert.match(web.requests.at(-1)!, /\r\nHost: v\.example\r\n/);
});

test('status codes: default 200-299; a wrong status fails; a configured set passes', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('500 Internal Server Error', 'no'));
  assert.deepEqual(await check('url {\n path /\n}').run(0), { kind: 'fail', reason: 'HTTP status code error to' });
  assert.deepEqual(await check('url {\n path /\n status_code 500-503 404\n}').run(0), { kind: 'pass', detail: 'HTTP status code' });
});

test('digest: MD5 of the body (as far as Content-Length says)', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('200 OK', 'hello') + 'TRAILING');
  assert.deepEqual(await check(`url {\n path /\n digest ${md5('hello')}\n}`).run(0), { kind: 'pass', detail: 'MD5 digest' });
  assert.deepEqual(await check(`url {\n path /\n digest ${md5('other')}\n}`).run(0), { kind: 'fail', reason: 'MD5 digest error to' });
});

test('regex and regex_no_match', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('200 OK', 'status: green'));
  assert.deepEqual(await check('url {\n path /\n regex "green"\n}').run(0), { kind: 'pass', detail: 'Regex match' });
  assert.deepEqual(await check('url {\n path /\n regex "green"\n regex_no_match\n}').run(0), { kind: 'fail', reason: 'Regex match failed' });
});

test('a slow answer within connect_timeout passes; a hung server times out; a server that closes says nothing', async () => {
  web.handler = (_r, s) => setTimeout(() => s.end(httpAnswer('200 OK', 'late')), 100);
  assert.deepEqual(await check('url {\n path /\n}').run(0), { kind: 'pass', detail: 'HTTP status code' });
  web.handler = () => undefined;
  assert.deepEqual(await check('url {\n path /\n}').run(0), { kind: 'fail', reason: 'Timeout WEB read' });
  web.handler = (_r, s) => s.write('HTTP/1.0 200 OK\r\n');
  assert.deepEqual(await check('url {\n path /\n}').run(0), { kind: 'fail', reason: 'Timeout HTTP read' });
  web.handler = (_r, s) => s.end();
  assert.deepEqual(await check('url {\n path /\n}').run(0), { kind: 'fail', reason: 'Read, no data received from' });
});

test('the URL index selects the URL; a refused connection fails', async () => {
  web.handler = (_r, s) => s.end(httpAnswer('200 OK', 'x'));
  await check('url {\n path /a\n}\nurl {\n path /b\n}').run(1);
  assert.match(web.requests.at(-1)!, /^GET \/b HTTP\/1\.0/);
  const closed = await tcpBackend(() => undefined);
  await closed.close();
  const dead = new HttpGetCheck(targetFrom(oneChecker(closed.port, 'HTTP_GET {\n connect_timeout 0.3\n url {\n path /\n }\n}')), context());
  assert.deepEqual(await dead.run(0), { kind: 'fail', reason: 'Error connecting' });
});

test('response parsing helpers follow lib/html.c', () => {
  assert.equal(statusCode('HTTP/1.1 204 No Content'), 204);
  assert.equal(statusCode('HTTP/1.1 20 Bad'), 0);
  assert.equal(statusCode('HTTP/1.1 2044 x'), 0);
  assert.equal(contentLength('HTTP/1.0 200 OK\r\nContent-Length: 12\r\nX: y'), 12);
  assert.equal(contentLength('HTTP/1.0 200 OK\r\ncontent-length: 12'), null);
  assert.equal(hostHeader(null, '::1', 8080), '[::1]:8080');
  assert.equal(httpRequest({ path: '/', protocol: '1.0C', host: 'h' }), 'GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: h\r\n\r\n');
});
