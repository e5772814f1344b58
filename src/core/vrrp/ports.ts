/**
 * The ports VRRP reaches the machine through (design.md: `VrrpIo` and `NetControl`), plus the
 * script runner for notify and track scripts. Adapters implement them on the native raw-socket
 * shim, iproute2 and child processes; tests implement them in memory.
 */
import type { Family, InterfaceFacts, ReceivedPacket, ScriptOutcome, VipSpec } from './types.js';

/** One raw protocol-112 socket on one interface. */
export interface VrrpSocket {
  /** Send one datagram (IPv4: with its IP header; IPv6: the VRRP message, `src` chosen per packet). Throws on failure. */
  send(bytes: Uint8Array, dst: string, src: string | null): void;
  close(): void;
}

export interface VrrpIo {
  /** Open a socket on `ifname`, joined to `group` when given; every datagram received goes to `onPacket`. */
  open(ifname: string, family: Family, group: string | null, onPacket: (p: ReceivedPacket) => void): VrrpSocket;
  /** Send a whole Ethernet frame (gratuitous ARP, unsolicited NA). Throws on failure. */
  sendFrame(ifname: string, frame: Uint8Array): void;
  /** Close everything still open. */
  close(): void;
}

/** What the engine needs to know about an interface beyond the machine's facts. */
export interface InterfaceInfo extends InterfaceFacts {
  readonly mac: Uint8Array | null;
  /** IPv6 forwarding is on (unsolicited NAs then carry the Router flag). */
  readonly ipv6Forwarding: boolean;
}

export interface NetControl {
  /** Current state of an interface; null when it does not exist. */
  interfaceInfo(ifname: string): Promise<InterfaceInfo | null>;
  addVip(vip: VipSpec): Promise<void>;
  removeVip(vip: VipSpec): Promise<void>;
  /** Report changes of the given interfaces until the returned function is called. */
  watch(ifnames: readonly string[], onChange: (ifname: string, info: InterfaceInfo | null) => void): () => void;
  /** Remove every VIP this NetControl added and has not removed yet: the host is left as found. */
  restore(): Promise<void>;
}

export interface ScriptRunner {
  /** Run `args` (args[0] is the program) without a shell; kill it after `timeoutMs`. */
  run(args: readonly string[], timeoutMs: number): Promise<ScriptOutcome>;
}
