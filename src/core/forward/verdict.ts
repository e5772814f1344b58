/**
 * What the packet engine does with one frame, and its counters. The verdict object is reused:
 * it is valid until the next frame is processed.
 */
import { MALFORMED_REASONS } from './frame-view.js';
import { DROP_REASONS } from '../conn/packet.js';

/**
 * transmit: send `frame[0, length)` out; pass: give the input frame to the host stack; drop:
 * discard; segment: the input is a GSO aggregate to tunnel to `tunnelTo` — the caller cuts it and
 * hands each segment to `Forwarder.tunnelSegment` (only when `Forwarder.aggregate` was set).
 */
export type FrameAction = 'transmit' | 'pass' | 'drop' | 'segment';

/** How a transmitted frame was produced. */
export type FrameHow = 'dr' | 'nat' | 'nat-reply' | 'tun' | 'icmp-error' | 'icmp-follow' | '';

/** Drops the forwarding path adds to the malformed-frame and connection-engine reasons. */
export const FORWARD_DROP_REASONS = [
  /** No MAC known for the next hop (the adapter resolves real servers and the gateway ahead). */
  'no-neighbour',
  /** No route to the destination on any link the engine sends on. */
  'no-route',
  /** NAT to a destination of the other family (IPVS supports it only with its own NAT46 work). */
  'nat-family-mismatch',
  /** TUN without a director address of the real server's family on the outgoing link (the tunnel source). */
  'tun-unsupported',
  /** TUN: a packet too big for the MTU once encapsulated that gets no ICMP error (no DF, a relayed ICMP error, a later IPv6 fragment). */
  'tun-needs-fragmentation',
  /**
   * A forwarded packet (any method, NAT replies too) whose TTL / hop limit runs out. Counted here
   * also when the verdict is the Time Exceeded error sent back instead (the packet itself died);
   * the verdict is a drop only when no error is due (an ICMP error, a later IPv4 fragment).
   */
  'ttl-exceeded',
  /** TUN: the tunnel MTU (link MTU less the outer header) is below 68 (IPv4 outer) or 1280 (IPv6 outer). */
  'tun-mtu-too-small',
  /** DR, NAT, NAT reply: a packet too big for the link it leaves by that gets no ICMP error (no DF, a relayed ICMP error, a later fragment). */
  'needs-fragmentation',
  /** An ICMP error the engine would send was over the rate limit (icmp-limit.ts): the packet is dropped without it. */
  'icmp-ratelimited',
  /** The scratch buffer cannot hold the frame to send. */
  'too-big',
] as const;

export const ALL_DROP_REASONS: readonly string[] = [...MALFORMED_REASONS, ...DROP_REASONS, ...FORWARD_DROP_REASONS];

export class FrameVerdict {
  action: FrameAction = 'pass';
  reason: string | null = null;
  how: FrameHow = '';
  /** The frame to transmit: the input rewritten in place, or the engine's scratch buffer. */
  frame: Uint8Array = new Uint8Array(0);
  length = 0;
  /** The link to transmit on (index into the forwarder's links); the input link otherwise. */
  link = 0;
  /** 'segment': the real server the segments are tunnelled to (family 4: word 0). */
  readonly tunnelTo = new Uint32Array(4);
  tunnelFamily: 4 | 6 = 4;

  reset(): this {
    this.action = 'pass';
    this.reason = null;
    this.how = '';
    this.length = 0;
    this.link = 0;
    return this;
  }
}

/** Frame counters of the packet engine (service and destination counters live in the core Stats). */
export interface ForwardCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  passed: number;
  dropped: number;
  dr: number;
  natIn: number;
  natOut: number;
  tun: number;
  icmpSent: number;
  icmpFollowed: number;
  fragmentsFollowed: number;
  fragmentsUnmatched: number;
  /** Dropped packets per reason (every reason present, from 0); `ttl-exceeded` includes those answered by an ICMP error. */
  readonly drops: Record<string, number>;
}

export function newForwardCounters(): ForwardCounters {
  const drops: Record<string, number> = {};
  for (const r of ALL_DROP_REASONS) drops[r] = 0;
  return { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, passed: 0, dropped: 0, dr: 0, natIn: 0, natOut: 0, tun: 0, icmpSent: 0, icmpFollowed: 0, fragmentsFollowed: 0, fragmentsUnmatched: 0, drops };
}
