/**
 * VrrpIo on the native addon: one raw protocol-112 socket per (interface, family), IPv4 with
 * IP_HDRINCL (the machine builds keepalived's header), IPv6 with the kernel's header and checksum
 * (IPV6_CHECKSUM 6), multicast loop off, TTL / hop limit 255; GARP and NA frames through one
 * AF_PACKET socket per interface.
 */
import type { VrrpIo, VrrpSocket } from '../../core/vrrp/ports.js';
import type { Family, ReceivedPacket } from '../../core/vrrp/types.js';
import { VRRP_PROTOCOL } from '../../wire/vrrp.js';
import { requireNative, type NativeAddon, type PacketHandle, type RawHandle } from './native.js';

export interface RawVrrpIoOptions {
  /** Called when a socket reports an error or a datagram is cut short. */
  readonly onError?: (message: string) => void;
  /** Keep the event loop alive while sockets are open (default true). */
  readonly keepAlive?: boolean;
}

export class RawVrrpIo implements VrrpIo {
  private readonly addon: NativeAddon;
  private readonly raws = new Set<RawHandle>();
  private readonly packets = new Map<string, PacketHandle>();

  constructor(private readonly opts: RawVrrpIoOptions = {}) {
    this.addon = requireNative();
  }

  open(ifname: string, family: Family, group: string | null, onPacket: (p: ReceivedPacket) => void): VrrpSocket {
    const a = this.addon;
    const h = a.rawOpen(
      { family, protocol: VRRP_PROTOCOL, ifname, group, hdrincl: family === 4 ? 1 : 0, loop: 0, multicastHops: 255, unicastHops: 255, tclass: 0xc0, checksumOffset: family === 6 ? 6 : -1 },
      (data, info) => {
        if (!data) {
          this.opts.onError?.(`VRRP socket on ${ifname} (IPv${family}): ${info.error ?? 'error'}`);
          return;
        }
        if (info.truncated) this.opts.onError?.(`recvmsg on ${ifname}: message truncated`);
        onPacket({ ifname, family, bytes: new Uint8Array(data.buffer, data.byteOffset, data.length), src: info.src, dst: info.dst, ttl: info.ttl });
      },
    );
    if (this.opts.keepAlive === false) a.rawRef(h, false);
    this.raws.add(h);
    return {
      send: (bytes, dst, src) => void a.rawSend(h, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), dst, src),
      close: () => {
        if (this.raws.delete(h)) a.rawClose(h);
      },
    };
  }

  sendFrame(ifname: string, frame: Uint8Array): void {
    let h = this.packets.get(ifname);
    if (!h) this.packets.set(ifname, (h = this.addon.packetOpen(ifname)));
    this.addon.packetSend(h, Buffer.from(frame.buffer, frame.byteOffset, frame.length));
  }

  close(): void {
    for (const h of this.raws) this.addon.rawClose(h);
    this.raws.clear();
    for (const h of this.packets.values()) this.addon.packetClose(h);
    this.packets.clear();
  }
}
