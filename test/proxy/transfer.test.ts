// Real forwarding: a 10 MB transfer both ways with exact byte counts, backpressure towards a
// slow client, IPv6 end to end.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { ProxyLab, freePort, until } from './harness.js';

const VIP = '127.0.4.1';
const MB10 = 10 * 1024 * 1024;

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >>> 11)) & 0xff;
  return b;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('10 MB each way through the proxy: content intact, inbytes/outbytes exact on real server, service and totals', async () => {
  const lab = new ProxyLab();
  try {
    const rs = await lab.backend('echo', '127.0.0.1', false);
    const port = await freePort(VIP);
    const svc = lab.service('tcp', VIP, port);
    lab.dest(svc, rs);
    await lab.sync();
    const payload = pattern(MB10);
    const c = await lab.connect(VIP, port);
    c.socket.end(payload);
    await c.closed;
    assert.equal(c.data.length, MB10);
    assert.equal(sha(c.data), sha(payload));
    const s = lab.ipvs.getService(svc)!;
    const d = s.dests[0]!;
    for (const st of [d.stats.snapshot(), s.stats.snapshot(), lab.ipvs.totals.snapshot()]) {
      assert.deepEqual({ conns: st.conns, inbytes: st.inbytes, outbytes: st.outbytes }, { conns: 1, inbytes: MB10, outbytes: MB10 });
    }
    // Packets are the segments fed: per read one, plus in SYN, ACK, FIN and the ACK of the
    // server's FIN; out SYN+ACK, the ACK of the client's FIN, and FIN.
    const k = lab.proxy.counters();
    const st = d.stats.snapshot();
    assert.equal(st.inpkts, k.clientReads! + 4);
    assert.equal(st.outpkts, k.serverReads! + 3);
    assert.equal(k.serverWrites, k.clientReads);
    assert.equal(k.clientWrites, k.serverReads);
  } finally {
    await lab.close();
  }
});

test('backpressure: a client that does not read stops the proxy reading from the real server', async () => {
  const lab = new ProxyLab();
  try {
    const total = 64 * 1024 * 1024;
    let srv: Socket | null = null;
    const rs = await lab.server('127.0.0.1', (s) => {
      srv = s;
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < total / chunk.length; i++) s.write(chunk);
      s.end();
    });
    const port = await freePort(VIP);
    const svc = lab.service('tcp', VIP, port);
    lab.dest(svc, rs);
    await lab.sync();
    const c = await lab.connect(VIP, port);
    c.socket.pause();
    await until(() => srv !== null, 'the real server to accept');
    // Let the buffers between the sockets fill up, then see that the real server is held back.
    let last = -1;
    await until(() => {
      const now = srv!.writableLength;
      const settled = now === last;
      last = now;
      return settled;
    }, 'the transfer to stall');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(srv!.writableLength > 0, 'the real server still holds unsent data');
    assert.ok(lab.ipvs.getService(svc)!.stats.outbytes < total);
    c.socket.resume();
    await until(() => c.ended, 'the end of the transfer', 20_000);
    c.socket.end();
    await c.closed;
    assert.equal(c.received, total);
    assert.equal(lab.ipvs.getService(svc)!.stats.snapshot().outbytes, total);
  } finally {
    await lab.close();
  }
});

test('IPv6: VIP [::1], real server [::1], entries and listing addresses in IPv6', async () => {
  const lab = new ProxyLab();
  try {
    const rs = await lab.backend('six', '::1');
    const port = await freePort('::1');
    const svc = lab.service('tcp', '::1', port);
    lab.dest(svc, rs);
    assert.deepEqual(await lab.sync(), []);
    const c = await lab.connect('::1', port);
    assert.equal(await c.line(), 'six');
    assert.deepEqual(lab.entries(), [`TCP ESTABLISHED [::1]:${c.localPort} -> [::1]:${port} -> [::1]:${rs.port} 900000`]);
    assert.equal(lab.counts(svc, rs), '1/0/0');
    c.socket.end('x');
    await c.closed;
    assert.equal(c.text, 'six\nx');
    assert.equal(lab.counts(svc, rs), '0/1/0');
  } finally {
    await lab.close();
  }
});
