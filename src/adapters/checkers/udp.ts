/**
 * UDP_CHECK (check_udp.c, layer4.c udp_bind_connect/udp_socket_state): send the payload (by
 * default 32 bytes of "keepalived check - ...") to the real server. Without require_reply the
 * check passes unless an ICMP error (port unreachable) comes back within connect_timeout; with
 * require_reply a reply must arrive, with a length in [min_reply_length, max_reply_length] and
 * matching the given bytes (`x` nibbles match anything).
 */
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker } from '../../lang/keepalived/model.js';
import type { CheckerContext } from './context.js';
import { udpExchange } from './udp-exchange.js';

type UdpChecker = Extract<Checker, { type: 'UDP_CHECK' }>;

/** set_buf(): the default payload. */
export function defaultPayload(): Buffer {
  const s = 'keepalived check - ';
  return Buffer.from(s.repeat(2).slice(0, 32), 'latin1');
}

/** read_hex_str(): octets of one or two hex digits; with `wildcard`, an `x` digit matches anything. */
export function parseHex(text: string): { data: Buffer; mask: Buffer } {
  const data: number[] = [];
  const mask: number[] = [];
  const nibble = (ch: string): [number, number] => (/[xX]/.test(ch) ? [0, 0xf] : [parseInt(ch, 16), 0]);
  for (let i = 0; i < text.length; ) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    let [v, m] = nibble(text[i++]!);
    if (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const [v2, m2] = nibble(text[i++]!);
      v = (v << 4) | v2;
      m = (m << 4) | m2;
    }
    data.push(v);
    mask.push(m);
  }
  return { data: Buffer.from(data), mask: Buffer.from(mask) };
}

/** check_udp_reply(): length bounds, then the lesser of the two lengths compared under the mask. */
export function replyMatches(reply: Buffer, want: { data: Buffer; mask: Buffer }, min: number, max: number): boolean {
  if (reply.length < min || reply.length > max) return false;
  const n = Math.min(reply.length, want.data.length);
  for (let i = 0; i < n; i++) if ((reply[i]! ^ want.data[i]!) & ~want.mask[i]! & 0xff) return false;
  return true;
}

export class UdpCheck implements HealthProbe {
  private readonly checker: UdpChecker;
  private readonly payload: Buffer;
  private readonly reply: { data: Buffer; mask: Buffer } | null;

  constructor(
    target: ProbeTarget,
    private readonly ctx: CheckerContext,
  ) {
    this.checker = target.checker as UdpChecker;
    this.payload = this.checker.payload ? parseHex(this.checker.payload).data : defaultPayload();
    this.reply = this.checker.requireReply !== null ? parseHex(this.checker.requireReply) : null;
  }

  run(): Promise<CheckResult> {
    const c = this.checker.connection;
    return udpExchange(this.ctx, c, {
      payload: this.payload,
      // Silence means success unless a reply is required.
      onTimeout: () => (this.reply ? { kind: 'fail', reason: 'failed' } : { kind: 'pass' }),
      onError: (e) => (e.syscall === 'bind' ? { kind: 'skipped', reason: 'UDP connect fail to create socket. Rescheduling.' } : { kind: 'fail', reason: 'failed' }),
      onMessage: (msg) => {
        if (!this.reply) return { kind: 'pass' };
        const ok = replyMatches(msg, this.reply, this.checker.minReplyLength, this.checker.maxReplyLength);
        return ok ? { kind: 'pass' } : { kind: 'fail', reason: 'reply data mismatch' };
      },
    });
  }

  close(): void {}
}
