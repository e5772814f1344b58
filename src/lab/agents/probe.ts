/**
 * The client's curl loop, run inside the client's namespace: one GET per interval, each on a new
 * connection with a timeout, one JSON line per request: {"i","t","ms","answer"|"error"}. `t` is the
 * send time in ms since the probe started (monotonic). With interval 0 the requests go one after
 * the other (the order of answers is then the scheduler's order).
 * Usage: probe URL INTERVAL_MS COUNT(0 = until stopped) TIMEOUT_MS
 */
import { request } from 'node:http';
import { answerName } from '../probe-stats.js';

const [url, intervalArg, countArg, timeoutArg] = process.argv.slice(2);
const interval = Number(intervalArg);
const count = Number(countArg);
const timeout = Number(timeoutArg);
const t0 = performance.now();
let sent = 0;
let pending = 0;

function once(i: number): Promise<void> {
  const t = performance.now() - t0;
  pending++;
  return new Promise((resolve) => {
    let done = false;
    const finish = (fields: Record<string, unknown>): void => {
      if (done) return;
      done = true;
      pending--;
      clearTimeout(timer);
      process.stdout.write(`${JSON.stringify({ i, t: Math.round(t), ms: Math.round(performance.now() - t0 - t), ...fields })}\n`);
      resolve();
    };
    const req = request(url!, { agent: false, headers: { 'User-Agent': 'tsvs-lab-probe', Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => finish({ answer: answerName(body) }));
      res.on('error', (e) => finish({ error: e.message }));
    });
    // One timeout for the whole exchange, as curl --max-time.
    const timer = setTimeout(() => {
      req.destroy();
      finish({ error: 'timeout' });
    }, timeout);
    req.on('error', (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    req.end();
  });
}

async function main(): Promise<void> {
  if (interval === 0) {
    for (let i = 0; count === 0 || i < count; i++) await once(i);
    return;
  }
  // Fixed schedule: a request every interval whatever the earlier ones do, so a gap is measured
  // to within one interval even while requests time out.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (count !== 0 && sent >= count) {
        clearInterval(h);
        const wait = setInterval(() => {
          if (pending === 0) {
            clearInterval(wait);
            resolve();
          }
        }, 10);
        return;
      }
      void once(sent++);
    };
    const h = setInterval(tick, interval);
    tick();
  });
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
await main();
