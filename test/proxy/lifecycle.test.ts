// A proxied TCP connection's life as `ipvsadm -L -n` / `-L -n -c` would show it on a NAT
// director: states, timeouts, ActiveConn/InActConn at every step; half-close propagation; resets;
// an entry expiring in the table closes the sockets.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { ProxyLab, until, withLab } from './harness.js';

const VIP = '127.0.2.1';

/** The only non-template entry's "STATE expiresMs". */
function state(lab: ProxyLab): string {
  const e = lab.entries();
  assert.equal(e.length, 1, e.join('\n'));
  const parts = e[0]!.split(' ');
  return `${parts[1]} ${parts[parts.length - 1]}`;
}

/** A real server that says "hi" and records how its socket ended (error code, closed). */
async function greetingServer(lab: ProxyLab): Promise<{ rs: { addr: string; port: number }; seen: { error: string; closed: boolean } }> {
  const seen = { error: '', closed: false };
  const rs = await lab.server('127.0.0.1', (s) => {
    s.write('hi\n');
    s.on('error', (e: NodeJS.ErrnoException) => (seen.error = e.code ?? ''));
    s.on('close', () => (seen.closed = true));
  });
  return { rs, seen };
}

test('client closes first: ESTABLISHED → CLOSE_WAIT → TIME_WAIT, active then inactive, gone after 120 s', () =>
  withLab(async (lab) => {
    let srvSock: Socket | null = null;
    let srvEnded = false;
    const rs = await lab.server('127.0.0.1', (s) => {
      srvSock = s;
      s.write('hello\n');
      s.on('end', () => (srvEnded = true));
    });
    const { svc, port } = await lab.serve('tcp', VIP, [rs]);
    const c = await lab.connect(VIP, port);
    assert.equal(await c.line(), 'hello');
    assert.equal(state(lab), 'ESTABLISHED 900000');
    assert.equal(lab.counts(svc, rs), '1/0/0');
    assert.deepEqual(lab.entries(), [`TCP ESTABLISHED 127.0.0.1:${c.socket.localPort} -> ${VIP}:${port} -> 127.0.0.1:${rs.port} 900000`]);

    c.socket.end();
    await until(() => srvEnded, 'the real server to see the FIN');
    assert.equal(state(lab), 'CLOSE_WAIT 60000');
    assert.equal(lab.counts(svc, rs), '0/1/0');

    // The server still talks on its half, then closes.
    srvSock!.end('bye\n');
    await c.closed;
    assert.equal(c.text, 'hello\nbye\n');
    assert.equal(c.ended, true);
    assert.equal(state(lab), 'TIME_WAIT 120000');
    assert.equal(lab.counts(svc, rs), '0/1/0');

    lab.advance(119_999);
    assert.equal(state(lab), 'TIME_WAIT 1');
    lab.advance(1);
    assert.deepEqual(lab.entries(), []);
    assert.equal(lab.counts(svc, rs), '0/0/0');
    const st = lab.ipvs.getService(svc)!.stats.snapshot();
    assert.deepEqual({ conns: st.conns, inbytes: st.inbytes, outbytes: st.outbytes }, { conns: 1, inbytes: 0, outbytes: 10 });
  }));

test('server closes first: FIN_WAIT while the client may still send, TIME_WAIT after its FIN', () =>
  withLab(async (lab) => {
    let got = '';
    const rs = await lab.server('127.0.0.1', (s) => {
      s.end('done\n');
      s.on('data', (d) => (got += d));
    });
    const { svc, port } = await lab.serve('tcp', VIP, [rs]);
    const c = await lab.connect(VIP, port);
    await until(() => c.ended, 'the client to see the FIN');
    assert.equal(c.text, 'done\n');
    assert.equal(state(lab), 'FIN_WAIT 120000');
    assert.equal(lab.counts(svc, rs), '0/1/0');
    lab.advance(5000);
    c.socket.write('late');
    await until(() => got === 'late', 'the half-open client data to arrive');
    assert.equal(state(lab), 'FIN_WAIT 120000');
    c.socket.end();
    await c.closed;
    await until(() => state(lab).startsWith('TIME_WAIT'), 'TIME_WAIT');
    assert.equal(state(lab), 'TIME_WAIT 120000');
    assert.equal(lab.counts(svc, rs), '0/1/0');
  }));

test('half-close propagates: the real server answers after the client has finished sending', () =>
  withLab(async (lab) => {
    const rs = await lab.server('127.0.0.1', (s) => {
      let n = 0;
      s.on('data', (d: Buffer) => (n += d.length));
      s.on('end', () => s.end(`got ${n}`));
    });
    const { svc, port } = await lab.serve('tcp', VIP, [rs]);
    const c = await lab.connect(VIP, port);
    c.socket.write('hello');
    c.socket.end();
    await c.closed;
    assert.equal(c.text, 'got 5');
    assert.equal(c.ended, true);
    assert.equal(c.error, null);
    const st = lab.ipvs.getService(svc)!.stats.snapshot();
    assert.deepEqual({ inbytes: st.inbytes, outbytes: st.outbytes }, { inbytes: 5, outbytes: 5 });
  }));

test('a client reset: in RST → CLOSE for 10 s, the real server is reset too', () =>
  withLab(async (lab) => {
    const { rs, seen } = await greetingServer(lab);
    const { svc, port } = await lab.serve('tcp', VIP, [rs]);
    const c = await lab.connect(VIP, port);
    assert.equal(await c.line(), 'hi');
    c.socket.resetAndDestroy();
    await until(() => seen.closed, 'the real server socket to close');
    assert.equal(seen.error, 'ECONNRESET');
    assert.equal(state(lab), 'CLOSE 10000');
    assert.equal(lab.counts(svc, rs), '0/1/0');
    lab.advance(10_000);
    assert.deepEqual(lab.entries(), []);
  }));

test('an idle connection past the --set tcp timeout expires in the table and both sockets are reset', () =>
  withLab(async (lab) => {
    const { rs, seen } = await greetingServer(lab);
    lab.apply({ type: 'set-timeouts', tcp: 10, tcpfin: 0, udp: 0 });
    const { svc, port } = await lab.serve('tcp', VIP, [rs]);
    const c = await lab.connect(VIP, port);
    assert.equal(await c.line(), 'hi');
    assert.equal(state(lab), 'ESTABLISHED 10000');
    lab.advance(9_999);
    assert.equal(state(lab), 'ESTABLISHED 1');
    lab.advance(1);
    assert.deepEqual(lab.entries(), []);
    assert.equal(lab.counts(svc, rs), '0/0/0');
    await c.closed;
    await until(() => seen.closed, 'the real server socket to close');
    assert.equal(c.error, 'ECONNRESET');
    assert.equal(seen.error, 'ECONNRESET');
    assert.equal(lab.proxy.counters().expiredClosed, 1);
    await until(() => lab.proxy.counters().tcpFlowsOpen === 0, 'the proxy to let go of the flow');
  }));
