/**
 * Scheduler registry: name → factory. (Filled in by the scheduler modules; see sched/*.ts.)
 */
import type { Scheduler, Sysctls } from '../model.js';
import type { Rng } from '../ports.js';
import { createRr } from './rr.js';

type Factory = (rng: Rng, sysctls: Sysctls) => Scheduler;

const FACTORIES: Readonly<Record<string, Factory>> = {
  rr: () => createRr(),
};

export function isKnownScheduler(name: string): boolean {
  return name === 'none' || Object.hasOwn(FACTORIES, name);
}

export function createScheduler(name: string, rng: Rng, sysctls: Sysctls): Scheduler {
  const f = FACTORIES[name];
  if (!f) throw new Error(`unknown scheduler ${name}`);
  return f(rng, sysctls);
}

export const SCHEDULER_NAMES: readonly string[] = Object.keys(FACTORIES);
