/**
 * The optional native addon (native/, built by node-gyp): raw IP sockets and AF_PACKET transmit.
 * Loaded on first use with try/catch so that installs without a compiler still run everything
 * else; when it is missing, callers get one clear sentence saying how to build it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface RawMessageInfo {
  readonly src: string;
  readonly dst: string | null;
  readonly ttl: number;
  readonly ifindex: number;
  readonly truncated: boolean;
  /** Set (with a null buffer) when the poll handle reported an error. */
  readonly error?: string;
}

export interface RawOpenOptions {
  readonly family: 4 | 6;
  readonly protocol?: number;
  readonly ifname: string;
  readonly group?: string | null;
  /** IPv4: the caller writes the IP header (1) or the kernel does (0). */
  readonly hdrincl?: 0 | 1;
  readonly loop?: 0 | 1;
  readonly multicastHops?: number;
  readonly unicastHops?: number;
  readonly tclass?: number;
  /** IPv6: offset of the checksum the kernel fills in (6 for VRRP), -1 for none. */
  readonly checksumOffset?: number;
}

export interface RawHandle {
  readonly ifindex: number;
}

export interface PacketHandle {
  readonly ifindex: number;
}

export type NetlinkHandle = object;

export interface NativeAddon {
  readonly abi: number;
  rawOpen(opts: RawOpenOptions, onMessage: (data: Buffer | null, info: RawMessageInfo) => void): RawHandle;
  rawSend(h: RawHandle, data: Buffer, dst: string, src?: string | null): number;
  rawClose(h: RawHandle): void;
  rawRef(h: RawHandle, keepAlive: boolean): void;
  packetOpen(ifname: string): PacketHandle;
  packetSend(h: PacketHandle, frame: Buffer): number;
  packetClose(h: PacketHandle): void;
  nlOpen(protocol: number, timeoutMs: number): NetlinkHandle;
  /** Send one netlink message; the kernel's reply with the same sequence number. */
  nlRequest(h: NetlinkHandle, message: Buffer): Buffer;
  nlClose(h: NetlinkHandle): void;
}

export const NATIVE_BUILD_HINT = 'build it with `npm run build:native` (node-gyp rebuild -C native; needs a C compiler and the Node headers)';

export type NativeLoad = { readonly ok: true; readonly addon: NativeAddon; readonly path: string } | { readonly ok: false; readonly reason: string };

function candidates(): string[] {
  // An explicit location is the only one tried (pointing it elsewhere disables the addon).
  const env = process.env['TSVS_NATIVE_ADDON'];
  if (env) return [env];
  // From src/adapters/vrrp (tsx) or dist/src/adapters/vrrp (built) up to the package's native/.
  const rel = ['../../../native/build/Release/tsvs_native.node', '../../../../native/build/Release/tsvs_native.node'];
  return rel.map((r) => fileURLToPath(new URL(r, import.meta.url)));
}

let cached: NativeLoad | null = null;

/** Load the addon once; `ok: false` says why (not built, or built for another Node). */
export function loadNative(): NativeLoad {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const found = candidates().find((p) => existsSync(p));
  if (!found) return (cached = { ok: false, reason: `native addon not built: ${NATIVE_BUILD_HINT}` });
  try {
    const addon = require(found) as NativeAddon;
    return (cached = { ok: true, addon, path: found });
  } catch (e) {
    return (cached = { ok: false, reason: `native addon at ${found} cannot be loaded (${e instanceof Error ? e.message : String(e)}): ${NATIVE_BUILD_HINT}` });
  }
}

/** The addon, or an Error whose message says how to get it. */
export function requireNative(): NativeAddon {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  return n.addon;
}
