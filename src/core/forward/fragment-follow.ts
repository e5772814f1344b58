/**
 * Later fragments (no ports) follow the decision taken for the first one of their datagram
 * (fragments.ts): a request goes on by the same forwarding method to the same real server, a NAT
 * reply gets the same virtual address as its source.
 */
import type { Verdict } from '../conn/packet.js';
import type { ConnEngine } from '../conn/engine.js';
import { FRAGMENT_TTL_MS, FragmentMemory, type FragmentDecision } from './fragments.js';
import type { Egress } from './egress.js';
import { countBytes } from './frame-util.js';
import { hopsLeft } from './hop-limit.js';
import { sendNatReply } from './nat-reply.js';
import type { FrameVerdict } from './verdict.js';

/** How a request is sent on: the forwarder's method dispatch. */
export type SendRequest = (fwd: string, family: 4 | 6, daddr: Uint32Array, dport: number, withPort: boolean) => FrameVerdict;

export class FragmentFollower {
  private readonly memory = new FragmentMemory();

  constructor(
    private readonly out: Egress,
    private readonly engine: ConnEngine,
    private readonly sendRequest: SendRequest,
  ) {}

  /** Remember what was done to the current frame when it is a first fragment. */
  remember(kind: 'forward' | 'reply', cv: Verdict, addr: Uint32Array, now: number): void {
    const f = this.out.view;
    if (!f.firstFragment) return;
    const d: FragmentDecision = { kind, fwd: cv.fwd, addr: Uint32Array.from(addr), family: cv.family, dest: cv.dest, expires: now + FRAGMENT_TTL_MS };
    this.memory.remember(f, d);
  }

  /** A later fragment: do what was done to the first one. */
  follow(now: number): FrameVerdict {
    const out = this.out;
    const f = out.view;
    const d = this.memory.recall(f, now);
    if (!d) {
      out.counters.fragmentsUnmatched++;
      return out.pass();
    }
    out.counters.fragmentsFollowed++;
    // A reply whose TTL is spent dies in the host's forwarding, before IPVS counts it.
    if (d.kind === 'reply' && hopsLeft(f) <= 1) return sendNatReply(out, d.addr, -1);
    countBytes(this.engine, d.dest, d.kind, f.ipLength);
    if (d.kind === 'forward') return this.sendRequest(d.fwd, d.family, d.addr, 0, false);
    return sendNatReply(out, d.addr, -1);
  }
}
