/** Commands the lab runs on the host and inside its namespaces (argument vectors, no shell). */
import { spawnSync } from 'node:child_process';
import { NS_PREFIX } from './validate.js';

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function run(args: readonly string[], input?: string, timeoutMs = 15_000, env: NodeJS.ProcessEnv = process.env): Ran {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', input, timeout: timeoutMs, env });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? (r.error ? String(r.error) : '') };
}

export function must(args: readonly string[], input?: string): string {
  const r = run(args, input);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err.trim() || `exit ${r.code}`}`);
  return r.out;
}

export const nsName = (node: string): string => `${NS_PREFIX}${node}`;
export const SWITCH_NS = nsName('sw');

/** Run in a node's namespace. */
export function inNode(node: string, args: readonly string[], input?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv): Ran {
  return run(['ip', 'netns', 'exec', nsName(node), ...args], input, timeoutMs, env);
}

export function mustInNode(node: string, args: readonly string[], input?: string): string {
  const r = inNode(node, args, input);
  if (r.code !== 0) throw new Error(`${node}: ${args.join(' ')}: ${r.err.trim() || `exit ${r.code}`}`);
  return r.out;
}

/** Every namespace whose name starts with the lab's prefix. */
export function labNamespaces(): string[] {
  const r = run(['ip', 'netns', 'list']);
  return r.out.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(NS_PREFIX));
}

/** IPv4 addresses (without prefix) on a node's interfaces, lo included. */
export function nodeAddresses(node: string): string[] {
  const r = run(['ip', '-n', nsName(node), '-j', '-4', 'addr', 'show']);
  if (r.code !== 0) return [];
  const j = JSON.parse(r.out) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
  return j.filter((i) => i.ifname !== 'lo').flatMap((i) => i.addr_info.map((a) => a.local));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `check` until true or the time is up; whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
