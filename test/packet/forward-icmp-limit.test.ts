// The ICMP errors the packet engine sends itself are rate limited as the kernel's global limit
// (icmp-limit.ts: burst 50, 1000 a second) on the `now` given to process; PMTU errors are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PacketBuilder } from '../../src/wire/packet-builder.js';
import { director, fromClient, ipOf, IP, MAC, oneHopLess } from './kit.js';

test('ICMP errors: 50 at once, then one per millisecond; the packets over the limit are dropped as icmp-ratelimited; fragmentation needed still goes', () => {
  const d = director(`tcp ${IP.vip}:80`, { [`${IP.rs1}:80`]: { fwd: 'dr' } }, { mtu: 1400 });
  const spent = fromClient().ipv4({ src: IP.client, dst: IP.vip, ttl: 1 }).tcp({ sport: 40000, dport: 80, flags: 'S' }).build();
  const big = fromClient().ipv4({ src: IP.client, dst: IP.vip, df: true }).tcp({ sport: 40000, dport: 80, flags: 'S' }).payload(new Uint8Array(1400)).build();
  const toGateway = () => new PacketBuilder().eth({ src: MAC.director, dst: MAC.gateway }).ipv4({ src: IP.vip, dst: IP.client, tos: 0xc0 });
  const timeExceeded = toGateway().icmp({ type: 11, code: 0 }).payload(ipOf(spent)).build();
  const fragNeeded = toGateway().icmp({ type: 3, code: 4, rest: 1400 }).payload(ipOf(oneHopLess(big)).subarray(0, 548)).build();
  const got: string[] = [];
  const send = (frame: Uint8Array, now: number) => {
    const v = d.fw.process(frame.slice(), frame.length, now);
    if (v.action !== 'transmit') return got.push(`${now} ${v.action} ${v.reason}`);
    const hex = Buffer.from(v.frame.subarray(0, v.length)).toString('hex');
    return got.push(`${now} ${v.how} ${hex === Buffer.from(timeExceeded).toString('hex') ? 'time-exceeded' : hex === Buffer.from(fragNeeded).toString('hex') ? 'frag-needed' : hex}`);
  };
  for (let i = 0; i < 51; i++) send(spent, 1000);
  send(big, 1000);
  send(spent, 1001);
  send(spent, 1001);
  assert.deepEqual(got, [...Array<string>(50).fill('1000 icmp-error time-exceeded'), '1000 drop icmp-ratelimited', '1000 icmp-error frag-needed', '1001 icmp-error time-exceeded', '1001 drop icmp-ratelimited']);
  assert.deepEqual([d.fw.counters.icmpSent, d.fw.counters.drops['icmp-ratelimited'], d.fw.counters.drops['ttl-exceeded'], d.fw.counters.dropped], [52, 2, 53, 2]);
});
