/**
 * A director with health checking on a FakeClock, for engine tests (used only by *.test.ts).
 * Real servers are simulated backends whose behaviour a test switches at any time: `up` (the
 * connection completes at once), `refuse` (refused at once), `hang` (never answers: the check
 * times out after connect_timeout), or a delay in ms before a successful answer.
 */
import type { CheckResult, NotifyCommand } from '../../core/health/spec.js';
import { FakeClock } from '../../core/fake-clock.js';
import type { Logger, TimerHandle } from '../../core/ports.js';
import { SeededRng } from '../../core/rng.js';
import { parseKeepalivedConfig } from '../../lang/keepalived/parse.js';
import { memoryFiles } from '../../lang/keepalived/memory-files.js';
import { toIpvsOps } from '../../lang/keepalived/to-ops.js';
import { Director } from '../director.js';
import { HealthMonitor } from './monitor.js';
import type { HealthProbe, ProbeTarget, TrackFiles } from './ports.js';
import { HealthReloader } from './reloader.js';

export type Behaviour = 'up' | 'refuse' | 'hang' | number;

export const SEED = 42;

export class Backends {
  private readonly state = new Map<string, Behaviour>();
  /** Every check started, as `time address:port`. */
  readonly attempts: string[] = [];

  constructor(private readonly clock: FakeClock) {}

  set(addrPort: string, b: Behaviour): void {
    this.state.set(addrPort, b);
  }

  probe(t: ProbeTarget): HealthProbe {
    const c = 'connection' in t.checker ? t.checker.connection : null;
    const key = c ? `${c.connectIp}:${c.connectPort}` : `${t.rs.address}:${t.rs.port}`;
    const timeout = (c?.connectTimeout ?? 5) * 1000;
    return {
      run: () => {
        this.attempts.push(`${this.clock.now()} ${key}`);
        const b = this.state.get(key) ?? 'up';
        return new Promise<CheckResult>((resolve) => {
          if (b === 'up') resolve({ kind: 'pass' });
          else if (b === 'refuse') resolve({ kind: 'fail', reason: 'failed' });
          else if (b === 'hang') this.clock.set(timeout, () => resolve({ kind: 'fail', reason: 'timeout' }));
          else if (b >= timeout) this.clock.set(timeout, () => resolve({ kind: 'fail', reason: 'timeout' }));
          else this.clock.set(b, () => resolve({ kind: 'pass' }));
        });
      },
      close() {},
    };
  }
}

export interface Harness {
  readonly clock: SteppingClock;
  readonly director: Director;
  readonly monitor: HealthMonitor;
  readonly reloader: HealthReloader;
  readonly backends: Backends;
  readonly logs: string[];
  readonly commands: string[];
  /** Replace the configuration text (for the next reload). */
  setConfig(text: string): void;
  /** Move time forward and let promise callbacks run at each step. */
  advance(ms: number): Promise<void>;
  /** `addr:port weight` of every destination of the first service, IPVS order. */
  dests(): string[];
}

export function harness(config: string, trackFiles?: TrackFiles): Harness {
  const clock = new SteppingClock();
  const logs: string[] = [];
  const commands: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => logs.push(m), warn: (m) => logs.push(`warn: ${m}`), error: (m) => logs.push(`error: ${m}`) };
  const director = new Director({ clock, timers: clock });
  const backends = new Backends(clock);
  let text = config;
  const monitor = new HealthMonitor({
    director, clock, timers: clock, rng: new SeededRng(SEED), logger: { ...logger, info: (m) => logs.push(`${clock.now()} ${m}`) },
    probes: (t) => backends.probe(t),
    commands: { run: async (c: NotifyCommand) => void commands.push(`${clock.now()} ${c.text}`) },
    ...(trackFiles ? { trackFiles } : {}),
  });
  const reloader = new HealthReloader({
    director,
    health: monitor,
    source: () => {
      const { model, diagnostics } = parseKeepalivedConfig('/k.conf', { ...memoryFiles({ '/k.conf': text }), configId: 'x' });
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      return { load: { messages: [], errors, fatal: false, ops: toIpvsOps(model) }, model };
    },
  });
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return {
    clock, director, monitor, reloader, backends, logs, commands,
    setConfig: (t) => (text = t),
    advance: async (ms) => {
      // Step through due timers one at a time so that promise continuations run between them.
      const end = clock.now() + ms;
      for (;;) {
        await flush();
        const next = clock.nextDue();
        if (next === null || next > end) break;
        clock.advance(next - clock.now());
      }
      clock.advance(end - clock.now());
      await flush();
    },
    dests: () => {
      const svc = [...director.ipvs.services.values()][0];
      return svc ? svc.dests.map((d) => `${d.addr}:${d.port} w${d.weight}`) : [];
    },
  };
}

/** A FakeClock that also tells when its next timer is due. */
export class SteppingClock extends FakeClock {
  private readonly due = new Map<number, number>();

  override set(delayMs: number, fn: () => void): TimerHandle {
    const h = super.set(delayMs, () => {
      this.due.delete(h.id);
      fn();
    });
    this.due.set(h.id, this.now() + Math.max(0, delayMs));
    return h;
  }

  override clear(handle: TimerHandle): void {
    this.due.delete(handle.id);
    super.clear(handle);
  }

  nextDue(): number | null {
    let min: number | null = null;
    for (const at of this.due.values()) if (min === null || at < min) min = at;
    return min;
  }
}
