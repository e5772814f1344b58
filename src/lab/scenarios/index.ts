/** Every lab scenario, by name. */
import type { Scenario } from '../types.js';
import { seed000Dr, seed000Ha } from './seed-000.js';
import { seed001DrWrr } from './seed-001-dr-wrr.js';
import { seed002HaPersist } from './seed-002-ha-persist.js';
import { seed003DrMulti, seed003DrSingle, seed003Nat, seed003Tun } from './seed-003.js';
import { seed004Ha } from './seed-004-ha.js';

export const SCENARIOS: readonly Scenario[] = [seed000Dr, seed000Ha, seed001DrWrr, seed002HaPersist, seed003Nat, seed003DrSingle, seed003DrMulti, seed003Tun, seed004Ha];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
