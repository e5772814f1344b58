/**
 * SMTP_CHECK (check_smtp.c): expect a `220` greeting, send `HELO <helo_name>`, expect `250`,
 * send `QUIT`, read one more line. Each line must arrive within connect_timeout. Failure reasons
 * are keepalived's, with the server as `[ip]:port`.
 */
import type { Socket } from 'node:net';
import type { CheckResult } from '../../core/health/spec.js';
import type { HealthProbe, ProbeTarget } from '../../engine/health/ports.js';
import type { Checker } from '../../lang/keepalived/model.js';
import { quiet, tcpConnect } from './connect.js';
import { pair, timeoutMs, type CheckerContext } from './context.js';

type SmtpChecker = Extract<Checker, { type: 'SMTP_CHECK' }>;

/** smtp_get_status(): three digits followed by a space or the end of the line (a bare CR does not count), else -1. */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})( |$)/.exec(line);
  return m ? Number(m[1]) : -1;
}

/** Reads lines from a socket, one at a time, each within a time limit. */
class LineReader {
  private buf = '';
  private waiting: ((line: string | null, why: string) => void) | null = null;
  private closed: string | null = null;

  constructor(socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.deliver();
    });
    socket.on('end', () => this.close('Read failure from server'));
    socket.on('error', () => this.close('Read failure from server'));
  }

  private close(why: string): void {
    this.closed ??= why;
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const nl = this.buf.indexOf('\n');
    const w = this.waiting;
    if (nl >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.waiting = null;
      w(line, '');
    } else if (this.closed) {
      this.waiting = null;
      w(null, this.closed);
    }
  }

  next(): Promise<{ line: string | null; why: string }> {
    return new Promise((resolve) => {
      this.waiting = (line, why) => resolve({ line, why });
      this.deliver();
    });
  }
}

export class SmtpCheck implements HealthProbe {
  private readonly checker: SmtpChecker;

  constructor(
    target: ProbeTarget,
    private readonly ctx: CheckerContext,
  ) {
    this.checker = target.checker as SmtpChecker;
  }

  async run(): Promise<CheckResult> {
    const c = this.checker.connection;
    const who = pair(c);
    const r = await tcpConnect(c, this.ctx.timers);
    if (!r.ok) {
      if (r.why === 'bind') return { kind: 'skipped', reason: 'SMTP_CHECK: socket bind failed. Rescheduling.' };
      return { kind: 'fail', reason: r.why === 'timeout' ? `Connection timeout to server ${who}` : `Error connecting to server ${who}` };
    }
    const socket = quiet(r.socket);
    try {
      return await this.dialogue(socket, who);
    } finally {
      socket.destroy();
    }
  }

  private async dialogue(socket: Socket, who: string): Promise<CheckResult> {
    const lines = new LineReader(socket);
    const read = async (): Promise<{ line: string } | { fail: CheckResult }> => {
      let timer: ReturnType<typeof this.ctx.timers.set> | null = null;
      const timeout = new Promise<{ line: null; why: string }>((resolve) => {
        timer = this.ctx.timers.set(timeoutMs(this.checker.connection), () => resolve({ line: null, why: 'Read timeout from server' }));
      });
      const got = await Promise.race([lines.next(), timeout]);
      if (timer) this.ctx.timers.clear(timer);
      return got.line === null ? { fail: { kind: 'fail', reason: `${got.why} ${who}` } } : { line: got.line };
    };
    const write = (text: string): Promise<CheckResult | null> =>
      new Promise((resolve) => socket.write(text, (e) => resolve(e ? { kind: 'fail', reason: `Write failure to server ${who}` } : null)));

    const banner = await read();
    if ('fail' in banner) return banner.fail;
    if (smtpStatus(banner.line) !== 220) return { kind: 'fail', reason: `Bad greeting banner from server ${who}` };
    const w1 = await write(`HELO ${this.checker.heloName}\r\n`);
    if (w1) return w1;
    const helo = await read();
    if ('fail' in helo) return helo.fail;
    if (smtpStatus(helo.line) !== 250) return { kind: 'fail', reason: `Bad HELO response from server ${who}` };
    const w2 = await write('QUIT\r\n');
    if (w2) return w2;
    const quit = await read();
    return 'fail' in quit ? quit.fail : { kind: 'pass' };
  }

  close(): void {}
}
