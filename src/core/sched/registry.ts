/**
 * Scheduler registry: name → factory, as the kernel's modules ip_vs_<name>. `none` is accepted
 * by the kernel (no scheduler bound; new connections cannot be scheduled) and has no factory.
 */
import type { Scheduler, SchedulerFactory, Sysctls } from '../model.js';
import type { Rng } from '../ports.js';
import { createDh } from './dh.js';
import { createFo } from './fo.js';
import { createLblc } from './lblc.js';
import { createLblcr } from './lblcr.js';
import { createLc } from './lc.js';
import { createMh } from './mh.js';
import { createNq } from './nq.js';
import { createOvf } from './ovf.js';
import { createRr } from './rr.js';
import { createSed } from './sed.js';
import { createSh } from './sh.js';
import { createTwos } from './twos.js';
import { createWlc } from './wlc.js';
import { createWrr } from './wrr.js';

const FACTORIES: Readonly<Record<string, SchedulerFactory>> = {
  rr: () => createRr(),
  wrr: () => createWrr(),
  lc: () => createLc(),
  wlc: () => createWlc(),
  sed: () => createSed(),
  nq: () => createNq(),
  fo: () => createFo(),
  ovf: () => createOvf(),
  twos: (rng) => createTwos(rng),
  dh: () => createDh(),
  sh: () => createSh(),
  mh: () => createMh(),
  lblc: (_rng, sysctls) => createLblc(sysctls),
  lblcr: (_rng, sysctls) => createLblcr(sysctls),
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
