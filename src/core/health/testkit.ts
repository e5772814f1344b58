/**
 * Builders for health-policy tests (used only by *.test.ts): specs with keepalived's defaults,
 * effects rendered as one line each so that tests compare exact sequences.
 */
import type { CheckerSpec, CheckerVariant, HealthEffect, NotifyCommand, RealServerSpec, VirtualServerSpec } from './spec.js';
import type { StartInputs } from './start.js';

export const cmd = (text: string): NotifyCommand => ({ text, args: text.split(' '), user: null, group: null });

export function checker(over: Partial<CheckerSpec> = {}, variant: CheckerVariant = { kind: 'generic' }): CheckerSpec {
  return {
    type: 'TCP_CHECK', identity: 'tcp', alpha: false, retry: 3, delayLoopMs: 6000, delayBeforeRetryMs: 3000, warmupMs: 0,
    logAllFailures: false, variant, ...over,
  };
}

export function realServer(addr: string, over: Partial<RealServerSpec> = {}): RealServerSpec {
  return {
    id: `${addr}|80`, name: `[${addr}]:tcp:80`, weight: 1, inhibit: false, notifyUp: cmd(`/up ${addr}`), notifyDown: cmd(`/down ${addr}`),
    checkers: [checker()], ...over,
  };
}

export function virtualServer(rss: RealServerSpec[], over: Partial<VirtualServerSpec> = {}): VirtualServerSpec {
  return {
    id: 'tcp|10.0.0.100|80', name: '[10.0.0.100]:tcp:80', quorum: 1, hysteresis: 0, quorumUp: cmd('/qup'), quorumDown: cmd('/qdown'),
    omega: false, haSuspend: false, sorry: null, realServers: rss, ...over,
  };
}

export const inputs = (files: Record<string, number> = {}, addresses = 1): StartInputs => ({
  fileValue: (f) => files[f] ?? 0,
  addressCount: () => addresses,
});

/** One line per effect: `log: ...`, `run: /cmd`, `+rs 10.0.0.1|80 w1`, `-rs ...`, `+sorry ...`. */
export function show(effects: readonly HealthEffect[]): string[] {
  return effects.map((e) => {
    if (e.kind === 'log') return `log: ${e.message}`;
    if (e.kind === 'notify') return `run: ${e.command.text}${e.stopping ? ' (stopping)' : ''}`;
    return `${e.present ? '+' : '-'}${e.sorry ? 'sorry' : 'rs'} ${e.dest}${e.present ? ` w${e.weight}` : ''}`;
  });
}
