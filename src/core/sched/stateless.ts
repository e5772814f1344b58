/**
 * Base for schedulers that keep no state between picks (lc, wlc, sed, nq, fo, ovf, twos): they
 * read the destinations' counters on every pick, so list changes need no hook.
 */
import type { Destination, PickContext, Scheduler, VirtualService } from '../model.js';

export abstract class StatelessScheduler implements Scheduler {
  abstract readonly name: string;
  init(): void {}
  done(): void {}
  addDest(): void {}
  delDest(): void {}
  updDest(): void {}
  abstract pick(svc: VirtualService, ctx: PickContext): Destination | null;
}
