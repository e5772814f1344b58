import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DnsCheck } from './dns.js';
import { dnsQuery, encodeName, judgeAnswer } from './dns-query.js';
import { SmtpCheck, smtpStatus } from './smtp.js';
import { TcpCheck } from './tcp.js';
import { connectionOf, context, oneChecker, tcpBackend, targetFrom } from './test-backends.js';
import { defaultPayload, parseHex, replyMatches, UdpCheck } from './udp.js';

const conn = (port: number, extra = '') => connectionOf(targetFrom(oneChecker(port, `TCP_CHECK {\n connect_timeout 0.3\n${extra}\n}`)));

test('TCP_CHECK: a listening port passes, a closed one fails, an unusable bindto is a skipped check', async () => {
  const b = await tcpBackend(() => undefined);
  assert.deepEqual(await new TcpCheck(conn(b.port), context()).run(), { kind: 'pass' });
  await b.close();
  assert.deepEqual(await new TcpCheck(conn(b.port), context()).run(), { kind: 'fail', reason: 'failed' });
  assert.deepEqual(await new TcpCheck(conn(b.port, 'bindto 192.0.2.77'), context()).run(), { kind: 'skipped', reason: 'TCP socket bind failed. Rescheduling.' });
});

const smtpTarget = (port: number) => targetFrom(oneChecker(port, 'SMTP_CHECK {\n connect_timeout 0.3\n helo_name checker.test\n}'));

test('SMTP_CHECK: 220 banner, HELO, 250, QUIT, one more line', async () => {
  // A scripted server: greet on connect, answer each line.
  const sent: string[] = [];
  let banner = '220 mail.test ESMTP\r\n';
  const srv = createServer((s) => {
    s.write(banner);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      while (buf.includes('\n')) {
        const line = buf.slice(0, buf.indexOf('\n') + 1);
        buf = buf.slice(line.length);
        sent.push(line);
        s.write(line.startsWith('HELO') ? '250 mail.test\r\n' : '221 bye\r\n');
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  assert.deepEqual(await new SmtpCheck(smtpTarget(port), context()).run(), { kind: 'pass' });
  assert.deepEqual(sent, ['HELO checker.test\r\n', 'QUIT\r\n']);
  banner = '554 go away\r\n';
  assert.deepEqual(await new SmtpCheck(smtpTarget(port), context()).run(), { kind: 'fail', reason: `Bad greeting banner from server [127.0.0.1]:${port}` });
  banner = '';
  assert.deepEqual(await new SmtpCheck(smtpTarget(port), context()).run(), { kind: 'fail', reason: `Read timeout from server [127.0.0.1]:${port}` });
  srv.close();
  assert.deepEqual([smtpStatus('220 x'), smtpStatus('220'), smtpStatus('220-x'), smtpStatus('220\r')], [220, 220, -1, -1]);
});

async function udpServer(onMessage: (msg: Buffer, reply: (b: Buffer) => void) => void): Promise<{ port: number; sock: UdpSocket }> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => onMessage(msg, (b) => sock.send(b, rinfo.port, rinfo.address)));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: (sock.address() as AddressInfo).port, sock };
}

test('DNS query bytes: id, RD, one question, type, class IN; root name is one zero byte', () => {
  assert.deepEqual([...dnsQuery(0x1234, 'SOA', '.')], [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1]);
  assert.deepEqual([...encodeName('www.example.com')], [3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0]);
  assert.deepEqual(encodeName('example.com.'), encodeName('example.com'));
  const answer = Buffer.from([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.equal(judgeAnswer(0x1234, answer), 'ok');
  assert.equal(judgeAnswer(0x1235, answer), 'ignore');
  assert.equal(judgeAnswer(0x1234, Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])), 'ignore');
  assert.deepEqual(judgeAnswer(0x1234, Buffer.from([0x12, 0x34, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0])), { rcode: 3 });
});

test('DNS_CHECK against a loopback server: answer, NXDOMAIN, a stray id then silence', async () => {
  let mode: 'ok' | 'nx' | 'stray' = 'ok';
  const seen: Buffer[] = [];
  const srv = await udpServer((q, reply) => {
    seen.push(q);
    const id = mode === 'stray' ? (q.readUInt16BE(0) + 1) & 0xffff : q.readUInt16BE(0);
    const a = Buffer.from(q);
    a.writeUInt16BE(id, 0);
    a.writeUInt16BE(mode === 'nx' ? 0x8183 : 0x8180, 2);
    reply(a);
  });
  const t = targetFrom(oneChecker(srv.port, 'DNS_CHECK {\n connect_timeout 0.3\n type A\n name example.com\n}'));
  assert.deepEqual(await new DnsCheck(t, context()).run(), { kind: 'pass' });
  assert.deepEqual([...seen[0]!.subarray(2)], [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1]);
  mode = 'nx';
  assert.deepEqual(await new DnsCheck(t, context()).run(), { kind: 'fail', reason: 'read error occurred. (rcode = 3)' });
  mode = 'stray';
  assert.deepEqual(await new DnsCheck(t, context()).run(), { kind: 'fail', reason: 'read timeout from socket' });
  srv.sock.close();
});

test('UDP_CHECK: silence passes, port unreachable fails, require_reply matches with wildcards and lengths', async () => {
  assert.equal(defaultPayload().toString('latin1'), 'keepalived check - keepalived ch');
  let answer: Buffer | null = null;
  const got: Buffer[] = [];
  const srv = await udpServer((m, reply) => {
    got.push(m);
    if (answer) reply(answer);
  });
  const plain = targetFrom(oneChecker(srv.port, 'UDP_CHECK {\n connect_timeout 0.2\n}'));
  assert.deepEqual(await new UdpCheck(plain, context()).run(), { kind: 'pass' });
  assert.deepEqual(got[0], defaultPayload());
  const strict = targetFrom(oneChecker(srv.port, 'UDP_CHECK {\n connect_timeout 0.2\n payload 01 02 ff\n require_reply 0a xx 0c\n min_reply_length 3\n}'));
  answer = Buffer.from([0x0a, 0x55, 0x0c, 0x00]);
  assert.deepEqual(await new UdpCheck(strict, context()).run(), { kind: 'pass' });
  assert.deepEqual([...got.at(-1)!], [1, 2, 255]);
  answer = Buffer.from([0x0b, 0x55, 0x0c]);
  assert.deepEqual(await new UdpCheck(strict, context()).run(), { kind: 'fail', reason: 'reply data mismatch' });
  answer = null;
  assert.deepEqual(await new UdpCheck(strict, context()).run(), { kind: 'fail', reason: 'failed' });
  const port = srv.port;
  srv.sock.close();
  assert.deepEqual(await new UdpCheck(targetFrom(oneChecker(port, 'UDP_CHECK {\n connect_timeout 0.5\n}')), context()).run(), { kind: 'fail', reason: 'failed' });
  assert.equal(replyMatches(Buffer.from([1, 2]), parseHex('01 02 03'), 0, 255), true);
  assert.equal(replyMatches(Buffer.from([1, 2]), parseHex('0102'), 3, 255), false);
});
